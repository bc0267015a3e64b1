package io.meso.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The top-level {@code docker/} folder: no Docker engine runs on the machines this is built and
 * tested on, so the compose file is validated by Docker Compose itself ({@code docker compose
 * config}, or the standalone {@code docker-compose} that Debian packages), and the image's entry
 * point is run here against the jar the build just made, as the image and the network-namespace
 * cluster run it.
 */
class DockerFilesIT {

  private static final Path DOCKER = Path.of("../../docker");

  @Test
  void composeFileIsValidAndHasThreeMastersAndThreeAgents() throws Exception {
    Result r = run(composeCommand("config"));
    assertEquals(0, r.exit, "compose config failed:\n" + r.output);
    String config = r.output;
    for (String service : List.of("master1", "master2", "master3", "agent1", "agent2", "agent3")) {
      assertTrue(Pattern.compile("(?m)^  " + service + ":$").matcher(config).find(), service + " missing:\n" + config);
    }
    // Every master knows how many masters there are and joins all three; agents join them too.
    assertEquals(3, count(config, "MESO_MASTERS: '3'"), config);
    // Three masters and two member agents join the cluster; the third agent uses the masters' gateways.
    assertEquals(5, count(config, "MESO_JOIN: master1:5701,master2:5701,master3:5701"), config);
    assertEquals(3, count(config, "MESO_AGENT_GATEWAY_PORT: '5052'"), config);
    assertEquals(1, count(config, "MESO_MASTER_GATEWAY: master1:5052,master2:5052,master3:5052"), config);
    // Each agent keeps its work directory in a volume of its own and sees the host's cgroups.
    for (int i = 1; i <= 3; i++) {
      assertTrue(config.contains("- agent" + i + "-work:/var/lib/meso/work"), "agent" + i + " work volume:\n" + config);
    }
    assertEquals(3, count(config, "- /sys/fs/cgroup:/sys/fs/cgroup:rw"), config);
    // Masters' HTTP ports are published on the Docker host's loopback only.
    int published = count(config, "127.0.0.1:5050:5050") + count(config, "127.0.0.1:5060:5050")
        + count(config, "127.0.0.1:5070:5050");
    assertTrue(published == 3 || count(config, "host_ip: 127.0.0.1") == 3, "three master ports on 127.0.0.1:\n" + config);
  }

  @Test
  void imageIsMultiStageWithANonRootUserAndAReadinessCheck() throws IOException {
    String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
    assertEquals(2, count(dockerfile, "\nFROM "), "a build stage and a runtime stage:\n" + dockerfile);
    assertTrue(dockerfile.contains("mvn -B -q -DskipTests package"), "the build stage builds the jar as README says");
    assertTrue(dockerfile.contains("FROM eclipse-temurin:17-jre"), "the runtime is a JRE image");
    assertTrue(dockerfile.contains("\nUSER meso\n"), "runs as the unprivileged user meso");
    assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("/readyz"), "health check on /readyz");
    assertTrue(dockerfile.contains("ENTRYPOINT [\"/opt/meso/entrypoint.sh\"]"), "the shared entry point");
  }

  @Test
  void entryPointStartsTheBuiltJar() throws Exception {
    List<String> command = List.of("sh", DOCKER.resolve("entrypoint.sh").toString(), "master", "--help");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("MESO_JAR", MesoProcess.jar().toAbsolutePath().toString());
    pb.environment().remove("MESO_CONFIG");
    Result r = run(pb);
    assertEquals(0, r.exit, r.output);
    assertTrue(r.output.contains("--masters"), "the master's options:\n" + r.output);

    ProcessBuilder missing = new ProcessBuilder("sh", DOCKER.resolve("entrypoint.sh").toString(), "master")
        .redirectErrorStream(true);
    missing.environment().put("MESO_JAR", "/nonexistent/meso.jar");
    Result none = run(missing);
    assertEquals(2, none.exit, none.output);
    assertTrue(none.output.contains("no jar at /nonexistent/meso.jar"), none.output);
  }

  /** {@code docker compose} when the Compose plugin is installed, else Debian's {@code docker-compose}. */
  private static ProcessBuilder composeCommand(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if (run(new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true)).exit == 0) {
      command.addAll(List.of("docker", "compose"));
    } else {
      command.add("docker-compose");
    }
    command.addAll(List.of("-f", DOCKER.resolve("compose.yaml").toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  private record Result(int exit, String output) {}

  private static Result run(ProcessBuilder pb) throws Exception {
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(127, e.getMessage());
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, "timed out: " + pb.command());
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }
}
