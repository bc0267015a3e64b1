package io.meso.executor;

import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.HealthCheck;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health checks run by the process executor against real tasks: COMMAND checks as processes,
 * HTTP against a server the task starts (python3's http.server) or one the test starts, TCP
 * against a test server. Intervals are 0.2 s; progress is awaited on what the checks leave
 * behind (a line per run in a file of the sandbox) and on the updates, never on sleeps.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthCheckTest {

  private static final TaskStatus.Reason HEALTH = TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED;

  @TempDir
  Path workDir;

  private ExecutorHarness harness;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    ExecutorOptions options = new ExecutorOptions().setIsolation(Isolation.POSIX).setCleanupDelayMillis(50);
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
  }

  /** Checked at once, every 0.2 s, 5 s timeout, no grace period, killed after 3 failures in a row. */
  private static HealthCheck.Builder check(HealthCheck.Type type) {
    return HealthCheck.newBuilder().setType(type).setDelaySeconds(0).setIntervalSeconds(0.2).setTimeoutSeconds(5)
        .setGracePeriodSeconds(0).setConsecutiveFailures(3);
  }

  /** A COMMAND check that appends a line to {@code runs} in the sandbox, then runs {@code script}. */
  private static HealthCheck.Builder command(String script) {
    return check(HealthCheck.Type.COMMAND).setCommand(shell("echo run >> runs; " + script));
  }

  private static TaskInfo longTask(String id, HealthCheck.Builder check) {
    return task(id, shell("sleep 60")).setHealthCheck(check).build();
  }

  private List<TaskStatus> healthUpdates(String taskId) {
    return harness.statusesOf(taskId).stream().filter(s -> s.getReason() == HEALTH).toList();
  }

  private List<Boolean> health(String taskId) {
    return healthUpdates(taskId).stream().map(TaskStatus::getHealthy).toList();
  }

  private int runs(String taskId) throws IOException {
    Path file = harness.sandbox(taskId).resolve("runs");
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  private void awaitRuns(String taskId, int atLeast) {
    await().atMost(Duration.ofSeconds(20)).until(() -> runs(taskId) >= atLeast);
  }

  private void awaitHealth(String taskId, Boolean... expected) {
    await().atMost(Duration.ofSeconds(20)).until(() -> health(taskId).size() >= expected.length);
    assertThat(health(taskId)).containsExactly(expected);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void passingCommandCheckReportsHealthyOnceAsARunningUpdate() throws Exception {
    harness.launch(longTask("ok", command("true")));

    awaitRuns("ok", 4);

    assertThat(health("ok")).containsExactly(true);
    TaskStatus update = healthUpdates("ok").get(0);
    assertThat(update.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(update.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(update.hasMessage()).isFalse();
    assertThat(harness.statesOf("ok"))
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_RUNNING);
    harness.kill("ok", 0, false);
    assertThat(harness.awaitTerminal("ok").hasHealthy()).isFalse();
  }

  @Test
  void failingCommandCheckReportsUnhealthyThenKillsAfterConsecutiveFailures() throws Exception {
    harness.launch(longTask("bad", command("exit 3")));

    TaskStatus terminal = harness.awaitTerminal("bad");

    assertThat(harness.statesOf("bad"))
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_RUNNING,
            TaskState.TASK_KILLED);
    assertThat(health("bad")).containsExactly(false);
    assertThat(healthUpdates("bad").get(0).getMessage()).isEqualTo("Command exited with status 3");
    assertThat(terminal.getHealthy()).isFalse();
    assertThat(terminal.hasReason()).isFalse();
    assertThat(terminal.getMessage())
        .startsWith("Killed after 3 consecutive failed health checks (last: Command exited with status 3); ")
        .contains("SIGTERM");
    assertThat(runs("bad")).isEqualTo(3);
  }

  @Test
  void failuresInTheGracePeriodAreIgnoredOnlyUntilTheFirstSuccess() throws Exception {
    // Runs 1-2 fail (within the 60 s grace period: ignored), 3-4 pass, then every run fails:
    // after the first success the grace period no longer applies.
    String script = "n=$(wc -l < runs); [ \"$n\" -ge 3 ] && [ \"$n\" -le 4 ]";
    harness.launch(longTask("graced", command(script).setGracePeriodSeconds(60).setConsecutiveFailures(2)));

    TaskStatus terminal = harness.awaitTerminal("graced");

    assertThat(health("graced")).containsExactly(true, false);
    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(terminal.getHealthy()).isFalse();
    assertThat(runs("graced")).isEqualTo(6);
  }

  @Test
  void withinTheGracePeriodAFailingCheckNeitherReportsNorKills() throws Exception {
    harness.launch(longTask("young", command("false").setGracePeriodSeconds(60).setConsecutiveFailures(1)));

    awaitRuns("young", 4);

    assertThat(health("young")).isEmpty();
    assertThat(harness.statesOf("young")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
    harness.kill("young", 0, false);
    harness.awaitTerminal("young");
  }

  @Test
  void commandCheckRunsInTheSandboxWithTheTaskEnvironmentAndItsOwn() throws Exception {
    CommandInfo taskCommand = CommandInfo.newBuilder().setValue("touch marker; sleep 60")
        .setEnvironment(Environment.newBuilder().addVariables(
            Environment.Variable.newBuilder().setName("TASK_VAR").setValue("from task")))
        .build();
    CommandInfo checkCommand = CommandInfo.newBuilder().setShell(false).setValue("sh")
        .addArguments("sh").addArguments("-c")
        .addArguments("[ -f marker ] && [ \"$TASK_VAR\" = 'from task' ] && [ \"$CHECK_VAR\" = mine ] "
            + "&& [ \"$MESOS_TASK_ID\" = env ] && [ \"$MESOS_SANDBOX\" = \"$(pwd)\" ]")
        .setEnvironment(Environment.newBuilder().addVariables(
            Environment.Variable.newBuilder().setName("CHECK_VAR").setValue("mine")))
        .build();
    harness.launch(task("env", taskCommand)
        .setHealthCheck(check(HealthCheck.Type.COMMAND).setCommand(checkCommand).setGracePeriodSeconds(30))
        .build());

    awaitHealth("env", true);

    assertThat(harness.sandbox("env").toString()).isEqualTo(workDir.resolve("env").toString());
    harness.kill("env", 0, false);
    harness.awaitTerminal("env");
  }

  @Test
  void commandCheckThatTimesOutFailsAndIsKilled() throws Exception {
    harness.launch(longTask("slow", command("echo $$ > check.pid; exec sleep 30")
        .setTimeoutSeconds(0.2).setConsecutiveFailures(1)));

    TaskStatus terminal = harness.awaitTerminal("slow");

    assertThat(health("slow")).containsExactly(false);
    assertThat(healthUpdates("slow").get(0).getMessage()).isEqualTo("COMMAND health check timed out after 0.2 s");
    assertThat(terminal.getHealthy()).isFalse();
    long pid = Long.parseLong(Files.readString(harness.sandbox("slow").resolve("check.pid")).trim());
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    assertThat(runs("slow")).isEqualTo(1);
  }

  @Test
  void httpCheckAgainstTheTasksOwnServer() throws Exception {
    int port = freePort();
    TaskInfo task = task("web", shell("exec python3 -m http.server " + port + " --bind 127.0.0.1"))
        .setHealthCheck(check(HealthCheck.Type.HTTP).setGracePeriodSeconds(30)
            .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(port).setPath("/")))
        .build();
    harness.launch(task);

    awaitHealth("web", true);

    assertThat(healthUpdates("web").get(0).getState()).isEqualTo(TaskState.TASK_RUNNING);
    harness.kill("web", 0, false);
    assertThat(harness.awaitTerminal("web").getState()).isEqualTo(TaskState.TASK_KILLED);
  }

  @Test
  void httpCheckFailsOnA404OnceItHadPassedAndKillsTheTask() throws Exception {
    int port = freePort();
    TaskInfo task = task("flaky", shell("touch healthz; exec python3 -m http.server " + port + " --bind 127.0.0.1"))
        .setHealthCheck(check(HealthCheck.Type.HTTP).setGracePeriodSeconds(30).setConsecutiveFailures(2)
            .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(port).setPath("/healthz")))
        .build();
    harness.launch(task);
    awaitHealth("flaky", true);

    Files.delete(harness.sandbox("flaky").resolve("healthz"));
    TaskStatus terminal = harness.awaitTerminal("flaky");

    assertThat(health("flaky")).containsExactly(true, false);
    assertThat(healthUpdates("flaky").get(1).getMessage())
        .isEqualTo("HTTP GET http://127.0.0.1:" + port + "/healthz answered 404, expected 2xx or 3xx");
    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(terminal.getHealthy()).isFalse();
  }

  @Test
  void httpStatusesDecideWhatIsHealthy(Vertx vertx) throws Exception {
    HttpServer server = vertx.createHttpServer()
        .requestHandler(req -> req.response().setStatusCode(req.path().equals("/moved") ? 302 : 204).end())
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    int port = server.actualPort();
    harness.launch(longTask("redirect", check(HealthCheck.Type.HTTP)
        .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(port).setPath("/moved"))));
    harness.launch(longTask("picky", check(HealthCheck.Type.HTTP).setConsecutiveFailures(1)
        .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(port).setPath("/").addStatuses(200))));

    awaitHealth("redirect", true);
    TaskStatus picky = harness.awaitTerminal("picky");

    assertThat(health("picky")).containsExactly(false);
    assertThat(healthUpdates("picky").get(0).getMessage())
        .isEqualTo("HTTP GET http://127.0.0.1:" + port + "/ answered 204, expected one of [200]");
    assertThat(picky.getState()).isEqualTo(TaskState.TASK_KILLED);
    harness.kill("redirect", 0, false);
    harness.awaitTerminal("redirect");
    server.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void httpsCheckDoesNotVerifyTheCertificate(Vertx vertx) throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(certificate.keyCertOptions()))
        .requestHandler(req -> req.response().end("ok"))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    harness.launch(longTask("secure", check(HealthCheck.Type.HTTP)
        .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setScheme("https").setPort(server.actualPort()))));

    awaitHealth("secure", true);

    harness.kill("secure", 0, false);
    harness.awaitTerminal("secure");
    server.close().await(10, TimeUnit.SECONDS);
    certificate.delete();
  }

  @Test
  void httpCheckThatGetsNoAnswerTimesOut(Vertx vertx) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> { }) // never answers
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    harness.launch(longTask("mute", check(HealthCheck.Type.HTTP).setTimeoutSeconds(0.3).setConsecutiveFailures(2)
        .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(server.actualPort()))));

    TaskStatus terminal = harness.awaitTerminal("mute");

    assertThat(health("mute")).containsExactly(false);
    assertThat(healthUpdates("mute").get(0).getMessage()).isEqualTo("HTTP health check timed out after 0.3 s");
    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_KILLED);
    server.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void tcpCheckFollowsTheListenerUpAndDown(Vertx vertx) throws Exception {
    NetServer server = vertx.createNetServer().connectHandler(socket -> socket.close())
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    int port = server.actualPort();
    harness.launch(longTask("tcp", check(HealthCheck.Type.TCP)
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(port))));

    awaitHealth("tcp", true);
    server.close().await(10, TimeUnit.SECONDS);
    TaskStatus terminal = harness.awaitTerminal("tcp");

    assertThat(health("tcp")).containsExactly(true, false);
    assertThat(healthUpdates("tcp").get(1).getMessage()).startsWith("TCP connection to 127.0.0.1:" + port + " failed");
    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(terminal.getHealthy()).isFalse();
  }

  @Test
  void checkingStopsWhenTheTaskEnds() throws Exception {
    harness.launch(task("short", shell("while [ ! -f stop ]; do sleep 0.05; done"))
        .setHealthCheck(command("true")).build());
    awaitHealth("short", true);
    awaitRuns("short", 2);
    Files.writeString(harness.sandbox("short").resolve("stop"), "");
    assertThat(harness.awaitTerminal("short").getState()).isEqualTo(TaskState.TASK_FINISHED);
    // A check in flight at the end was killed: by the time another task's check ran, it is gone.
    harness.launch(longTask("witness", command("true")));
    awaitRuns("witness", 1);
    int runsAtEnd = runs("short");

    // The witness's check running three more times takes longer than two intervals of the first.
    awaitRuns("witness", 4);

    assertThat(runs("short")).isEqualTo(runsAtEnd);
    assertThat(harness.statesOf("short")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    harness.kill("witness", 0, false);
    harness.awaitTerminal("witness");
  }
}
