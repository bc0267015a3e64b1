package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.cli.Meso;
import io.meso.cli.services.ServicesHttp;
import io.meso.testkit.CliStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app and deployment commands of the CLI against the real /v2 API of the services framework. */
class ServicesCliTest {

  private static ServicesFixture services;

  @TempDir
  Path dir;

  private record Result(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    services = ServicesFixture.start("services-cli");
  }

  @AfterAll
  static void stop() throws Exception {
    services.close();
  }

  private static Result meso(String... args) {
    String[] withMaster = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--master", "127.0.0.1:" + services.port())).toArray(String[]::new);
    try (CliStreams streams = new CliStreams()) {
      int exit = Meso.run(withMaster);
      return new Result(exit, streams.out(), streams.err());
    }
  }

  private static int running(String id) {
    return services.get("/v2/apps" + id).json().getJsonObject("app").getInteger("tasksRunning");
  }

  @Test
  void anAppIsRunListedShownScaledAndDeleted() throws Exception {
    Path file = dir.resolve("web.json");
    Files.writeString(file, "{\"id\":\"/cli/web\",\"cmd\":\"sleep 600\",\"instances\":2,\"cpus\":0.1,\"mem\":16}");
    Result run = meso("app", "run", file.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("app /cli/web: created, deployment ");
    await().atMost(Duration.ofSeconds(60)).until(() -> running("/cli/web") == 2);

    Result apps = meso("apps");
    assertThat(apps.exit()).as(apps.err()).isZero();
    assertThat(apps.out()).contains("ID").contains("/cli/web").contains("2/2").contains("sleep 600");

    Result show = meso("app", "show", "/cli/web");
    assertThat(show.exit()).as(show.err()).isZero();
    assertThat(show.out()).contains("id:        /cli/web").contains("instances: 2 running")
        .contains("cli_web.instance-");

    Result scale = meso("app", "scale", "/cli/web", "1");
    assertThat(scale.exit()).as(scale.err()).isZero();
    assertThat(scale.out()).contains("app /cli/web: scaled to 1, deployment ");
    await().atMost(Duration.ofSeconds(60)).until(() -> running("/cli/web") == 1);

    Result deployments = meso("deployments");
    assertThat(deployments.exit()).as(deployments.err()).isZero();

    Result delete = meso("app", "delete", "/cli/web");
    assertThat(delete.exit()).as(delete.err()).isZero();
    assertThat(delete.out()).contains("app /cli/web: deleting");
    await().atMost(Duration.ofSeconds(60)).until(() -> services.get("/v2/apps/cli/web").status() == 404);
  }

  @Test
  void anInvalidDefinitionPrintsEachProblemAndExitsFour() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"id\":\"/cli/bad\",\"cmd\":\"true\",\"cpus\":-1,\"instances\":-2}");
    Result run = meso("app", "run", file.toString());
    assertThat(run.exit()).isEqualTo(ServicesHttp.Exit.INVALID);
    assertThat(run.err()).contains("Object is not valid").contains("  /cpus: ").contains("  /instances: ");
    assertThat(services.get("/v2/apps/cli/bad").status()).isEqualTo(404);
  }

  @Test
  void anUnknownAppExitsThree() {
    Result show = meso("app", "show", "/cli/nope");
    assertThat(show.exit()).isEqualTo(ServicesHttp.Exit.NOT_FOUND);
    assertThat(show.err()).contains("'/cli/nope' does not exist");
    Result scale = meso("app", "restart", "/cli/nope");
    assertThat(scale.exit()).isEqualTo(ServicesHttp.Exit.NOT_FOUND);
  }
}
