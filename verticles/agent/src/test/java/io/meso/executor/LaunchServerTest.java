package io.meso.executor;

import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launch server ({@code meso-launch --server}, {@link LaunchServer}): concurrent launches get
 * their own leaders and statuses; a step it cannot take fails the task exactly as a per-launch
 * helper's does; and when it is killed, running tasks run on, their ends are still reported
 * (watched as adopted) and new launches spawn the helper. Real processes throughout.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LaunchServerTest {

  @TempDir
  Path workDir;
  @TempDir
  Path runtimeDir;

  private ExecutorOptions posix() {
    return new ExecutorOptions().setIsolation(Isolation.POSIX).setCleanupDelayMillis(50)
        .setRuntimeDir(runtimeDir.toString()).setLaunchServer(true);
  }

  private static ExecutorVerticle executor(ExecutorHarness harness) {
    return harness.executor();
  }

  @Test
  void manyConcurrentLaunchesGetTheirOwnLeadersAndStatuses(Vertx vertx) throws Exception {
    ExecutorHarness harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, posix()));
    assertThat(executor(harness).launchesWithServer()).as("launches go through the launch server").isTrue();
    int n = 60;
    for (int i = 0; i < n; i++) {
      // $PPID of the command is its leader (the forked child that waits for it and records its status).
      harness.launchCheckpointed(task("t" + i, shell("echo $PPID > ppid; exit " + (i % 7))).build());
    }
    Set<Long> leaders = new HashSet<>();
    for (int i = 0; i < n; i++) {
      String id = "t" + i;
      TaskStatus status = harness.awaitTerminal(id);
      int code = i % 7;
      if (code == 0) {
        assertThat(status.getState()).as(id).isEqualTo(TaskState.TASK_FINISHED);
      } else {
        assertThat(status.getState()).as(id).isEqualTo(TaskState.TASK_FAILED);
        assertThat(status.getMessage()).as(id).isEqualTo("Command exited with status " + code);
      }
      long pid = TaskCheckpoint.read(harness.checkpointDir(id)).pid();
      assertThat(Files.readString(harness.sandbox(id).resolve("ppid")).trim()).as(id).isEqualTo(Long.toString(pid));
      assertThat(Files.readString(harness.sandbox(id).resolve("exit_status")).trim()).as(id)
          .isEqualTo(Integer.toString(code));
      leaders.add(pid);
    }
    assertThat(leaders).hasSize(n);
    assertThat(executor(harness).launchesWithServer()).isTrue();
  }

  @Test
  void killingTheServerLeavesTasksRunningReportsTheirEndsAndLaunchesGoOn(Vertx vertx) throws Exception {
    ExecutorHarness harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, posix()));
    ExecutorVerticle executor = executor(harness);
    assertThat(executor.launchesWithServer()).isTrue();
    long server = executor.launchServerPid();
    List<String> ids = List.of("a", "b", "c");
    for (int i = 0; i < ids.size(); i++) {
      harness.launchCheckpointed(task(ids.get(i), shell("until [ -e go ]; do sleep 0.05; done; exit " + (3 + i)))
          .build());
    }
    Map<String, Long> leaders = new HashMap<>();
    for (String id : ids) {
      harness.awaitState(id, TaskState.TASK_RUNNING);
      leaders.put(id, TaskCheckpoint.read(harness.checkpointDir(id)).pid());
    }
    ProcessHandle.of(server).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(60)).until(() -> !executor.launchesWithServer());
    await().atMost(Duration.ofSeconds(60)).until(() -> ProcessHandle.of(server).isEmpty()
        || !ProcessHandle.of(server).get().isAlive());

    for (String id : ids) {
      assertThat(ProcessHandle.of(leaders.get(id)).map(ProcessHandle::isAlive)).as(id).contains(true);
      assertThat(harness.statesOf(id)).as(id).doesNotContain(TaskState.TASK_FAILED, TaskState.TASK_FINISHED,
          TaskState.TASK_KILLED, TaskState.TASK_LOST);
    }
    // A new launch spawns the helper: it runs and ends.
    harness.launchCheckpointed(task("after", shell("exit 0")).build());
    assertThat(harness.awaitTerminal("after").getState()).isEqualTo(TaskState.TASK_FINISHED);

    for (String id : ids) {
      Files.writeString(harness.sandbox(id).resolve("go"), "");
    }
    for (int i = 0; i < ids.size(); i++) {
      TaskStatus status = harness.awaitTerminal(ids.get(i));
      assertThat(status.getState()).as(ids.get(i)).isEqualTo(TaskState.TASK_FAILED);
      assertThat(status.getMessage()).as(ids.get(i)).isEqualTo("Command exited with status " + (3 + i));
    }
  }

  @Test
  void aTaskKilledAfterTheServerDiedIsKilled(Vertx vertx) throws Exception {
    ExecutorHarness harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, posix()));
    ExecutorVerticle executor = executor(harness);
    harness.launchCheckpointed(task("sleeper", shell("sleep 600")).build());
    harness.awaitState("sleeper", TaskState.TASK_RUNNING);
    long leader = TaskCheckpoint.read(harness.checkpointDir("sleeper")).pid();
    ProcessHandle.of(executor.launchServerPid()).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(60)).until(() -> !executor.launchesWithServer());
    harness.kill("sleeper", 100, true);
    assertThat(harness.awaitTerminal("sleeper").getState()).isEqualTo(TaskState.TASK_KILLED);
    await().atMost(Duration.ofSeconds(60)).until(() -> ProcessHandle.of(leader).isEmpty()
        || !ProcessHandle.of(leader).get().isAlive());
  }

  /** Runs {@code args} with a per-launch helper and with the server; both must end the same. */
  @Test
  void aStepTheServersChildCannotTakeFailsAsTheHelperDoes() throws Exception {
    LaunchHelper helper = LaunchHelper.open(runtimeDir, "test");
    assertThat(helper).isNotNull();
    LaunchServer server = LaunchServer.start(helper, "test");
    assertThat(server).isNotNull();
    try {
      List<List<String>> cases = List.of(
          List.of("--setsid", "--cgroup", "/nonexistent/meso/cgroup.procs", "--", "/bin/true"),
          List.of("--setsid", "--uid", "abc", "--", "/bin/true"),
          List.of("--setsid", "--uid", "65534", "--gid", "65534", "--drop-caps", "--", "/bin/true"),
          List.of("--setsid", "--", "/no/such/command"));
      for (int c = 0; c < cases.size(); c++) {
        List<String> argv = new ArrayList<>(List.of(helper.executable().toString()));
        argv.addAll(cases.get(c));
        Path spawned = Files.createDirectories(workDir.resolve("spawned-" + c));
        Process p = new ProcessBuilder(argv).directory(spawned.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(spawned.resolve("stdout").toFile()).redirectError(spawned.resolve("stderr").toFile())
            .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        Path served = Files.createDirectories(workDir.resolve("served-" + c));
        ServedProcess s = server.launch(argv, served, served.resolve("stdout"), served.resolve("stderr"),
            Map.of("PATH", "/usr/bin:/bin"));
        int status = s.exit().get(60, TimeUnit.SECONDS);

        assertThat(status).as(argv.toString()).isEqualTo(p.exitValue()).isNotZero();
        assertThat(Files.readString(served.resolve("stderr"))).as(argv.toString())
            .isEqualTo(Files.readString(spawned.resolve("stderr"))).isNotEmpty();
        assertThat(LaunchHelper.launchError(served)).isEqualTo(LaunchHelper.launchError(spawned));
        ExitFacts.Ending ending = new ExitFacts(status, List.of(), LaunchHelper.launchError(served)).ending();
        assertThat(ending).isEqualTo(new ExitFacts(p.exitValue(), List.of(), LaunchHelper.launchError(spawned))
            .ending());
      }
      assertThatThrownBy(() -> server.launch(List.of(helper.executable().toString(), "--", "/bin/true"),
          workDir.resolve("missing"), workDir.resolve("missing/stdout"), workDir.resolve("missing/stderr"), Map.of()))
          .isInstanceOf(IOException.class)
          .hasMessage("cannot open the working directory " + workDir.resolve("missing")
              + ": No such file or directory");
      assertThat(server.alive()).isTrue();
    } finally {
      server.close();
    }
    assertThat(server.alive()).isFalse();
  }

  @Test
  void concurrentLaunchesFromManyThreadsGetTheirOwnPidsAndStatuses() throws Exception {
    LaunchHelper helper = LaunchHelper.open(runtimeDir, "test");
    LaunchServer server = LaunchServer.start(helper, "test");
    assertThat(server).isNotNull();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<int[]>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int code = i % 100;
        Path sandbox = Files.createDirectories(workDir.resolve("c" + i));
        results.add(pool.submit(() -> {
          ServedProcess s = server.launch(List.of(helper.executable().toString(), "--setsid", "--", "/bin/sh", "-c",
                  "echo $$ > pid; exit " + code), sandbox, sandbox.resolve("stdout"), sandbox.resolve("stderr"),
              Map.of("PATH", "/usr/bin:/bin"));
          int status = s.exit().get(120, TimeUnit.SECONDS);
          return new int[] {(int) s.pid(), status, Integer.parseInt(Files.readString(sandbox.resolve("pid")).trim())};
        }));
      }
      Set<Integer> pids = new HashSet<>();
      for (int i = 0; i < results.size(); i++) {
        int[] r = results.get(i).get(180, TimeUnit.SECONDS);
        assertThat(r[1]).as("status of launch " + i).isEqualTo(i % 100);
        assertThat(r[2]).as("pid of launch " + i).isEqualTo(r[0]); // no --wait: the leader execs the command
        pids.add(r[0]);
      }
      assertThat(pids).hasSize(results.size());
    } finally {
      pool.shutdownNow();
      server.close();
    }
  }
}
