package io.meso.executor;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.meso.internal.StatusUpdate;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * directory {@code <workDir>/meta/tasks/<framework>/<task>} holding one append-only log,
 * {@link #UPDATES}, of records, each a type byte, a 4-byte length and the bytes:
 * <ul>
 *   <li>'F' and 'T': the FrameworkInfo and TaskInfo the task was launched with (written together,
 *       by one write, by the executor before spawning);</li>
 *   <li>'P': pid and start time (two longs) of the task's leader process, appended right after
 *       it was spawned (start time in clock ticks since boot, so a reused pid is never mistaken
 *       for the task); the last one counts;</li>
 *   <li>'U' and 'A': the task's status updates and the acknowledgements (uuids) of them, so that
 *       the updates not yet acknowledged survive too.</li>
 * </ul>
 * Records are read in any order (the agent may log the first update while the executor is still
 * writing the launch); each is written by a single append, so concurrent writers never interleave
 * inside a record, and a record cut short by a crash (always the last) is ignored. One file per
 * task rather than one per item (earlier layouts wrote {@link #FRAMEWORK}, {@link #TASK} and
 * {@link #PID} as files of their own, still read when found) keeps a launch to two inodes
 * created and two removed: on ext4 without a journal every create scans past the inodes deleted
 * in the last minutes, so the file churn of a launch burst dominated its cost (BENCHMARKS.md,
 * issue 16). The task's exit status is recorded by the task's own wrapper in
 * {@code <sandbox>/exit_status} (see {@link ProcessLauncher}). The directory is removed when the
 * task's terminal update was acknowledged. Written without fsync: this protects against the agent
 * process dying, not against the machine losing power. Blocking file IO: call off the event loop.
 */
public final class TaskCheckpoint {

  /** Legacy layout: the FrameworkInfo in a file of its own (read, no longer written). */
  public static final String FRAMEWORK = "framework.pb";
  /** Legacy layout: the TaskInfo in a file of its own (read, no longer written). */
  public static final String TASK = "task.pb";
  /** Legacy layout: "pid start-time" in a file of its own (read, no longer written). */
  public static final String PID = "pid";
  /** The task's log: launch, pid, updates and acknowledgements. */
  public static final String UPDATES = "updates";
  private static final byte FRAMEWORK_INFO = 'F';
  private static final byte TASK_INFO = 'T';
  private static final byte LEADER = 'P';
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

  /** Records the launch (framework and task, one append), making the directory if needed; before spawning. */
  static void writeLaunch(Path dir, FrameworkInfo framework, TaskInfo task) throws IOException {
    byte[] f = framework.toByteArray();
    byte[] t = task.toByteArray();
    ByteBuffer records = ByteBuffer.allocate(f.length + t.length + 10);
    record(records, FRAMEWORK_INFO, f);
    record(records, TASK_INFO, t);
    append(dir, records.flip());
  }

  /** Records the task's leader (one append); the last one recorded counts. */
  static void writePid(Path dir, long pid, long startTime) throws IOException {
    ByteBuffer record = ByteBuffer.allocate(5 + 16);
    record.put(LEADER).putInt(16).putLong(pid).putLong(startTime);
    append(dir, record.flip());
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
    ByteBuffer record = ByteBuffer.allocate(bytes.length + 5);
    record(record, type, bytes);
    append(dir, record.flip());
  }

  private static void record(ByteBuffer into, byte type, byte[] bytes) {
    into.put(type).putInt(bytes.length).put(bytes);
  }

  private static void append(Path dir, ByteBuffer records) throws IOException {
    Path log = dir.resolve(UPDATES);
    try {
      appendTo(log, records);
    } catch (java.nio.file.NoSuchFileException e) {
      // The first writer of a task (its launch, or its first update) makes the directory: one
      // exception then rather than a mkdir attempt and its exception per record.
      Files.createDirectories(dir);
      appendTo(log, records);
    }
  }

  /** One O_APPEND write of the whole buffer, so that records of concurrent writers never interleave. */
  private static void appendTo(Path log, ByteBuffer records) throws IOException {
    try (FileChannel out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE)) {
      while (records.hasRemaining()) {
        out.write(records);
      }
    }
  }

  /** Removes a task's checkpoint directory (its task is done and acknowledged). */
  public static void remove(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Files.deleteIfExists(dir.resolve(UPDATES));
    try {
      if (!Files.deleteIfExists(dir)) {
        return;
      }
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      // more than the log (a legacy layout, a GPU list): remove what is there
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
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
    FrameworkInfo framework = null;
    TaskInfo task = null;
    long pid = -1;
    long start = -1;
    List<StatusUpdate> updates = new ArrayList<>();
    Set<ByteString> acked = new HashSet<>();
    Path log = dir.resolve(UPDATES);
    if (Files.isRegularFile(log)) {
      ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(log));
      records:
      while (in.remaining() >= 5) {
        byte type = in.get();
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
          break; // the last record was cut short
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        try {
          switch (type) {
            case FRAMEWORK_INFO -> framework = FrameworkInfo.parseFrom(bytes);
            case TASK_INFO -> task = TaskInfo.parseFrom(bytes);
            case LEADER -> {
              if (length != 16) {
                break records;
              }
              ByteBuffer leader = ByteBuffer.wrap(bytes);
              pid = leader.getLong();
              start = leader.getLong();
            }
            case UPDATE -> updates.add(StatusUpdate.parseFrom(bytes));
            case ACK -> acked.add(ByteString.copyFrom(bytes));
            default -> {
              break records;
            }
          }
        } catch (InvalidProtocolBufferException e) {
          break;
        }
      }
    }
    if (framework == null && task == null && Files.isRegularFile(dir.resolve(FRAMEWORK))) {
      try {
        framework = FrameworkInfo.parseFrom(Files.readAllBytes(dir.resolve(FRAMEWORK)));
        task = TaskInfo.parseFrom(Files.readAllBytes(dir.resolve(TASK)));
      } catch (java.nio.file.NoSuchFileException | InvalidProtocolBufferException e) {
        return null;
      }
      long[] legacy = legacyPid(dir.resolve(PID));
      pid = legacy[0];
      start = legacy[1];
    }
    if (framework == null || task == null || !framework.hasId() || task.getTaskId().getValue().isEmpty()) {
      return null;
    }
    List<StatusUpdate> unacknowledged = new ArrayList<>();
    for (StatusUpdate u : updates) {
      if (!acked.contains(u.getUuid())) {
        unacknowledged.add(u);
      }
    }
    return new Recovered(dir, framework, task, pid, start, List.copyOf(updates), List.copyOf(unacknowledged));
  }

  /** Pid and start time from a legacy pid file, {-1, -1} when missing or cut short. */
  private static long[] legacyPid(Path pidFile) throws IOException {
    if (Files.isRegularFile(pidFile)) {
      String[] words = Files.readString(pidFile, StandardCharsets.US_ASCII).trim().split("\\s+");
      try {
        if (words.length == 2) {
          return new long[] {Long.parseLong(words[0]), Long.parseLong(words[1])};
        }
      } catch (NumberFormatException e) {
        // cut short by a crash: as if never recorded
      }
    }
    return new long[] {-1, -1};
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
