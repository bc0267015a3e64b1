package io.meso.cli.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.cli.Meso;
import io.meso.cli.services.ServicesHttp;
import io.meso.testkit.CliStreams;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the job commands say and exit with before (or without) a master answering. */
class JobCommandInputTest {

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
      "not json          | {\"name\": | is not a JSON object",
      "array             | [1,2]     | is not a JSON object",
      "no name           | {\"command\":\"true\"} | has no \"name\"; give the job a name",
      "name not a string | {\"name\":3} | has no \"name\"",
      "bad name          | {\"name\":\"a b\",\"command\":\"true\"} | \"name\" 'a b' is not a job name; expected letters"})
  void aDefinitionWithoutAValidNameIsRefusedBeforeAnyRequest(String name, String json, String expected)
      throws Exception {
    Path file = dir.resolve("job.json");
    Files.writeString(file, json);
    Result result = meso("job", "add", "--master", deadMaster(), file.toString());
    assertThat(result.exit()).as(name).isEqualTo(ServicesHttp.Exit.INVALID);
    assertThat(result.err()).as(name).contains(expected);
  }

  @Test
  void aMissingFileIsNamed() throws Exception {
    Result result = meso("job", "add", "--master", deadMaster(), dir.resolve("nope.json").toString());
    assertThat(result.exit()).isEqualTo(ServicesHttp.Exit.INVALID);
    assertThat(result.err()).contains("cannot read").contains("nope.json");
  }

  @Test
  void anInvalidNameIsRefusedNamingTheValue() throws Exception {
    for (String command : new String[] {"run", "show", "history", "delete"}) {
      Result result = meso("job", command, "--master", deadMaster(), "x/../y");
      assertThat(result.exit()).as(command).isEqualTo(ServicesHttp.Exit.INVALID);
      assertThat(result.err()).as(command).contains("NAME 'x/../y' is not a job name");
    }
  }

  @Test
  void noMasterAnsweringSaysWhereItLookedAndWhatToDo() throws Exception {
    String master = deadMaster();
    for (String[] args : new String[][] {{"jobs"}, {"job", "show", "nightly"}, {"job", "run", "nightly"},
        {"job", "history", "nightly"}, {"job", "delete", "nightly"}}) {
      String[] withMaster = Stream.concat(Arrays.stream(args), Stream.of("--master", master)).toArray(String[]::new);
      Result result = meso(withMaster);
      assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(ServicesHttp.Exit.UNREACHABLE);
      assertThat(result.err()).as(String.join(" ", args)).contains("cannot reach a master at " + master)
          .contains("meso local");
    }
  }
}
