package io.meso.agent;

import io.meso.executor.TaskCheckpoint;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who an agent is, as found on disk at start-up: its work dir, its id (recovered from the
 * checkpoint {@code <workDir>/meta/agent_id}, else a fresh {@code <uuid>-S0}), what it tells the
 * master about itself, and the tasks a previous run under that id checkpointed. Also writes the
 * id checkpoint after the first registration, and removes it (with every task checkpoint) when
 * the agent was marked gone, so that a restart joins as a new agent.
 *
 * @param recovered whether the id was recovered: the agent then re-registers, with its tasks
 * @param tasks the checkpointed tasks to take back (only when checkpointing and the id was recovered)
 */
record AgentIdentity(Path workDir, String agentId, boolean recovered, AgentInfo info,
    List<TaskCheckpoint.Recovered> tasks) {

  private static final Logger LOG = LoggerFactory.getLogger(AgentIdentity.class);

  /**
   * Blocking start-up work: work dir, agent id checkpoint, host name, resources, attributes, and
   * the checkpointed tasks. Tasks checkpointed under an identity that is not recovered are killed
   * and removed.
   */
  static AgentIdentity prepare(AgentOptions options, boolean checkpointing) throws Exception {
    Path dir = Path.of(options.getWorkDir()).toAbsolutePath().normalize();
    Files.createDirectories(dir);
    privateMeta(dir);
    searchableByTasks(dir);
    Path checkpoint = idCheckpoint(dir);
    String id = Files.isRegularFile(checkpoint) ? Files.readString(checkpoint).trim() : "";
    boolean recoveredId = !id.isEmpty();
    if (!recoveredId) {
      id = UUID.randomUUID() + "-S0";
    }
    String hostname = options.getHostname();
    if (hostname == null || hostname.isBlank()) {
      try {
        hostname = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        hostname = "localhost";
      }
    }
    AgentInfo info = AgentInfo.newBuilder()
        .setId(AgentID.newBuilder().setValue(id))
        .setHostname(hostname)
        .setPort(options.getPort())
        .addAllResources(ResourceDetector.detect(options.getResources(), dir, options.getNvidiaSmi()).toProto())
        .addAllAttributes(AgentAttributes.parse(options.getAttributes()))
        .build();
    List<TaskCheckpoint.Recovered> tasks = List.of();
    if (checkpointing && recoveredId) {
      tasks = TaskCheckpoint.recoverAll(dir);
    } else if (!recoveredId) {
      // Without its id the agent is a new one: tasks checkpointed under an old identity belong to
      // no master's view of this agent. Kill what is left of them, as Mesos does on a fresh start.
      for (TaskCheckpoint.Recovered stale : TaskCheckpoint.recoverAll(dir)) {
        if (TaskCheckpoint.killLeftovers(stale)) {
          LOG.info("killed a task left by a previous agent identity task_id={} pid={}",
              stale.task().getTaskId().getValue(), stale.pid());
        }
        TaskCheckpoint.remove(stale.dir());
      }
    }
    return new AgentIdentity(dir, id, recoveredId, info, tasks);
  }

  /** Where the agent id is checkpointed. */
  static Path idCheckpoint(Path workDir) {
    return workDir.resolve("meta").resolve("agent_id");
  }

  /**
   * Blocking: makes {@code <workDir>/meta} (the agent's id and task checkpoints, which hold
   * every task's TaskInfo and environment) the agent user's alone (0700), so tasks, which run
   * as other users, cannot read them.
   */
  static void privateMeta(Path workDir) throws java.io.IOException {
    Path meta = workDir.resolve("meta");
    Files.createDirectories(meta);
    Files.setPosixFilePermissions(meta, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
  }

  /**
   * Blocking: adds search permission for others to the work dir when it lacks it (a 0700 temporary
   * directory, say), so tasks running as other users reach their sandboxes below it by absolute
   * path ({@code MESOS_SANDBOX}); listing it stays the agent's. Its own parents are the
   * operator's: the executor logs one that tasks cannot search.
   */
  static void searchableByTasks(Path workDir) throws java.io.IOException {
    java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(workDir);
    if (perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
      Files.setPosixFilePermissions(workDir, perms);
      LOG.info("made the work dir searchable by tasks (o+x) work_dir={}", workDir);
    }
  }

  /** Writes the id checkpoint (asynchronously; a failure is logged). */
  static void checkpointId(Vertx vertx, Path workDir, String agentId) {
    Path meta = workDir.resolve("meta");
    vertx.fileSystem().mkdirs(meta.toString())
        .compose(v -> vertx.fileSystem().writeFile(meta.resolve("agent_id").toString(),
            Buffer.buffer(agentId + "\n", StandardCharsets.UTF_8.name())))
        .onFailure(e -> LOG.warn("cannot checkpoint the agent id agent_id={} work_dir={} error={}", agentId, workDir,
            e.toString()));
  }

  /** Blocking: removes the agent id checkpoint and every task checkpoint (killing what is left of their tasks). */
  static Void forget(Path dir) throws Exception {
    for (TaskCheckpoint.Recovered stale : TaskCheckpoint.recoverAll(dir)) {
      if (TaskCheckpoint.killLeftovers(stale)) {
        LOG.warn("killed a task still running after the agent was marked gone task_id={} pid={}",
            stale.task().getTaskId().getValue(), stale.pid());
      }
      TaskCheckpoint.remove(stale.dir());
    }
    TaskCheckpoint.forgetAgentId(dir);
    return null;
  }
}
