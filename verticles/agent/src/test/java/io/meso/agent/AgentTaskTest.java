package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.ListFilesRequest;
import io.meso.proto.ListFilesResponse;
import io.meso.proto.ReadFileRequest;
import io.meso.proto.ReadFileResponse;
import io.meso.proto.SandboxFile;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.executor.Isolation;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.PongAgentMessage;
import io.meso.internal.ShutdownFrameworkMessage;
import io.meso.internal.StatusUpdate;
import io.meso.v1.CommandInfo;
import io.meso.v1.DurationInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.HealthCheck;
import io.meso.v1.KillPolicy;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** An agent running real processes, driven over the local event bus by a recording master. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentTaskTest {

  @TempDir
  Path workDir;

  private Vertx vertx;
  private RecordingMaster master;
  private AgentVerticle agent;
  private String inbox;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    MesoCodecs.register(vertx);
    master = new RecordingMaster(vertx);
    master.autoAck = true;
    master.start().await(10, TimeUnit.SECONDS);
    agent = new AgentVerticle(new AgentOptions().setWorkDir(workDir.toString()).setHostname("h")
        .setResources("cpus:2;mem:1024;disk:1024").setIsolation(Isolation.POSIX).setKillGracePeriodMillis(2_000));
    vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    agent.registered().await(10, TimeUnit.SECONDS);
    inbox = Addresses.agent(agent.agentId());
  }

  private void awaitState(String taskId, TaskState state) {
    await().atMost(Duration.ofSeconds(20)).until(() -> master.distinctStatesOf(taskId).contains(state));
  }

  private StatusUpdate update(String taskId, TaskState state) {
    awaitState(taskId, state);
    return master.updatesOf(taskId).stream().filter(u -> u.getStatus().getState() == state).findFirst().orElseThrow();
  }

  private <T> T request(Object body) throws Exception {
    return vertx.eventBus().<T>request(inbox, body).map(m -> m.body()).await(10, TimeUnit.SECONDS);
  }

  private ReplyException refusal(Object body) throws Exception {
    Future<Object> reply = vertx.eventBus().request(inbox, body).map(m -> m.body());
    Throwable failure = reply.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(ReplyException.class);
    return (ReplyException) failure;
  }

  private static ReadFileRequest read(String taskId, String path) {
    return ReadFileRequest.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setPath(path).build();
  }

  @Test
  void runsATaskInItsSandboxAndReportsEveryState() throws Exception {
    vertx.eventBus().send(inbox, Tasks.run("echo", "echo hello"));

    StatusUpdate finished = update("echo", TaskState.TASK_FINISHED);

    assertThat(master.distinctStatesOf("echo"))
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(finished.getLatestState()).isEqualTo(TaskState.TASK_FINISHED);
    Path sandbox = workDir.resolve("frameworks").resolve(Tasks.FRAMEWORK).resolve("tasks").resolve("echo");
    assertThat(Files.readString(sandbox.resolve("stdout"))).isEqualTo("hello\n");
  }

  @Test
  void aFailingHealthCheckIsReportedReliablyAndKillsTheTask() throws Exception {
    FrameworkInfo capable = Tasks.framework(Tasks.FRAMEWORK, FrameworkInfo.Capability.Type.TASK_KILLING_STATE);
    HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND)
        .setCommand(CommandInfo.newBuilder().setValue("exit 1")).setDelaySeconds(0).setIntervalSeconds(0.1)
        .setGracePeriodSeconds(0).setConsecutiveFailures(2).build();
    vertx.eventBus().send(inbox, Tasks.run(capable, Tasks.task("sick", "sleep 1000").toBuilder()
        .setHealthCheck(check).build()));

    update("sick", TaskState.TASK_KILLED);

    List<TaskStatus> updates = new ArrayList<>();
    for (StatusUpdate u : master.updatesOf("sick")) {
      if (updates.stream().noneMatch(s -> s.getUuid().equals(u.getStatus().getUuid()))) {
        updates.add(u.getStatus());
      }
    }
    assertThat(updates).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_STARTING,
        TaskState.TASK_RUNNING, TaskState.TASK_RUNNING, TaskState.TASK_KILLING, TaskState.TASK_KILLED);
    TaskStatus unhealthy = updates.get(2);
    assertThat(unhealthy.getHealthy()).isFalse();
    assertThat(unhealthy.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    assertThat(unhealthy.getUuid().size()).isEqualTo(16);
    assertThat(unhealthy.getAgentId().getValue()).isEqualTo(agent.agentId());
    assertThat(updates.get(4).getHealthy()).isFalse();
  }

  @Test
  void killReportsKillingForCapableFrameworksThenKilled() throws Exception {
    FrameworkInfo capable = Tasks.framework(Tasks.FRAMEWORK, FrameworkInfo.Capability.Type.TASK_KILLING_STATE);
    vertx.eventBus().send(inbox, Tasks.run(capable, Tasks.task("sleeper", "sleep 1000")));
    awaitState("sleeper", TaskState.TASK_RUNNING);

    vertx.eventBus().send(inbox, KillTaskMessage.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(Tasks.FRAMEWORK))
        .setTaskId(TaskID.newBuilder().setValue("sleeper"))
        .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(1_000_000_000L)))
        .build());

    awaitState("sleeper", TaskState.TASK_KILLED);
    assertThat(master.distinctStatesOf("sleeper")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_KILLING, TaskState.TASK_KILLED);
  }

  @Test
  void shutdownFrameworkKillsAllItsTasksOnly() throws Exception {
    vertx.eventBus().send(inbox, Tasks.run("a", "sleep 1000"));
    vertx.eventBus().send(inbox, Tasks.run("b", "sleep 1000"));
    vertx.eventBus().send(inbox, Tasks.run(Tasks.framework("other"), Tasks.task("c", "sleep 1000")));
    awaitState("a", TaskState.TASK_RUNNING);
    awaitState("b", TaskState.TASK_RUNNING);
    awaitState("c", TaskState.TASK_RUNNING);

    vertx.eventBus().send(inbox, ShutdownFrameworkMessage.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(Tasks.FRAMEWORK)).build());

    awaitState("a", TaskState.TASK_KILLED);
    awaitState("b", TaskState.TASK_KILLED);
    // Without TASK_KILLING_STATE there is no KILLING; the other framework's task runs on.
    assertThat(master.distinctStatesOf("a")).doesNotContain(TaskState.TASK_KILLING);
    assertThat(master.distinctStatesOf("c")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
  }

  @Test
  void aDuplicateTaskIdIsRejectedWithTaskError() throws Exception {
    vertx.eventBus().send(inbox, Tasks.run("dup", "sleep 1000"));
    awaitState("dup", TaskState.TASK_RUNNING);

    vertx.eventBus().send(inbox, Tasks.run("dup", "true"));

    StatusUpdate error = update("dup", TaskState.TASK_ERROR);
    assertThat(error.getStatus().getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(error.getStatus().getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(error.getStatus().getMessage()).contains("'dup'").contains("already running");
  }

  @Test
  void readsAndListsSandboxFilesButNothingOutside() throws Exception {
    vertx.eventBus().send(inbox, Tasks.run("files", "echo hello; ln -s /etc etc-link; ln -s /etc/passwd pw-link"));
    awaitState("files", TaskState.TASK_FINISHED);

    ReadFileResponse stdout = request(read("files", "stdout"));
    assertThat(stdout.getData().toStringUtf8()).isEqualTo("hello\n");
    assertThat(stdout.getSize()).isEqualTo(6);
    ReadFileResponse tail = request(read("files", "stdout").toBuilder().setOffset(2).setLength(2).build());
    assertThat(tail.getData().toStringUtf8()).isEqualTo("ll");
    ListFilesResponse listing = request(ListFilesRequest.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(Tasks.FRAMEWORK))
        .setTaskId(TaskID.newBuilder().setValue("files")).build());
    assertThat(listing.getFilesList()).extracting(SandboxFile::getPath)
        .contains("stdout", "stderr", "exit_status", "etc-link");

    assertThat(refusal(read("files", "../../etc/passwd")).failureCode()).isEqualTo(403);
    assertThat(refusal(read("files", "/etc/passwd")).failureCode()).isEqualTo(403);
    assertThat(refusal(read("files", "etc-link/passwd")).failureCode()).isEqualTo(403);
    assertThat(refusal(read("files", "pw-link")).failureCode()).isEqualTo(403);
    assertThat(refusal(ListFilesRequest.newBuilder().setTaskId(TaskID.newBuilder().setValue("files"))
        .setPath("etc-link").build()).failureCode()).isEqualTo(403);
    assertThat(refusal(read("files", "no-such-file")).failureCode()).isEqualTo(404);
    assertThat(refusal(read("ghost", "stdout")).failureCode()).isEqualTo(404);
  }

  @Test
  void badMessagesAreRefusedAndTheAgentCarriesOn() throws Exception {
    ReplyException refused = refusal(PongAgentMessage.getDefaultInstance());
    assertThat(refused.failureCode()).isEqualTo(400);
    assertThat(refused.getMessage()).contains("PongAgentMessage");
    assertThat(refusal(ReadFileRequest.getDefaultInstance()).failureCode()).isEqualTo(400);

    vertx.eventBus().send(inbox, Tasks.run("still-works", "true"));
    awaitState("still-works", TaskState.TASK_FINISHED);
  }
}
