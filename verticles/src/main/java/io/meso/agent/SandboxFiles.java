package io.meso.agent;

import com.google.protobuf.ByteString;
import io.meso.internal.FileEntry;
import io.meso.internal.ListFilesResponse;
import io.meso.internal.ReadFileResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and lists files inside one task sandbox for the master's file browser, never outside it.
 * A request path is relative to the sandbox; it is refused (403) when it is absolute, when it
 * normalises to somewhere outside the sandbox ({@code ../../etc/passwd}), or when its real path
 * (symbolic links followed) is outside the sandbox's real path. Missing files are 404, bad
 * requests 400. Reads return at most {@link #MAX_READ} bytes. Blocking IO: call off the loop.
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

  private SandboxFiles() {}

  /**
   * Up to {@code length} bytes (capped at {@link #MAX_READ}; 0 or less means the cap) from
   * {@code offset}. A negative offset returns no data, only the size (Mesos's files/read with
   * offset -1, used to start tailing a file).
   */
  static ReadFileResponse read(Path sandbox, String path, long offset, long length) throws Refusal {
    Path file = resolve(sandbox, path);
    if (Files.isDirectory(file)) {
      throw new Refusal(400, "'" + path + "' is a directory; list it instead");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = channel.size();
      if (offset < 0 || offset >= size) {
        return ReadFileResponse.newBuilder().setOffset(Math.max(offset, 0)).setSize(size).build();
      }
      long wanted = Math.min(length <= 0 ? MAX_READ : Math.min(length, MAX_READ), size - offset);
      ByteBuffer buffer = ByteBuffer.allocate((int) wanted);
      long at = offset;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, at);
        if (n < 0) {
          break;
        }
        at += n;
      }
      buffer.flip();
      return ReadFileResponse.newBuilder().setData(ByteString.copyFrom(buffer)).setOffset(offset).setSize(size).build();
    } catch (NoSuchFileException e) {
      throw new Refusal(404, "file '" + path + "' not found in the sandbox");
    } catch (java.nio.file.FileSystemLoopException e) {
      throw new Refusal(403, "path '" + path + "' refused: it became a symbolic link");
    } catch (IOException e) {
      throw new Refusal(500, "cannot read '" + path + "': " + e.getMessage());
    }
  }

  /** The entries of a directory (sorted by name), or the single entry of a file. */
  static ListFilesResponse list(Path sandbox, String path) throws Refusal {
    Path target = resolve(sandbox, path);
    Path realSandbox = realPath(sandbox, "");
    ListFilesResponse.Builder out = ListFilesResponse.newBuilder();
    try {
      if (!Files.isDirectory(target)) {
        return out.addEntries(entry(realSandbox, target)).build();
      }
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(target)) {
        stream.forEach(children::add);
      }
      children.sort(null);
      for (Path child : children) {
        out.addEntries(entry(realSandbox, child));
      }
      return out.build();
    } catch (NoSuchFileException e) {
      throw new Refusal(404, "'" + path + "' not found in the sandbox");
    } catch (IOException e) {
      throw new Refusal(500, "cannot list '" + path + "': " + e.getMessage());
    }
  }

  /** The real path of {@code path} inside {@code sandbox}, or the reason it is refused. */
  static Path resolve(Path sandbox, String path) throws Refusal {
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
    Path root = sandbox.toAbsolutePath().normalize();
    Path target = root.resolve(rel).normalize();
    if (!target.startsWith(root)) {
      throw new Refusal(403, "path '" + relative + "' refused: it leads outside the task sandbox");
    }
    Path realRoot = realPath(root, "");
    Path real = realPath(target, relative);
    if (!real.startsWith(realRoot)) {
      throw new Refusal(403, "path '" + relative + "' refused: a symbolic link leads outside the task sandbox");
    }
    return real;
  }

  private static Path realPath(Path path, String asRequested) throws Refusal {
    try {
      return path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new Refusal(404, asRequested.isEmpty() ? "the task sandbox does not exist (yet)"
          : "'" + asRequested + "' not found in the sandbox");
    } catch (IOException e) {
      throw new Refusal(500, "cannot resolve '" + asRequested + "': " + e.getMessage());
    }
  }

  private static FileEntry entry(Path realSandbox, Path file) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String relative = realSandbox.relativize(file.toAbsolutePath()).toString();
    return FileEntry.newBuilder()
        .setPath(relative)
        .setSize(attrs.size())
        .setDirectory(attrs.isDirectory())
        .setMtimeMillis(attrs.lastModifiedTime().toMillis())
        .build();
  }
}
