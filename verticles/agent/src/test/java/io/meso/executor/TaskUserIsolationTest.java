package io.meso.executor;

import static io.meso.executor.ExecutorHarness.scalar;
import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.executor.isolation.HostSupport;
import io.meso.executor.isolation.IsolatorName;
import io.meso.executor.isolation.cgroups.Cgroups;
import io.meso.v1.CommandInfo;
import io.meso.v1.HealthCheck;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Switched users under every isolator this host has ({@code auto}: cgroups joined, a pid
 * namespace, the read-only cgroup view): the privileged steps still happen before the task
 * drops to its user, so a task running as nobody is in its cgroups and its own pid namespace,
 * has no privileges, records its exit status through the wrapper, and its COMMAND health check
 * runs as it does. With {@code --switch-user=false} tasks stay root, still without privileges;
 * {@code --task-user} changes the default user.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TaskUserIsolationTest {

  @TempDir
  Path workDir;

  /** Whether tasks launch with the native helper; the ...ProgramsTest subclass runs all with the program pipeline. */
  boolean helper() {
    return true;
  }

  private ExecutorHarness harness;

  private ExecutorOptions options() {
    return new ExecutorOptions().setLaunchHelper(helper())
        .setIsolation(Isolation.AUTO).setCgroupsRoot("meso-test").setCleanupDelayMillis(50);
  }

  @Test
  void aNobodyTaskIsInItsCgroupsAndPidNamespaceWithoutPrivileges(Vertx vertx) throws Exception {
    Assumptions.assumeTrue(TaskPrivileges.agentUid() == 0, "switching users needs the agent (the test) to be root");
    HostSupport host = HostSupport.probe(Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE));
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options()));
    harness.assertLaunchHelper(helper());
    HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND).setDelaySeconds(0)
        .setIntervalSeconds(0.2).setTimeoutSeconds(10).setGracePeriodSeconds(60).setConsecutiveFailures(3)
        .setCommand(shell("test \"$(id -u)\" = " + TaskUserTest.uidOf("nobody")
            + " && grep -q '^NoNewPrivs:[[:space:]]*1' /proc/self/status")).build();
    harness.launchCheckpointed(task("iso", shell(TaskUserTest.WHO + "; cat /proc/self/cgroup > cgroup.txt; "
        + "echo $$ > pid.txt; while [ ! -f go ]; do sleep 0.05; done; exit 4"))
        .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 64)).setHealthCheck(check).build());

    await().atMost(Duration.ofSeconds(40)).until(() -> harness.statusesOf("iso").stream()
        .anyMatch(s -> s.hasHealthy() && s.getHealthy()));
    Path sandbox = harness.sandbox("iso");
    Files.writeString(sandbox.resolve("go"), "");
    TaskStatus end = harness.awaitTerminal("iso");

    assertThat(end.getMessage()).isEqualTo("Command exited with status 4");
    Map<String, String> ids = TaskUserTest.ids(sandbox);
    assertThat(ids.get("uid")).isEqualTo(Long.toString(TaskUserTest.uidOf("nobody")));
    TaskUserTest.assertNoPrivileges(ids);
    assertThat(Files.readString(sandbox.resolve("exit_status")).trim()).isEqualTo("4");
    if (host.supports(IsolatorName.CGROUPS_MEM)) {
      assertThat(Files.readString(sandbox.resolve("cgroup.txt")))
          .contains(Cgroups.name(ExecutorHarness.FRAMEWORK_ID, "iso"));
    }
    if (host.supports(IsolatorName.NAMESPACES_PID)) {
      // The task's shell is a child of the namespace's init shell (the wrapper): a low pid.
      assertThat(Long.parseLong(Files.readString(sandbox.resolve("pid.txt")).trim())).isLessThan(10);
    }
  }

  @Test
  void withoutSwitchingTasksStayRootWithoutPrivileges(Vertx vertx) throws Exception {
    Assumptions.assumeTrue(TaskPrivileges.agentUid() == 0, "the agent (the test) must be root");
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId,
        options().setSwitchUser(false)));
    harness.assertLaunchHelper(helper());
    harness.launch(task("dev", CommandInfo.newBuilder().setValue(TaskUserTest.WHO).setUser("daemon").build()).build());

    assertThat(harness.awaitTerminal("dev").getState()).isEqualTo(TaskState.TASK_FINISHED);
    Map<String, String> ids = TaskUserTest.ids(harness.sandbox("dev"));
    assertThat(ids.get("uid")).isEqualTo("0");
    TaskUserTest.assertNoPrivileges(ids);
  }

  @Test
  void theTaskUserOptionChangesTheDefault(Vertx vertx) throws Exception {
    Assumptions.assumeTrue(TaskPrivileges.agentUid() == 0, "switching users needs the agent (the test) to be root");
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId,
        options().setTaskUser("daemon")));
    harness.assertLaunchHelper(helper());
    harness.launch(task("default", shell(TaskUserTest.WHO)).build());

    assertThat(harness.awaitTerminal("default").getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(TaskUserTest.ids(harness.sandbox("default")).get("uid"))
        .isEqualTo(Long.toString(TaskUserTest.uidOf("daemon")));
  }
}
