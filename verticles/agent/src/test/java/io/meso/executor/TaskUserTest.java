package io.meso.executor;

import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.CommandInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks do not run as root: with the agent as root (as the tests run) and switch user on (the
 * default), a task runs as its command.user, else its framework's user, else the task user
 * (nobody); an unknown user fails the task; every task, root ones too, runs with no_new_privs and
 * no capabilities; its sandbox is its own; and nothing the task leaves in its sandbox makes the
 * agent write elsewhere. Real processes, POSIX isolation (the isolators are covered with switched
 * users by {@link TaskUserIsolationTest}).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskUserTest {

  /** Writes the task's uid, gid and privilege state to ids.txt in its sandbox. */
  static final String WHO = "{ id -u; id -g; grep -E '^(NoNewPrivs|CapEff|CapPrm|CapBnd|CapInh|CapAmb):' "
      + "/proc/self/status; } > ids.txt";

  @TempDir
  Path workDir;

  /** Whether tasks launch with the native helper; the ...ProgramsTest subclass runs all with the program pipeline. */
  boolean helper() {
    return true;
  }

  private ExecutorHarness harness;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    Assumptions.assumeTrue(TaskPrivileges.agentUid() == 0, "switching users needs the agent (the test) to be root");
    ExecutorOptions options = new ExecutorOptions().setLaunchHelper(helper())
        .setIsolation(Isolation.POSIX).setCleanupDelayMillis(50);
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
    harness.assertLaunchHelper(helper());
  }

  static long uidOf(String user) throws Exception {
    return TaskUser.lookup(user, "test").uid();
  }

  /** ids.txt of the task: "uid", "gid", and each privilege line's value by its name. */
  static Map<String, String> ids(Path sandbox) throws Exception {
    Map<String, String> ids = new TreeMap<>();
    java.util.List<String> lines = Files.readAllLines(sandbox.resolve("ids.txt"));
    ids.put("uid", lines.get(0).trim());
    ids.put("gid", lines.get(1).trim());
    for (String line : lines.subList(2, lines.size())) {
      String[] kv = line.split(":\\s*", 2);
      ids.put(kv[0], kv[1].trim());
    }
    return ids;
  }

  static void assertNoPrivileges(Map<String, String> ids) {
    assertThat(ids).containsEntry("NoNewPrivs", "1").containsEntry("CapEff", "0000000000000000")
        .containsEntry("CapPrm", "0000000000000000").containsEntry("CapBnd", "0000000000000000")
        .containsEntry("CapInh", "0000000000000000").containsEntry("CapAmb", "0000000000000000");
  }

  @Test
  void aTaskThatNamesNoUserRunsAsNobodyInASandboxOfItsOwn() throws Exception {
    harness.launch(task("plain", shell(WHO + "; echo written > mine.txt")).build());

    assertThat(harness.awaitTerminal("plain").getState()).isEqualTo(TaskState.TASK_FINISHED);
    Map<String, String> ids = ids(harness.sandbox("plain"));
    assertThat(ids.get("uid")).isNotEqualTo("0").isEqualTo(Long.toString(uidOf("nobody")));
    assertNoPrivileges(ids);
    Path sandbox = harness.sandbox("plain");
    assertThat(Files.readString(sandbox.resolve("mine.txt"))).isEqualTo("written\n");
    for (Path owned : new Path[] {sandbox, sandbox.resolve("stdout"), sandbox.resolve("stderr"),
        sandbox.resolve("mine.txt")}) {
      assertThat(((Number) Files.getAttribute(owned, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue())
          .as("owner of %s", owned).isEqualTo(uidOf("nobody"));
    }
  }

  @Test
  void theCommandUserWinsOverTheFrameworkUser() throws Exception {
    harness.launch(FrameworkInfo.newBuilder().setName("fw").setUser("nobody"),
        task("daemon", CommandInfo.newBuilder().setValue(WHO).setUser("daemon").build()).build());
    harness.launch(FrameworkInfo.newBuilder().setName("fw").setUser("daemon"), task("fwuser", shell(WHO)).build());

    assertThat(harness.awaitTerminal("daemon").getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(harness.awaitTerminal("fwuser").getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(ids(harness.sandbox("daemon")).get("uid")).isEqualTo(Long.toString(uidOf("daemon")));
    assertThat(ids(harness.sandbox("fwuser")).get("uid")).isEqualTo(Long.toString(uidOf("daemon")));
    assertThat(ids(harness.sandbox("fwuser")).get("gid")).isEqualTo(
        Long.toString(TaskUser.lookup("daemon", "test").gid()));
  }

  @Test
  void aTaskAskingForRootRunsAsRootWithoutAnyPrivilege() throws Exception {
    harness.launch(task("root", CommandInfo.newBuilder().setValue(WHO).setUser("root").build()).build());

    assertThat(harness.awaitTerminal("root").getState()).isEqualTo(TaskState.TASK_FINISHED);
    Map<String, String> ids = ids(harness.sandbox("root"));
    assertThat(ids.get("uid")).isEqualTo("0");
    assertNoPrivileges(ids);
  }

  @Test
  void anUnknownUserFailsTheTaskNamingIt() throws Exception {
    harness.launch(task("ghost", CommandInfo.newBuilder().setValue("true").setUser("meso-no-such-user").build())
        .build());
    harness.launch(FrameworkInfo.newBuilder().setName("fw").setUser("-rf"), task("dash", shell("true")).build());

    TaskStatus ghost = harness.awaitTerminal("ghost");
    assertThat(ghost.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(ghost.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(ghost.getMessage()).contains("command.user 'meso-no-such-user' does not exist on this agent's host");
    TaskStatus dash = harness.awaitTerminal("dash");
    assertThat(dash.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(dash.getMessage()).contains("framework_info.user '-rf' is not a valid user name");
  }

  @Test
  void theWrapperRecordsTheStatusAsTheTaskUser() throws Exception {
    harness.launchCheckpointed(task("wrapped", shell(WHO + "; echo data > out.txt; exit 3")).build());

    TaskStatus terminal = harness.awaitTerminal("wrapped");

    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(terminal.getMessage()).isEqualTo("Command exited with status 3");
    Path sandbox = harness.sandbox("wrapped");
    assertThat(ids(sandbox).get("uid")).isEqualTo(Long.toString(uidOf("nobody")));
    assertThat(Files.readString(sandbox.resolve("exit_status")).trim()).isEqualTo("3");
    assertThat(((Number) Files.getAttribute(sandbox.resolve("exit_status"), "unix:uid")).longValue())
        .isEqualTo(uidOf("nobody"));
  }

  @Test
  void aSymlinkTheTaskLeavesDoesNotMakeTheAgentWriteThroughIt() throws Exception {
    Path target = workDir.resolve("root-only.txt");
    Files.writeString(target, "precious\n");
    harness.launch(task("links", shell("ln -s " + target + " exit_status")).build());

    assertThat(harness.awaitTerminal("links").getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(Files.readString(target)).isEqualTo("precious\n");
    Path status = harness.sandbox("links").resolve("exit_status");
    assertThat(Files.isSymbolicLink(status)).isFalse();
    assertThat(Files.readString(status).trim()).isEqualTo("0");
  }
}
