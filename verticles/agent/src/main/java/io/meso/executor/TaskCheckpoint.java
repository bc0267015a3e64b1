package io.meso.executor;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.meso.internal.StatusUpdate;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskInfo;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What an agent keeps about one task so that a restarted agent can pick it up again: a
 * directory {@code <workDir>/meta/tasks/<framework>/<task>} holding
 * <ul>
 *   <li>{@link #FRAMEWORK} and {@link #TASK}: the FrameworkInfo and TaskInfo it was launched
 *       with (written by the executor before spawning);</li>
 *   <li>{@link #PID}: "pid start-time" of the task's leader process, written right after it was
 *       spawned (start time in clock ticks since boot, so a reused pid is never mistaken for the
 *       task);</li>
 *   <li>{@link #UPDATES}: an append-only log of the task's status updates and of the
 *       acknowledgements of them, so that the updates not yet acknowledged survive too. Each
 *       record is a type byte ('U' update, 'A' acknowledged uuid), a 4-byte length and the bytes;
 *       a record cut short by a crash is ignored.</li>
 * </ul>
 * The task's exit status is recorded by the task's own wrapper shell in
 * {@code <sandbox>/exit_status} (see {@link ProcessLauncher}). The directory is removed when the
 * task's terminal update was acknowledged. Written without fsync: this protects against the agent
 * process dying, not against the machine losing power. Blocking file IO: call off the event loop.
 */
public final class TaskCheckpoint {

  public static final String FRAMEWORK = "framework.pb";
  public static final String TASK = "task.pb";
  public static final String PID = "pid";
  public static final String UPDATES = "updates";
  private static final byte UPDATE = 'U';
  private static final byte ACK = 'A';

  /** What a checkpoint directory held. {@code pid <= 0}: the task was never spawned (or the pid was not recorded). */
  public record Recovered(Path dir, FrameworkInfo framework, TaskInfo task, long pid, long startTime,
      List<StatusUpdate> updates, List<StatusUpdate> unacknowledged) {}

  private TaskCheckpoint() {}

  /** The checkpoint directory of a task under an agent's work directory. */
  public static Path dir(Path workDir, String frameworkId, String taskId) {
    return root(workDir).resolve(FileNames.sanitize(frameworkId)).resolve(FileNames.sanitize(taskId));
  }

  /** Where an agent checkpoints its id ({@code <workDir>/meta/agent_id}, Mesos' "latest" agent meta). */
  public static Path agentIdFile(Path workDir) {
    return workDir.resolve("meta").resolve("agent_id");
  }

  /**
   * Forgets the agent's identity (an operator marked it gone): removes its id checkpoint, so a
   * restart with this work dir registers as a new agent, as Mesos removes the "latest" symlink.
   */
  public static void forgetAgentId(Path workDir) throws IOException {
    Files.deleteIfExists(agentIdFile(workDir));
  }

  /** Where all task checkpoints of an agent live. */
  public static Path root(Path workDir) {
    return workDir.resolve("meta").resolve("tasks");
  }

  static void writeLaunch(Path dir, FrameworkInfo framework, TaskInfo task) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(FRAMEWORK), framework.toByteArray());
    Files.write(dir.resolve(TASK), task.toByteArray());
  }

  static void writePid(Path dir, long pid, long startTime) throws IOException {
    Files.write(dir.resolve(PID), (pid + " " + startTime + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** Appends a status update to the task's log. */
  public static void appendUpdate(Path dir, StatusUpdate update) throws IOException {
    append(dir, UPDATE, update.toByteArray());
  }

  /** Appends the acknowledgement of the update with this uuid. */
  public static void appendAck(Path dir, ByteString uuid) throws IOException {
    append(dir, ACK, uuid.toByteArray());
  }

  private static void append(Path dir, byte type, byte[] bytes) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length + 5);
    DataOutputStream out = new DataOutputStream(buffer);
    out.writeByte(type);
    out.writeInt(bytes.length);
    out.write(bytes);
    byte[] record = buffer.toByteArray();
    Path log = dir.resolve(UPDATES);
    try {
      appendTo(log, record);
    } catch (java.nio.file.NoSuchFileException e) {
      // The directory is made at launch; made here only for a task checkpointed without one
      // (one exception on that rare path rather than a mkdir attempt and its exception per record).
      Files.createDirectories(dir);
      appendTo(log, record);
    }
  }

  private static void appendTo(Path log, byte[] record) throws IOException {
    Files.write(log, record, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  /** Removes a task's checkpoint directory (its task is done and acknowledged). */
  public static void remove(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
    Path framework = dir.getParent();
    try {
      Files.deleteIfExists(framework); // only when it was the framework's last task
    } catch (IOException e) {
      // not empty
    }
  }

  /**
   * Reads every task checkpoint under an agent's work directory. A directory without a readable
   * framework and task (the agent died before the launch was recorded) is removed and skipped.
   */
  public static List<Recovered> recoverAll(Path workDir) throws IOException {
    List<Recovered> found = new ArrayList<>();
    Path root = root(workDir);
    if (!Files.isDirectory(root)) {
      return found;
    }
    try (DirectoryStream<Path> frameworks = Files.newDirectoryStream(root)) {
      for (Path framework : frameworks) {
        if (!Files.isDirectory(framework)) {
          continue;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(framework)) {
          for (Path dir : tasks) {
            Recovered r = Files.isDirectory(dir) ? read(dir) : null;
            if (r != null) {
              found.add(r);
            } else {
              remove(dir);
            }
          }
        }
      }
    }
    return found;
  }

  /** Reads one task checkpoint, or null when its launch was never recorded completely. */
  public static Recovered read(Path dir) throws IOException {
    FrameworkInfo framework;
    TaskInfo task;
    try {
      framework = FrameworkInfo.parseFrom(Files.readAllBytes(dir.resolve(FRAMEWORK)));
      task = TaskInfo.parseFrom(Files.readAllBytes(dir.resolve(TASK)));
    } catch (java.nio.file.NoSuchFileException | InvalidProtocolBufferException e) {
      return null;
    }
    if (!framework.hasId() || task.getTaskId().getValue().isEmpty()) {
      return null;
    }
    long pid = -1;
    long start = -1;
    Path pidFile = dir.resolve(PID);
    if (Files.isRegularFile(pidFile)) {
      String[] words = Files.readString(pidFile, StandardCharsets.US_ASCII).trim().split("\\s+");
      try {
        if (words.length == 2) {
          pid = Long.parseLong(words[0]);
          start = Long.parseLong(words[1]);
        }
      } catch (NumberFormatException e) {
        pid = -1; // cut short by a crash: as if never recorded
      }
    }
    List<StatusUpdate> updates = new ArrayList<>();
    Set<ByteString> acked = new HashSet<>();
    Path log = dir.resolve(UPDATES);
    if (Files.isRegularFile(log)) {
      ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(log));
      while (in.remaining() >= 5) {
        byte type = in.get();
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
          break; // the last record was cut short
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        if (type == UPDATE) {
          try {
            updates.add(StatusUpdate.parseFrom(bytes));
          } catch (InvalidProtocolBufferException e) {
            break;
          }
        } else if (type == ACK) {
          acked.add(ByteString.copyFrom(bytes));
        } else {
          break;
        }
      }
    }
    List<StatusUpdate> unacknowledged = new ArrayList<>();
    for (StatusUpdate u : updates) {
      if (!acked.contains(u.getUuid())) {
        unacknowledged.add(u);
      }
    }
    return new Recovered(dir, framework, task, pid, start, List.copyOf(updates), List.copyOf(unacknowledged));
  }

  /**
   * Kills what is left of a checkpointed task that will not be recovered (its agent came back
   * with a new identity): its leader's session, if that pid still names the task's leader.
   * Returns whether anything was signalled.
   */
  public static boolean killLeftovers(Recovered r) {
    if (r.pid() <= 0 || !ProcessTree.alive(r.pid(), r.startTime())) {
      return false;
    }
    java.util.Set<Long> members = ProcessTree.members(r.pid());
    ProcessTree.signal(members, true);
    return !members.isEmpty();
  }

  /** The exit status the task's wrapper recorded in its sandbox, or null when there is none (or it is unreadable). */
  static Integer exitStatus(Path sandbox) {
    try {
      String text = Files.readString(sandbox.resolve("exit_status"), StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? null : Integer.valueOf(text);
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }
}
