package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.ReadFileRequest;
import io.meso.proto.ReadFileResponse;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.executor.Isolation;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.PongAgentMessage;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's named pipe cannot tie up the agent: reads of it are refused at once, other reads keep
 * working, and a read that does get stuck is answered 504 and makes the agent report itself not
 * ready (in its pongs to the master) until it is unstuck.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentSandboxReadsTest {

  @TempDir
  Path workDir;

  private Vertx vertx;
  private AgentVerticle agent;
  private String inbox;
  private Path sandbox;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    MesoCodecs.register(vertx);
    RecordingMaster master = new RecordingMaster(vertx);
    master.autoAck = true;
    master.start().await(10, TimeUnit.SECONDS);
    agent = new AgentVerticle(new AgentOptions().setWorkDir(workDir.toString()).setHostname("h")
        .setResources("cpus:2;mem:1024;disk:1024").setIsolation(Isolation.POSIX).setKillGracePeriodMillis(1_000)
        .setSandboxReadTimeoutMillis(1_500));
    vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    agent.registered().await(10, TimeUnit.SECONDS);
    inbox = Addresses.agent(agent.agentId());
    // A real task makes the pipe in its own sandbox.
    vertx.eventBus().send(inbox, Tasks.run("piper", "mkfifo pipe && echo hello > out && echo ready > ready && sleep 1000"));
    sandbox = workDir.resolve("frameworks").resolve(Tasks.FRAMEWORK).resolve("tasks").resolve("piper");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(sandbox.resolve("ready"))
        && Files.size(sandbox.resolve("ready")) > 0);
    assertThat(master.distinctStatesOf("piper")).contains(TaskState.TASK_RUNNING);
  }

  private static ReadFileRequest read(String path) {
    return ReadFileRequest.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(Tasks.FRAMEWORK))
        .setTaskId(TaskID.newBuilder().setValue("piper")).setPath(path).build();
  }

  /** The agent's answer, or the failure, within 10 s (the master's own file request timeout). */
  private Future<Object> ask(ReadFileRequest request) {
    return vertx.eventBus().request(inbox, request, new DeliveryOptions().setSendTimeout(10_000))
        .map(m -> (Object) m.body()).recover(Future::succeededFuture);
  }

  @Test
  void manyReadsOfANamedPipeAreRefusedPromptlyAndOtherReadsStillWork() throws Exception {
    List<Future<Object>> answers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      answers.add(ask(read("pipe")));
    }
    Future.join(answers).await(30, TimeUnit.SECONDS);

    for (Future<Object> answer : answers) {
      assertThat(answer.result()).isInstanceOf(ReplyException.class);
      ReplyException refused = (ReplyException) answer.result();
      assertThat(refused.failureCode()).as(refused.getMessage()).isEqualTo(403);
      assertThat(refused.getMessage()).contains("pipe").contains("not a regular file");
    }
    Object out = ask(read("out")).await(20, TimeUnit.SECONDS);
    assertThat(out).isInstanceOf(ReadFileResponse.class);
    assertThat(((ReadFileResponse) out).getData().toStringUtf8()).isEqualTo("hello\n");
    assertThat(agent.notReadyReason()).isNull();
  }

  @Test
  void aStuckReadIsAnsweredInTimeAndMakesTheAgentNotReadyUntilItEnds() throws Exception {
    // Force what the pre-open check prevents (a file swapped for a pipe between check and open):
    // an open of the pipe on the agent's sandbox IO pool, as a read would do.
    Path pipe = sandbox.resolve("pipe");
    SandboxIo io = agent.sandboxIo();
    Future<Object> forced = runOnAgentContext(() -> io.submit("'pipe' of task 'piper' (forced)", () -> {
      try (FileChannel channel = FileChannel.open(pipe, StandardOpenOption.READ)) {
        return channel.size();
      }
    }));
    Throwable timedOut = forced.transform(ar -> Future.succeededFuture(ar.cause())).await(20, TimeUnit.SECONDS);
    assertThat(timedOut).isInstanceOf(SandboxFiles.Refusal.class);
    assertThat(((SandboxFiles.Refusal) timedOut).code).isEqualTo(504);
    assertThat(timedOut.getMessage()).contains("did not finish within 1500 ms");

    await().atMost(Duration.ofSeconds(10)).until(() -> agent.notReadyReason() != null);
    assertThat(agent.notReadyReason()).contains("stuck").contains("'pipe' of task 'piper' (forced)");
    PongAgentMessage pong = vertx.eventBus().<PongAgentMessage>request(inbox, PingAgentMessage.getDefaultInstance())
        .map(m -> m.body()).await(10, TimeUnit.SECONDS);
    assertThat(pong.getNotReadyReason()).contains("sandbox file IO threads stuck");
    // Other reads still work meanwhile (the pool has more than one thread).
    assertThat(ask(read("out")).await(20, TimeUnit.SECONDS)).isInstanceOf(ReadFileResponse.class);

    // A writer opens the pipe: the stuck open returns, and the agent is ready again.
    try (FileChannel writer = FileChannel.open(pipe, StandardOpenOption.WRITE)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> agent.notReadyReason() == null);
    }
    PongAgentMessage again = vertx.eventBus().<PongAgentMessage>request(inbox, PingAgentMessage.getDefaultInstance())
        .map(m -> m.body()).await(10, TimeUnit.SECONDS);
    assertThat(again.hasNotReadyReason()).isFalse();
  }

  private <T> Future<T> runOnAgentContext(java.util.function.Supplier<Future<T>> action) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
