package io.meso.cli.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.cli.Meso;
import io.meso.testkit.CliStreams;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the app commands say and exit with before (or without) a master answering. */
class AppCommandInputTest {

  @TempDir
  Path dir;

  private record Result(int exit, String out, String err) {}

  private static Result meso(String... args) {
    try (CliStreams streams = new CliStreams()) {
      int exit = Meso.run(args);
      return new Result(exit, streams.out(), streams.err());
    }
  }

  /** A loopback port nothing listens on: bound, then closed. */
  private static String deadMaster() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not json        | {\"id\": | is not a JSON object",
      "array           | [1,2]   | is not a JSON object",
      "no id           | {\"cmd\":\"sleep 1\"} | has no \"id\"; give the app an id such as \"/web\"",
      "blank id        | {\"id\":\" \",\"cmd\":\"x\"} | has no \"id\"",
      "id not a string | {\"id\":3} | has no \"id\""})
  void aDefinitionWithoutAnIdIsRefusedBeforeAnyRequest(String name, String json, String expected) throws Exception {
    Path file = dir.resolve("app.json");
    Files.writeString(file, json);
    Result result = meso("app", "run", "--master", deadMaster(), file.toString());
    assertThat(result.exit()).as(name).isEqualTo(ServicesHttp.Exit.INVALID);
    assertThat(result.err()).as(name).contains(expected);
  }

  @Test
  void aMissingFileIsNamed() throws Exception {
    Result result = meso("app", "run", "--master", deadMaster(), dir.resolve("nope.json").toString());
    assertThat(result.exit()).isEqualTo(ServicesHttp.Exit.INVALID);
    assertThat(result.err()).contains("cannot read").contains("nope.json");
  }

  @Test
  void aNegativeScaleIsRefused() throws Exception {
    Result result = meso("app", "scale", "--master", deadMaster(), "/web", "--", "-1");
    assertThat(result.exit()).isEqualTo(ServicesHttp.Exit.INVALID);
    assertThat(result.err()).contains("INSTANCES is -1; expected 0 or more");
  }

  @Test
  void noMasterAnsweringSaysWhereItLookedAndWhatToDo() throws Exception {
    String master = deadMaster();
    for (String[] args : new String[][] {{"apps"}, {"deployments"}, {"app", "show", "/web"}}) {
      String[] withMaster = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
          java.util.stream.Stream.of("--master", master)).toArray(String[]::new);
      Result result = meso(withMaster);
      assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(ServicesHttp.Exit.UNREACHABLE);
      assertThat(result.err()).as(String.join(" ", args)).contains("cannot reach a master at " + master)
          .contains("meso local");
    }
  }

  @Test
  void aBadMasterAddressIsAUsageError() {
    Result result = meso("apps", "--master", "nohost:notaport");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).contains("--master");
  }

  @Test
  void appIdsAreAbsoluteAndEncodedPathSegments() {
    assertThat(ServicesHttp.appPath("/group/web")).isEqualTo("/group/web");
    assertThat(ServicesHttp.appPath("web/")).isEqualTo("/web");
    assertThat(ServicesHttp.appPath("a b")).isEqualTo("/a%20b");
    assertThat(AppCommand.id("group/web")).isEqualTo("/group/web");
  }
}
