package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.executor.Isolation;
import io.meso.internal.RegisterAgentMessage;
import io.meso.v1.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-task usage on the agent's /monitor/statistics, with real processes: numbers that move with
 * what a task does, from its cgroups and (POSIX isolation) from /proc. Every task ends by itself.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentUsageTest {

  /** Burns cpu for at most 30 s. */
  static final String BURN = "timeout 30 sh -c 'while :; do :; done'";

  @TempDir
  Path workDir;

  private Vertx vertx;
  private RecordingMaster master;
  private AgentVerticle agent;
  private AgentHttp http;
  private String deployment;

  private void start(Vertx vertx, Isolation isolation, long pidsMax) throws Exception {
    this.vertx = vertx;
    MesoCodecs.register(vertx);
    master = new RecordingMaster(vertx);
    master.autoAck = true;
    master.start().await(10, TimeUnit.SECONDS);
    agent = new AgentVerticle(new AgentOptions().setWorkDir(workDir.toString()).setHostname("127.0.0.1").setPort(0)
        .setServeHttp(true).setResources("cpus:2;mem:1024;disk:1024").setIsolation(isolation)
        .setDiskWatchIntervalMillis(0).setPidsMax(pidsMax).setKillGracePeriodMillis(500));
    deployment = vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    agent.registered().await(10, TimeUnit.SECONDS);
    http = new AgentHttp(vertx, agent.agentInfo().getPort());
  }

  private static void assumeCgroups() {
    io.meso.executor.isolation.cgroups.CgroupsHost host =
        io.meso.executor.isolation.cgroups.CgroupsHost.detect(Path.of("/sys/fs/cgroup"));
    Assumptions.assumeTrue(host.has(io.meso.executor.isolation.cgroups.Controller.MEMORY)
        && host.has(io.meso.executor.isolation.cgroups.Controller.CPU), "cgroups memory and cpu are not writable here");
  }

  private void run(String taskId, String command) {
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.run(taskId, command));
  }

  private void awaitState(String taskId, TaskState state) {
    await().atMost(Duration.ofSeconds(20)).until(() -> master.distinctStatesOf(taskId).contains(state));
  }

  private Path sandbox(String taskId) {
    return workDir.resolve("frameworks").resolve(Tasks.FRAMEWORK).resolve("tasks").resolve(taskId);
  }

  private JsonObject statistics(String taskId) throws Exception {
    JsonObject stats = http.statistics(taskId);
    assertThat(stats).as("statistics of " + taskId).isNotNull();
    return stats;
  }

  @Test
  void theAdvertisedPortIsTheBoundOne(Vertx vertx) throws Exception {
    start(vertx, Isolation.POSIX, 0);
    int port = agent.agentInfo().getPort();
    assertThat(port).isPositive();
    assertThat(master.registrationsOf(RegisterAgentMessage.class).get(0).getAgentInfo().getPort()).isEqualTo(port);
    assertThat(http.get("/health").status()).isEqualTo(200);
  }

  @Test
  void aBurningTasksCpuTimeGrowsAndAnIdleOnesDoesNot(Vertx vertx) throws Exception {
    assumeCgroups();
    start(vertx, Isolation.CGROUPS, 0);
    run("burn", BURN);
    run("idle", "sleep 30");
    awaitState("burn", TaskState.TASK_RUNNING);
    awaitState("idle", TaskState.TASK_RUNNING);
    double burnFirst = statistics("burn").getDouble("cpus_user_time_secs", 0.0);
    double idleFirst = statistics("idle").getDouble("cpus_user_time_secs", 0.0);

    await().atMost(Duration.ofSeconds(20))
        .until(() -> statistics("burn").getDouble("cpus_user_time_secs", 0.0) > burnFirst + 0.5);

    JsonObject idle = statistics("idle");
    assertThat(idle.getDouble("cpus_user_time_secs", 0.0)).isLessThan(idleFirst + 0.05);
    JsonObject burn = statistics("burn");
    assertThat(burn.containsKey("cpus_limit")).as("the task names no cpus: no limit").isFalse();
    assertThat(burn.getLong("cpus_nr_periods")).isNotNull();
    assertThat(burn.getLong("processes")).isGreaterThanOrEqualTo(1);
    assertThat(burn.getDouble("timestamp")).isGreaterThan(1.6e9);
  }

  @Test
  void memoryAndDiskUsageFollowWhatATaskDoes(Vertx vertx) throws Exception {
    assumeCgroups();
    start(vertx, Isolation.CGROUPS, 0);
    // Waits (at most 20 s) for the test's go-ahead, then holds 64 MB and writes 3 MB into its sandbox.
    run("hog", "i=0; while [ ! -f go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; "
        + "head -c 3000000 /dev/zero > blob; x=$(head -c 67108864 /dev/zero | tr '\\0' a); sleep 20");
    awaitState("hog", TaskState.TASK_RUNNING);
    JsonObject before = statistics("hog");
    assertThat(before.getLong("mem_rss_bytes", 0L)).isLessThan(32L << 20);
    assertThat(before.getLong("disk_used_bytes", 0L)).isLessThan(3_000_000L);
    assertThat(before.getLong("mem_limit_bytes")).isPositive();

    Files.writeString(sandbox("hog").resolve("go"), "");

    await().atMost(Duration.ofSeconds(20)).until(() -> {
      JsonObject after = statistics("hog");
      return after.getLong("mem_rss_bytes", 0L) >= 64L << 20 && after.getLong("mem_total_bytes", 0L) >= 64L << 20
          && after.getLong("disk_used_bytes", 0L) >= 3_000_000L;
    });
  }

  @Test
  void withoutCgroupsUsageIsSummedFromProc(Vertx vertx) throws Exception {
    start(vertx, Isolation.POSIX, 0);
    run("burn", BURN);
    run("hold", "x=$(head -c 33554432 /dev/zero | tr '\\0' a); head -c 1000000 /dev/zero > blob; sleep 30");
    awaitState("burn", TaskState.TASK_RUNNING);
    double first = statistics("burn").getDouble("cpus_user_time_secs", 0.0);

    await().atMost(Duration.ofSeconds(20))
        .until(() -> statistics("burn").getDouble("cpus_user_time_secs", 0.0) > first + 0.5);
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      JsonObject hold = statistics("hold");
      return hold.getLong("mem_rss_bytes", 0L) >= 32L << 20 && hold.getLong("disk_used_bytes", 0L) >= 1_000_000L;
    });
    JsonObject burn = statistics("burn");
    assertThat(burn.getLong("processes")).as("timeout and its shell").isGreaterThanOrEqualTo(2);
    assertThat(burn.containsKey("cpus_nr_periods")).as("no cgroup: no throttling counters").isFalse();
  }

  @Test
  void aForkBombStopsAtThePidsLimitAndTheAgentCarriesOn(Vertx vertx) throws Exception {
    assumeCgroups();
    Assumptions.assumeTrue(Files.isWritable(Path.of("/sys/fs/cgroup/pids")), "no pids hierarchy");
    start(vertx, Isolation.CGROUPS, 32);
    // 200 sleepers at most; each lives 5 s, so without a limit all 200 would be alive at once.
    run("bomb", "i=0; while [ $i -lt 200 ]; do sleep 5 & i=$((i+1)); done; wait");

    awaitState("bomb", TaskState.TASK_FAILED);

    assertThat(Files.readString(sandbox("bomb").resolve("stderr"))).containsIgnoringCase("fork");
    run("after", "echo still here");
    awaitState("after", TaskState.TASK_FINISHED);
    assertThat(http.get("/health").status()).isEqualTo(200);

    // Undeployed, the agent leaves no cgroup behind in any hierarchy, the bomb's survivors' included.
    vertx.undeploy(deployment).await(20, TimeUnit.SECONDS);
    for (String hierarchy : new String[] {"memory", "cpu", "cpuacct", "pids"}) {
      assertThat(Path.of("/sys/fs/cgroup", hierarchy, "meso", agent.agentId())).as(hierarchy).doesNotExist();
    }
  }
}
