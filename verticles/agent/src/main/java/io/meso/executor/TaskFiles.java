package io.meso.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a task's sandbox to the user it runs as (blocking, before it is spawned): the directory
 * and its {@code stdout} and {@code stderr} become that user's, as Mesos chowns the sandbox when
 * it switches user. Nothing here follows a symlink: a relaunched task's sandbox already belonged
 * to the task, so its old {@code stdout}/{@code stderr} are removed (not truncated, which would
 * follow a link the task left there) and made anew.
 *
 * <p>A task reaches its sandbox by its absolute path ({@code MESOS_SANDBOX}) only if every
 * directory above it is searchable by the task's user; one that is not is logged once (the
 * agent's work dir must then be made searchable: {@code chmod o+x}).
 */
final class TaskFiles {

  private static final Logger LOG = LoggerFactory.getLogger(TaskFiles.class);
  /** "uid:dir" of the directories checked (with all above them), each checked once. */
  private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();

  private TaskFiles() {}

  static void handOver(Path sandbox, TaskUser user) throws IOException {
    own(sandbox, user);
    for (String name : new String[] {"stdout", "stderr"}) {
      Path file = sandbox.resolve(name);
      Files.deleteIfExists(file);
      Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
      own(file, user);
    }
    checkAncestors(sandbox, user);
  }

  /** Removes whatever is at {@code file} (a link itself, not its target) and writes {@code text} to a new file. */
  static void writeNew(Path file, byte[] text) throws IOException {
    Files.deleteIfExists(file);
    Files.write(file, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  private static void own(Path path, TaskUser user) throws IOException {
    Files.setAttribute(path, "unix:uid", (int) user.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", (int) user.gid(), LinkOption.NOFOLLOW_LINKS);
  }

  /** Logs (once per directory) an ancestor of the sandbox that the task's user cannot search. */
  private static void checkAncestors(Path sandbox, TaskUser user) {
    for (Path dir = sandbox.getParent(); dir != null; dir = dir.getParent()) {
      if (!CHECKED.add(user.uid() + ":" + dir)) {
        return;
      }
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        int owner = (Integer) Files.getAttribute(dir, "unix:uid");
        int group = (Integer) Files.getAttribute(dir, "unix:gid");
        boolean searchable = perms.contains(PosixFilePermission.OTHERS_EXECUTE)
            || (owner == user.uid() && perms.contains(PosixFilePermission.OWNER_EXECUTE))
            || (group == user.gid() && perms.contains(PosixFilePermission.GROUP_EXECUTE));
        if (!searchable) {
          LOG.warn("tasks running as {} cannot reach their sandbox by its absolute path: {} is not searchable by "
              + "them (chmod o+x it; their working directory is the sandbox regardless)", user.name(), dir);
        }
      } catch (IOException | RuntimeException e) {
        return;
      }
    }
  }
}
