package io.meso.executor;

import static io.meso.executor.ExecutorHarness.ports;
import static io.meso.executor.ExecutorHarness.scalar;
import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.executor.docker.DockerNames;
import io.meso.executor.docker.FakeDocker;
import io.meso.v1.ContainerInfo;
import io.meso.v1.ContainerInfo.DockerInfo;
import io.meso.v1.Environment;
import io.meso.v1.Label;
import io.meso.v1.Labels;
import io.meso.v1.Parameter;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.Volume;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The docker containerizer against a fake docker binary that records its calls and plays containers. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DockerExecutorTest {

  @TempDir
  Path workDir;

  /** Closes Vert.x (no more docker calls start), then ends the calls and containers still running. */
  @AfterEach
  void stopEveryDockerCall(Vertx vertx) throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    FakeDocker.killEverythingUnder(workDir);
  }

  private ExecutorOptions options(FakeDocker docker) {
    return new ExecutorOptions().setIsolation(Isolation.POSIX).setCleanupDelayMillis(50)
        .setDockerBinary(docker.binary().toString()).setAdoptedPollMillis(50).setKillTasksOnStop(false);
  }

  private static TaskInfo.Builder dockerTask(String id, DockerInfo.Builder docker) {
    return task(id, shell("echo hi")).setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
        .setDocker(docker));
  }

  @Test
  void runsTheExactDockerRunPullsAMissingImageAndMapsTheExitStatus(Vertx vertx) throws Exception {
    FakeDocker docker = FakeDocker.create(workDir);
    ExecutorHarness h = new ExecutorHarness(vertx, workDir, id -> new ExecutorVerticle(id, options(docker)));
    TaskInfo.Builder t = task("web", io.meso.v1.CommandInfo.newBuilder().setValue("exec server --port 80")
        .setUser("nobody")
        .setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder().setName("FOO")
            .setValue("bar"))).build())
        .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64)).addResources(ports(31000, 31001))
        .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("team").setValue("web")))
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            .addVolumes(Volume.newBuilder().setHostPath("/data").setContainerPath("/in").setMode(Volume.Mode.RO))
            .addVolumes(Volume.newBuilder().setHostPath("cache").setContainerPath("/cache").setMode(Volume.Mode.RW))
            .setDocker(DockerInfo.newBuilder().setImage("fake/exit:3").setNetwork(DockerInfo.Network.BRIDGE)
                .addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(31001).setContainerPort(80)
                    .setProtocol("TCP"))
                .addParameters(Parameter.newBuilder().setKey("log-driver").setValue("none"))));
    h.launch(t.build());

    TaskStatus terminal = h.awaitTerminal("web");

    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(terminal.getMessage()).isEqualTo("Command exited with status 3");
    String name = DockerNames.of(h.agentId, ExecutorHarness.FRAMEWORK_ID, "web");
    String sandbox = h.sandbox("web").toString();
    await().atMost(Duration.ofSeconds(30)).until(() -> docker.calls().contains(List.of("rm", "-f", name)));
    assertThat(docker.calls()).containsSubsequence(
        List.of("version"),
        List.of("image", "inspect", "fake/exit:3"),
        List.of("pull", "fake/exit:3"),
        List.of("run", "--cap-drop=ALL", "--security-opt=no-new-privileges", "--cpu-shares", "512", "--cpu-quota", "50000", "--memory", Long.toString(64L << 20),
            "-e", "FOO=bar", "-e", "MESOS_AGENT_ID=" + h.agentId, "-e", "MESOS_CONTAINER_NAME=" + name,
            "-e", "MESOS_FRAMEWORK_ID=fw-1", "-e", "MESOS_SANDBOX=/mnt/mesos/sandbox", "-e", "MESOS_TASK_ID=web",
            "-v", "/data:/in:ro", "-v", sandbox + "/cache:/cache:rw", "-v", sandbox + ":/mnt/mesos/sandbox",
            "--net", "bridge", "-p", "31001:80/tcp", "--entrypoint", "/bin/sh", "--name", name,
            "--label", "team=web", "--user", "nobody", "--log-driver=none", "fake/exit:3",
            "-c", "exec server --port 80"),
        List.of("rm", "-f", name));
    assertThat(Files.readString(h.sandbox("web").resolve("stdout"))).contains("container " + name + " runs -c");
  }

  @Test
  void aContainerRunsAsTheTaskUserInASandboxOfItsOwnAndItsStatusIsRecorded(Vertx vertx) throws Exception {
    Assumptions.assumeTrue(TaskPrivileges.agentUid() == 0, "switching users needs the agent (the test) to be root");
    FakeDocker docker = FakeDocker.create(workDir);
    docker.hasImage("fake/exit:5");
    ExecutorHarness h = new ExecutorHarness(vertx, workDir, id -> new ExecutorVerticle(id, options(docker)));

    h.launchCheckpointed(dockerTask("anon", DockerInfo.newBuilder().setImage("fake/exit:5")).build());

    assertThat(h.awaitTerminal("anon").getMessage()).isEqualTo("Command exited with status 5");
    String name = DockerNames.of(h.agentId, ExecutorHarness.FRAMEWORK_ID, "anon");
    assertThat(docker.calls()).anySatisfy(call -> assertThat(call).startsWith("run")
        .containsSubsequence("--name", name, "--user", "nobody"));
    Path sandbox = h.sandbox("anon");
    assertThat(((Number) Files.getAttribute(sandbox, "unix:uid")).longValue()).isEqualTo(TaskUserTest.uidOf("nobody"));
    Path status = sandbox.resolve("exit_status");
    assertThat(Files.isSymbolicLink(status)).isFalse();
    assertThat(Files.readString(status).trim()).isEqualTo("5");
  }

  @Test
  void onlyAPrivilegedContainerKeepsCapabilities(Vertx vertx) throws Exception {
    FakeDocker docker = FakeDocker.create(workDir);
    docker.hasImage("fake/exit:0");
    ExecutorHarness h = new ExecutorHarness(vertx, workDir,
        id -> new ExecutorVerticle(id, options(docker).setDockerAllowPrivileged(true)));

    h.launch(dockerTask("plain", DockerInfo.newBuilder().setImage("fake/exit:0")).build());
    h.launch(dockerTask("privileged", DockerInfo.newBuilder().setImage("fake/exit:0").setPrivileged(true)).build());
    h.awaitTerminal("plain");
    h.awaitTerminal("privileged");

    String plain = DockerNames.of(h.agentId, ExecutorHarness.FRAMEWORK_ID, "plain");
    String privileged = DockerNames.of(h.agentId, ExecutorHarness.FRAMEWORK_ID, "privileged");
    assertThat(docker.calls()).anySatisfy(call -> assertThat(call).startsWith("run", "--cap-drop=ALL",
        "--security-opt=no-new-privileges").contains(plain).doesNotContain("--privileged"));
    assertThat(docker.calls()).anySatisfy(call -> assertThat(call).startsWith("run", "--privileged")
        .contains(privileged).doesNotContain("--cap-drop=ALL", "--security-opt=no-new-privileges"));
  }

  /**
   * By default an agent refuses a container that asks for host privileges: TASK_ERROR naming the
   * field and the flag, and docker is never asked to run it; a plain one beside it runs.
   */
  @Test
  void containersAskingForHostPrivilegesAreRefusedUnlessTheAgentAllowsThem(Vertx vertx) throws Exception {
    FakeDocker docker = FakeDocker.create(workDir);
    docker.hasImage("fake/exit:0");
    ExecutorHarness h = new ExecutorHarness(vertx, workDir, id -> new ExecutorVerticle(id, options(docker)));
    java.util.Map<String, DockerInfo.Builder> asks = new java.util.LinkedHashMap<>();
    asks.put("privileged", DockerInfo.newBuilder().setImage("fake/exit:0").setPrivileged(true));
    asks.put("cap-add", DockerInfo.newBuilder().setImage("fake/exit:0")
        .addParameters(io.meso.v1.Parameter.newBuilder().setKey("cap-add").setValue("SYS_ADMIN")));
    asks.put("pid-host", DockerInfo.newBuilder().setImage("fake/exit:0")
        .addParameters(io.meso.v1.Parameter.newBuilder().setKey("label").setValue("a=b"))
        .addParameters(io.meso.v1.Parameter.newBuilder().setKey("pid").setValue("host")));
    for (var e : asks.entrySet()) {
      h.launch(dockerTask(e.getKey(), e.getValue()).build());
    }
    h.launch(dockerTask("plain", DockerInfo.newBuilder().setImage("fake/exit:0")).build());

    assertThat(h.awaitTerminal("privileged").getMessage()).isEqualTo("Invalid ContainerInfo: "
        + "container.docker.privileged: true asks for host privileges, which this agent does not give (start it with "
        + "--docker-allow-privileged to allow them)");
    assertThat(h.awaitTerminal("cap-add").getMessage()).contains("container.docker.parameters[0] (cap-add=SYS_ADMIN)");
    assertThat(h.awaitTerminal("pid-host").getMessage()).contains("container.docker.parameters[1] (pid=host)");
    for (String id : asks.keySet()) {
      assertThat(h.statusesOf(id)).last().satisfies(s -> {
        assertThat(s.getState()).isEqualTo(io.meso.v1.TaskState.TASK_ERROR);
        assertThat(s.getReason()).isEqualTo(io.meso.v1.TaskStatus.Reason.REASON_TASK_INVALID);
      });
      String name = DockerNames.of(h.agentId, ExecutorHarness.FRAMEWORK_ID, id);
      assertThat(docker.calls()).noneSatisfy(call -> assertThat(call).startsWith("run").contains(name));
    }
    assertThat(h.awaitTerminal("plain").getState()).isEqualTo(io.meso.v1.TaskState.TASK_FINISHED);
  }

  @Test
  void pullsOnlyWhenForcedOrMissing(Vertx vertx) throws Exception {
    FakeDocker docker = FakeDocker.create(workDir);
    docker.hasImage("fake/exit:0");
    ExecutorHarness h = new ExecutorHarness(vertx, workDir, id -> new ExecutorVerticle(id, options(docker)));

    h.launch(dockerTask("present", DockerInfo.newBuilder().setImage("fake/exit:0")).build());
    assertThat(h.awaitTerminal("present").getState()).isEqualTo(TaskState.TASK_FINISHED);
    h.launch(dockerTask("forced", DockerInfo.newBuilder().setImage("fake/exit:0").setForcePullImage(true)).build());
    assertThat(h.awaitTerminal("forced").getState()).isEqualTo(TaskState.TASK_FINISHED);
    h.launch(dockerTask("missing", DockerInfo.newBuilder().setImage("fake/missing:1")).build());
    TaskStatus failed = h.awaitTerminal("missing");

    List<List<String>> pulls = docker.calls().stream().filter(c -> c.get(0).equals("pull")).toList();
    assertThat(pulls).containsExactly(List.of("pull", "fake/exit:0"), List.of("pull", "fake/missing:1"));
    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).contains("Failed to pull image 'fake/missing:1'").contains("manifest unknown");
  }

  @Test
  void killStopsTheContainerWithTheGracePeriod(Vertx vertx) throws Exception {
    FakeDocker docker = FakeDocker.create(workDir);
    ExecutorHarness h = new ExecutorHarness(vertx, workDir, id -> new ExecutorVerticle(id, options(docker)));
    h.launch(dockerTask("long", DockerInfo.newBuilder().setImage("fake/sleep:600")).build());
    h.awaitState("long", TaskState.TASK_RUNNING);

    h.kill("long", 4_000, true);
    TaskStatus terminal = h.awaitTerminal("long");

    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_KILLED);
    String name = DockerNames.of(h.agentId, ExecutorHarness.FRAMEWORK_ID, "long");
    assertThat(docker.calls()).contains(List.of("stop", "-t", "4", name));
  }

  @Test
  void badContainerInfoIsAnErrorNamingTheField(Vertx vertx) throws Exception {
    FakeDocker docker = FakeDocker.create(workDir);
    ExecutorHarness h = new ExecutorHarness(vertx, workDir, id -> new ExecutorVerticle(id, options(docker)));

    h.launch(dockerTask("noimage", DockerInfo.newBuilder()).build());
    h.launch(dockerTask("badport", DockerInfo.newBuilder().setImage("fake/exit:0")
        .setNetwork(DockerInfo.Network.BRIDGE)
        .addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(31999).setContainerPort(80)))
        .addResources(ports(31000, 31001)).build());

    TaskStatus noImage = h.awaitTerminal("noimage");
    TaskStatus badPort = h.awaitTerminal("badport");
    assertThat(noImage.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(noImage.getMessage()).contains("container.docker.image");
    assertThat(badPort.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(badPort.getMessage()).contains("container.docker.port_mappings[0].host_port: 31999");
    assertThat(docker.calls()).noneMatch(c -> c.get(0).equals("run"));
  }

  @Test
  void withoutAnEngineDockerTasksFailSayingSo(Vertx vertx) throws Exception {
    Path broken = workDir.resolve("docker-broken");
    Files.writeString(broken, "#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n");
    broken.toFile().setExecutable(true);
    ExecutorOptions options = new ExecutorOptions().setIsolation(Isolation.POSIX).setDockerBinary(broken.toString());
    ExecutorHarness h = new ExecutorHarness(vertx, workDir, id -> new ExecutorVerticle(id, options));

    h.launch(dockerTask("nodocker", DockerInfo.newBuilder().setImage("fake/exit:0")).build());

    TaskStatus terminal = h.awaitTerminal("nodocker");
    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(terminal.getMessage()).contains("DOCKER is not supported on this agent");
  }

  @Test
  void restartedAgentAdoptsItsContainersAndRemovesOrphans(Vertx vertx) throws Exception {
    FakeDocker docker = FakeDocker.create(workDir);
    ExecutorHarness h = new ExecutorHarness(vertx, workDir, id -> new ExecutorVerticle(id, options(docker)));
    h.launchCheckpointed(dockerTask("adopted", DockerInfo.newBuilder().setImage("fake/sleep:600")).build());
    h.launchCheckpointed(dockerTask("waited", DockerInfo.newBuilder().setImage("fake/sleep:600")).build());
    h.awaitState("adopted", TaskState.TASK_RUNNING);
    h.awaitState("waited", TaskState.TASK_RUNNING);
    // TASK_RUNNING comes once `docker run` is spawned, not once it made its container: wait for
    // both containers, or killing the "waited" client below could come before it made one.
    for (String task : List.of("adopted", "waited")) {
      Path pidFile = docker.state().resolve("containers")
          .resolve(DockerNames.of(h.agentId, ExecutorHarness.FRAMEWORK_ID, task) + ".pid");
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile));
    }
    String orphan = DockerNames.prefix(h.agentId) + "orphan";
    Files.writeString(docker.state().resolve("containers").resolve(orphan + ".pid"), "999999999");

    h.restart(id -> new ExecutorVerticle(id, options(docker))); // the tasks keep running
    // While the agent is away, the `docker run` client of "waited" dies; its container does not.
    long client = TaskCheckpoint.read(h.checkpointDir("waited")).pid();
    ProcessTree.signal(ProcessTree.members(client), true);
    await().atMost(Duration.ofSeconds(20)).until(() -> !ProcessTree.alive(client));
    h.statuses.clear();
    h.recover("adopted", "waited");

    await().atMost(Duration.ofSeconds(30)).until(() -> docker.calls().contains(List.of("rm", "-f", orphan)));
    String waited = DockerNames.of(h.agentId, ExecutorHarness.FRAMEWORK_ID, "waited");
    await().atMost(Duration.ofSeconds(30)).until(() -> docker.calls().contains(List.of("wait", waited)));
    h.kill("adopted", 1_000, false);
    h.kill("waited", 1_000, false);
    assertThat(h.awaitTerminal("adopted").getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(h.awaitTerminal("waited").getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(docker.calls()).contains(List.of("stop", "-t", "1", waited));
  }
}
