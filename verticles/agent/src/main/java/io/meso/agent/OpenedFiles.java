package io.meso.agent;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks what an open sandbox file really is, from its descriptor rather than its name (which
 * the task may have changed since): {@code /proc/self/fd/<n>} gives the opened inode's stat
 * (mode, link count) and its real path. The descriptor number of a JDK file channel is read by
 * reflection ({@code sun.nio.ch.FileChannelImpl.fd}, {@code sun.nio.ch.IOUtil.fdVal}), which
 * needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}: the {@code meso} launcher and the
 * build's test configuration pass it. Without it, files are refused (500) rather than served
 * unchecked.
 */
final class OpenedFiles {

  private static final Logger LOG = LoggerFactory.getLogger(OpenedFiles.class);
  /** S_IFMT and S_IFREG of st_mode. */
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;

  private static final Field CHANNEL_FD;
  private static final Method FD_VAL;
  private static final String UNAVAILABLE;

  static {
    Field field = null;
    Method method = null;
    String why = null;
    try {
      field = Class.forName("sun.nio.ch.FileChannelImpl").getDeclaredField("fd");
      field.setAccessible(true);
      method = Class.forName("sun.nio.ch.IOUtil").getDeclaredMethod("fdVal", FileDescriptor.class);
      method.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      why = e.toString();
      LOG.warn("cannot read file descriptors of open files ({}): sandbox files cannot be checked after opening and "
          + "are refused; run the JVM with --add-opens java.base/sun.nio.ch=ALL-UNNAMED (the meso launcher does)", why);
    }
    CHANNEL_FD = why == null ? field : null;
    FD_VAL = why == null ? method : null;
    UNAVAILABLE = why;
  }

  private OpenedFiles() {}

  /** The descriptor number of a JDK file channel. */
  static int fd(Channel channel) throws SandboxFiles.Refusal {
    if (UNAVAILABLE != null) {
      throw new SandboxFiles.Refusal(500, "this agent cannot check opened sandbox files (" + UNAVAILABLE
          + "); start it with --add-opens java.base/sun.nio.ch=ALL-UNNAMED");
    }
    try {
      return (int) FD_VAL.invoke(null, (FileDescriptor) CHANNEL_FD.get(channel));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new SandboxFiles.Refusal(500, "cannot check an opened sandbox file: " + e);
    }
  }

  /**
   * Refuses (403) an opened file that is not a regular file, has more than one hard link, or
   * whose real path is not inside {@code realRoot}.
   */
  static void check(Channel channel, Path realRoot, String asRequested) throws SandboxFiles.Refusal, IOException {
    Path proc = Path.of("/proc/self/fd/" + fd(channel));
    Map<String, Object> stat = Files.readAttributes(proc, "unix:mode,nlink");
    int mode = (Integer) stat.get("mode");
    int links = (Integer) stat.get("nlink");
    if ((mode & S_IFMT) != S_IFREG) {
      throw new SandboxFiles.Refusal(403, "path '" + asRequested + "' refused: it is not a regular file; only "
          + "regular files are served");
    }
    if (links != 1) {
      throw new SandboxFiles.Refusal(403, "path '" + asRequested + "' refused: it has " + links + " hard links "
          + "(only files with one link are served: another link may be a file outside the sandbox)");
    }
    Path real = Files.readSymbolicLink(proc);
    if (!real.startsWith(realRoot)) {
      LOG.warn("sandbox read refused: the opened file is outside the sandbox path={} opened={} sandbox={}",
          asRequested, real, realRoot);
      throw new SandboxFiles.Refusal(403, "path '" + asRequested + "' refused: what was opened is outside the "
          + "task sandbox");
    }
  }
}
