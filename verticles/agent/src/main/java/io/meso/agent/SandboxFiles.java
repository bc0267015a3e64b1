package io.meso.agent;

import com.google.protobuf.ByteString;
import io.meso.proto.ListFilesResponse;
import io.meso.proto.ReadFileResponse;
import io.meso.proto.SandboxFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and lists files inside one task sandbox for the master's file browser, never outside it.
 *
 * <p>The task owns its sandbox and may change it while the agent reads (swap a directory with a
 * symbolic link to /etc, hard-link a host file, put a named pipe there), so nothing is checked
 * by name and then opened by name. Instead: the request path is checked lexically (relative, no
 * '..' leading outside: 403), then the sandbox is walked one component at a time from an open
 * descriptor of the sandbox directory ({@link SecureDirectoryStream}: openat with O_NOFOLLOW),
 * so no symbolic link is followed at any component (403); a leaf that is not a regular file
 * (named pipe, socket, device) is refused before it is opened (fstatat, 403), because opening a
 * pipe blocks; then what was actually opened is checked through {@code /proc/self/fd}: a regular
 * file (403 otherwise), with one link (403: a hard link may be a host file), whose real path is
 * inside the sandbox (403). Missing files are 404, bad requests 400. Reads return at most
 * {@link #MAX_READ} bytes.
 *
 * <p>Blocking IO that can still block for long (a file swapped for a pipe between the check and
 * the open): call from {@link SandboxIo}, never from an event loop or Vert.x's shared pool.
 */
final class SandboxFiles {

  /** Cap on the bytes one ReadFileRequest returns: 1 MiB. */
  static final long MAX_READ = 1 << 20;

  /** A request the agent refuses; {@link #code} is an HTTP-style status for {@code Message.fail}. */
  static final class Refusal extends Exception {
    final int code;

    Refusal(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private SandboxFiles() {}

  /**
   * Up to {@code length} bytes (capped at {@link #MAX_READ}; 0 or less means the cap) from
   * {@code offset}. A negative offset returns no data, only the size (Mesos's files/read with
   * offset -1, used to start tailing a file).
   */
  static ReadFileResponse read(Path sandbox, String path, long offset, long length) throws Refusal {
    List<String> parts = components(path);
    if (parts.isEmpty()) {
      throw new Refusal(400, "path '" + path + "' is the sandbox directory itself; list it instead");
    }
    Path realRoot = realRoot(sandbox);
    String leaf = parts.get(parts.size() - 1);
    try (SecureDirectoryStream<Path> dir = walk(sandbox, parts.subList(0, parts.size() - 1), path)) {
      BasicFileAttributes attrs = stat(dir, leaf, path);
      if (attrs.isDirectory()) {
        throw new Refusal(400, "'" + path + "' is a directory; list it instead");
      }
      refuseUnlessRegular(attrs, path);
      try (SeekableByteChannel channel = dir.newByteChannel(Path.of(leaf),
          Set.of(StandardOpenOption.READ, NOFOLLOW))) {
        OpenedFiles.check(channel, realRoot, path);
        return readFrom(channel, offset, length);
      }
    } catch (NoSuchFileException e) {
      throw new Refusal(404, "file '" + path + "' not found in the sandbox");
    } catch (FileSystemException e) {
      // ELOOP: the leaf became a symbolic link between the check and the open (O_NOFOLLOW).
      throw new Refusal(403, "path '" + path + "' refused: it changed while being opened (" + e.getReason() + ")");
    } catch (IOException e) {
      throw new Refusal(500, "cannot read '" + path + "': " + e.getMessage());
    }
  }

  private static ReadFileResponse readFrom(SeekableByteChannel channel, long offset, long length) throws IOException {
    long size = channel.size();
    if (offset < 0 || offset >= size) {
      return ReadFileResponse.newBuilder().setOffset(Math.max(offset, 0)).setSize(size).build();
    }
    long wanted = Math.min(length <= 0 ? MAX_READ : Math.min(length, MAX_READ), size - offset);
    ByteBuffer buffer = ByteBuffer.allocate((int) wanted);
    channel.position(offset);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        break;
      }
    }
    buffer.flip();
    return ReadFileResponse.newBuilder().setData(ByteString.copyFrom(buffer)).setOffset(offset).setSize(size).build();
  }

  /**
   * The entries of a directory (sorted by name), or the single entry of a file. Entries are
   * stat'ed without following links: a symbolic link is listed as what it is, never as its target.
   */
  static ListFilesResponse list(Path sandbox, String path) throws Refusal {
    List<String> parts = components(path);
    ListFilesResponse.Builder out = ListFilesResponse.newBuilder();
    String prefix = String.join("/", parts);
    try {
      if (!parts.isEmpty()) {
        String leaf = parts.get(parts.size() - 1);
        try (SecureDirectoryStream<Path> parent = walk(sandbox, parts.subList(0, parts.size() - 1), path)) {
          BasicFileAttributes attrs = stat(parent, leaf, path);
          if (attrs.isSymbolicLink()) {
            throw new Refusal(403, "path '" + path + "' refused: it is a symbolic link, and links are not "
                + "followed in a task sandbox");
          }
          if (!attrs.isDirectory()) {
            return out.addFiles(entry(prefix, attrs)).build();
          }
        }
      }
      List<String> names = new ArrayList<>();
      try (SecureDirectoryStream<Path> dir = walk(sandbox, parts, path)) {
        for (Path child : dir) {
          names.add(child.getFileName().toString());
        }
        names.sort(null);
        for (String name : names) {
          BasicFileAttributes attrs;
          try {
            attrs = dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
          } catch (NoSuchFileException gone) {
            continue; // removed while listing
          }
          out.addFiles(entry(prefix.isEmpty() ? name : prefix + "/" + name, attrs));
        }
      }
      return out.build();
    } catch (NoSuchFileException e) {
      throw new Refusal(404, "'" + path + "' not found in the sandbox");
    } catch (FileSystemException e) {
      throw new Refusal(403, "path '" + path + "' refused: it changed while being opened (" + e.getReason() + ")");
    } catch (IOException e) {
      throw new Refusal(500, "cannot list '" + path + "': " + e.getMessage());
    }
  }

  /**
   * The components of a sandbox-relative path, after lexical normalisation ("a/./b/../c" is
   * [a, c]); refused when it is absolute, has a NUL, or its '..' lead outside the sandbox.
   */
  static List<String> components(String path) throws Refusal {
    String relative = path == null ? "" : path;
    if (relative.indexOf('\0') >= 0) {
      throw new Refusal(400, "path must not contain NUL characters");
    }
    Path rel;
    try {
      rel = Path.of(relative);
    } catch (InvalidPathException e) {
      throw new Refusal(400, "invalid path '" + relative + "': " + e.getMessage());
    }
    if (rel.isAbsolute()) {
      throw new Refusal(403, "absolute path '" + relative + "' refused: paths are relative to the task sandbox");
    }
    Path normal = rel.normalize();
    List<String> parts = new ArrayList<>();
    for (Path part : normal) {
      String name = part.toString();
      if (name.equals("..")) {
        throw new Refusal(403, "path '" + relative + "' refused: it leads outside the task sandbox");
      }
      if (!name.isEmpty() && !name.equals(".")) {
        parts.add(name);
      }
    }
    return parts;
  }

  /**
   * An open descriptor of {@code <sandbox>/<dirs...>}, reached without following any symbolic
   * link: the sandbox directory itself is opened relative to its (agent-owned) parent with
   * O_NOFOLLOW, then each component relative to the previous one.
   */
  private static SecureDirectoryStream<Path> walk(Path sandbox, List<String> dirs, String asRequested)
      throws Refusal, IOException {
    Path root = sandbox.toAbsolutePath().normalize();
    SecureDirectoryStream<Path> current;
    try (DirectoryStream<Path> parent = Files.newDirectoryStream(root.getParent())) {
      if (!(parent instanceof SecureDirectoryStream<Path> secure)) {
        throw new Refusal(500, "this platform cannot open directories without following links "
            + "(no SecureDirectoryStream); sandbox files are not served");
      }
      current = open(secure, root.getFileName().toString(), "");
    } catch (NoSuchFileException e) {
      throw new Refusal(404, "the task sandbox does not exist (yet)");
    }
    StringBuilder walked = new StringBuilder();
    try {
      for (String name : dirs) {
        walked.append(walked.length() == 0 ? "" : "/").append(name);
        SecureDirectoryStream<Path> next = open(current, name, walked.toString());
        current.close();
        current = next;
      }
      return current;
    } catch (Refusal | IOException | RuntimeException e) {
      current.close();
      if (e instanceof NoSuchFileException) {
        throw new Refusal(404, "'" + asRequested + "' not found in the sandbox");
      }
      throw e;
    }
  }

  /** Opens a directory entry of {@code dir} as a directory, refusing links and non-directories by name. */
  private static SecureDirectoryStream<Path> open(SecureDirectoryStream<Path> dir, String name, String walked)
      throws Refusal, IOException {
    String shown = walked.isEmpty() ? "the task sandbox" : "'" + walked + "'";
    BasicFileAttributes attrs = dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW)
        .readAttributes();
    if (attrs.isSymbolicLink()) {
      throw new Refusal(403, shown + " is a symbolic link; links are not followed in a task sandbox");
    }
    if (!attrs.isDirectory()) {
      throw new Refusal(attrs.isRegularFile() ? 400 : 403, shown + " is not a directory");
    }
    try {
      // O_NOFOLLOW: if it was swapped for a link since the stat above, the open fails (ELOOP).
      return dir.newDirectoryStream(Path.of(name), NOFOLLOW);
    } catch (NotDirectoryException e) {
      throw new Refusal(403, shown + " refused: it changed while being opened (no longer a directory)");
    } catch (NoSuchFileException e) {
      throw e;
    } catch (FileSystemException e) {
      throw new Refusal(403, shown + " refused: it changed while being opened (" + e.getReason() + ")");
    }
  }

  private static BasicFileAttributes stat(SecureDirectoryStream<Path> dir, String name, String asRequested)
      throws IOException {
    return dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
  }

  private static void refuseUnlessRegular(BasicFileAttributes attrs, String path) throws Refusal {
    if (attrs.isSymbolicLink()) {
      throw new Refusal(403, "path '" + path + "' refused: it is a symbolic link, and links are not followed "
          + "in a task sandbox");
    }
    if (!attrs.isRegularFile()) {
      throw new Refusal(403, "path '" + path + "' refused: it is not a regular file (a named pipe, socket or "
          + "device); only regular files are served");
    }
  }

  /** The sandbox's real path: its parent's real path (agent-owned) and its own name. */
  private static Path realRoot(Path sandbox) throws Refusal {
    Path root = sandbox.toAbsolutePath().normalize();
    try {
      return root.getParent().toRealPath().resolve(root.getFileName());
    } catch (NoSuchFileException e) {
      throw new Refusal(404, "the task sandbox does not exist (yet)");
    } catch (IOException e) {
      throw new Refusal(500, "cannot resolve the task sandbox: " + e.getMessage());
    }
  }

  private static SandboxFile entry(String relative, BasicFileAttributes attrs) {
    return SandboxFile.newBuilder()
        .setPath(relative)
        .setSize(attrs.size())
        .setDirectory(attrs.isDirectory())
        .setMtimeMillis(attrs.lastModifiedTime().toMillis())
        .build();
  }
}
