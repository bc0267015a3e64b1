package io.meso.executor;

import static org.awaitility.Awaitility.await;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.codecs.TaskStates;
import io.meso.v1.CommandInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Test harness for executors: deploys one for a fresh agent id, records every
 * {@link TaskStatusChanged} it reports, and launches and kills tasks over the local event bus.
 */
final class ExecutorHarness {

  static final String FRAMEWORK_ID = "fw-1";

  final Vertx vertx;
  final String agentId = "agent-" + UUID.randomUUID();
  final Path workDir;
  final List<TaskStatusChanged> statuses = new CopyOnWriteArrayList<>();
  private String deploymentId;
  /** The executor deployed last. */
  private VerticleBase executor;

  ExecutorHarness(Vertx vertx, Path workDir, Function<String, VerticleBase> executorOf) throws Exception {
    this.vertx = vertx;
    this.workDir = workDir;
    // Sandboxes are <workDir>/<task>: a task running as its own user (nobody by default) reaches
    // its sandbox by absolute path only if the directory above is searchable by it, as an agent
    // makes its work dir (a @TempDir is 0700).
    if (java.nio.file.Files.isDirectory(workDir)) { // else the executor makes it (0755)
      java.nio.file.Files.setPosixFilePermissions(workDir,
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    }
    MesoCodecs.register(vertx);
    vertx.eventBus().<TaskStatusChanged>localConsumer(Addresses.executorStatus(agentId), m -> statuses.add(m.body()))
        .completion().await(10, TimeUnit.SECONDS);
    executor = executorOf.apply(agentId);
    deploymentId = vertx.deployVerticle(executor).await(10, TimeUnit.SECONDS);
  }

  /**
   * Fails unless the deployed executor launches with the native helper ({@code helper}) or with
   * the program pipeline: a test of one launcher must not silently run the other.
   */
  void assertLaunchHelper(boolean helper) {
    boolean inUse = ((ExecutorVerticle) executor).launchesWithHelper();
    if (inUse != helper) {
      throw new AssertionError("the executor launches with " + (inUse ? "the native helper" : "the program pipeline")
          + ", the test asks for " + (helper ? "the native helper (was it built? gcc)" : "the program pipeline"));
    }
  }

  /** The executor deployed last. */
  ExecutorVerticle executor() {
    return (ExecutorVerticle) executor;
  }

  /** Undeploys the executor and deploys a new one for the same agent, as a restarted agent does. */
  void restart(Function<String, VerticleBase> executorOf) throws Exception {
    vertx.undeploy(deploymentId).await(20, TimeUnit.SECONDS);
    executor = executorOf.apply(agentId);
    deploymentId = vertx.deployVerticle(executor).await(10, TimeUnit.SECONDS);
  }

  /** Undeploys the executor (as an agent stopping does), without waiting. */
  io.vertx.core.Future<Void> undeploy() {
    return vertx.undeploy(deploymentId);
  }

  Path checkpointDir(String taskId) {
    return workDir.resolve("meta").resolve(taskId);
  }

  private static FrameworkInfo framework() {
    return FrameworkInfo.newBuilder().setId(FrameworkID.newBuilder().setValue(FRAMEWORK_ID)).setName("test").build();
  }

  /** Launches a recoverable task: checkpointed in {@link #checkpointDir}, run under the exit-status wrapper. */
  void launchCheckpointed(TaskInfo task) {
    String id = task.getTaskId().getValue();
    vertx.eventBus().send(Addresses.executor(agentId),
        new LaunchTask(framework(), task, sandbox(id).toString(), checkpointDir(id).toString()), MesoCodecs.LOCAL);
  }

  /** Sends RecoverTasks for these tasks, as read back from their checkpoints. */
  void recover(String... taskIds) throws Exception {
    List<RecoverTasks.Adopt> adopt = new java.util.ArrayList<>();
    for (String id : taskIds) {
      TaskCheckpoint.Recovered r = TaskCheckpoint.read(checkpointDir(id));
      adopt.add(new RecoverTasks.Adopt(new LaunchTask(r.framework(), r.task(), sandbox(id).toString(),
          checkpointDir(id).toString()), r.pid(), r.startTime()));
    }
    vertx.eventBus().send(Addresses.executor(agentId), new RecoverTasks(adopt), MesoCodecs.LOCAL);
  }

  static CommandInfo shell(String script) {
    return CommandInfo.newBuilder().setValue(script).build();
  }

  static TaskInfo.Builder task(String taskId, CommandInfo command) {
    return TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId)).setCommand(command);
  }

  static Resource ports(long begin, long end) {
    return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end)))
        .build();
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  Path sandbox(String taskId) {
    return workDir.resolve(taskId);
  }

  /** Launches the task in {@code <workDir>/<taskId>}. */
  void launch(TaskInfo task) {
    FrameworkInfo framework = FrameworkInfo.newBuilder().setId(FrameworkID.newBuilder().setValue(FRAMEWORK_ID))
        .setName("test").build();
    String sandbox = sandbox(task.getTaskId().getValue()).toString();
    vertx.eventBus().send(Addresses.executor(agentId), new LaunchTask(framework, task, sandbox), MesoCodecs.LOCAL);
  }

  /** Launches the task in {@code <workDir>/<taskId>} for this framework (its id is set here). */
  void launch(FrameworkInfo.Builder framework, TaskInfo task) {
    String sandbox = sandbox(task.getTaskId().getValue()).toString();
    vertx.eventBus().send(Addresses.executor(agentId), new LaunchTask(framework.setId(FrameworkID.newBuilder()
        .setValue(FRAMEWORK_ID)).build(), task, sandbox), MesoCodecs.LOCAL);
  }

  /** Launches the task for another framework, in the given sandbox. */
  void launch(String frameworkId, TaskInfo task, Path sandbox) {
    FrameworkInfo framework = FrameworkInfo.newBuilder().setId(FrameworkID.newBuilder().setValue(frameworkId))
        .setName("test " + frameworkId).build();
    vertx.eventBus().send(Addresses.executor(agentId), new LaunchTask(framework, task, sandbox.toString()),
        MesoCodecs.LOCAL);
  }

  void kill(String frameworkId, String taskId, long graceMillis) {
    vertx.eventBus().send(Addresses.executor(agentId), new KillTask(frameworkId, taskId, graceMillis, false),
        MesoCodecs.LOCAL);
  }

  List<TaskState> statesOf(String frameworkId, String taskId) {
    return statuses.stream().filter(s -> s.frameworkId().equals(frameworkId) && s.taskId().equals(taskId))
        .map(s -> s.status().getState()).toList();
  }

  void kill(String taskId, long graceMillis, boolean reportKilling) {
    vertx.eventBus().send(Addresses.executor(agentId), new KillTask(FRAMEWORK_ID, taskId, graceMillis, reportKilling),
        MesoCodecs.LOCAL);
  }

  List<TaskStatus> statusesOf(String taskId) {
    return statuses.stream().filter(s -> s.taskId().equals(taskId)).map(TaskStatusChanged::status).toList();
  }

  List<TaskState> statesOf(String taskId) {
    return statusesOf(taskId).stream().map(TaskStatus::getState).toList();
  }

  /** Waits for the task's terminal status and returns it. */
  TaskStatus awaitTerminal(String taskId) {
    await().atMost(Duration.ofSeconds(20))
        .until(() -> statusesOf(taskId).stream().anyMatch(s -> TaskStates.isTerminal(s.getState())));
    return statusesOf(taskId).stream().filter(s -> TaskStates.isTerminal(s.getState())).findFirst().orElseThrow();
  }

  /** The executor's usage sample of one running task, or null when it is not running. */
  io.meso.v1.ResourceStatistics usage(String taskId) throws Exception {
    List<TaskUsage> usages = vertx.eventBus().<List<TaskUsage>>request(Addresses.executor(agentId), new UsageRequest(),
        MesoCodecs.LOCAL)
        .await(20, TimeUnit.SECONDS).body();
    return usages.stream().filter(u -> u.task().getTaskId().getValue().equals(taskId)).findFirst()
        .map(TaskUsage::statistics).orElse(null);
  }

  void awaitState(String taskId, TaskState state) {
    await().atMost(Duration.ofSeconds(20)).until(() -> statesOf(taskId).contains(state));
  }
}
