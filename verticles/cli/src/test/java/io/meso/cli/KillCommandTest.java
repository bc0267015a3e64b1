package io.meso.cli;

import io.meso.testkit.CliStreams;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

class KillCommandTest {

  @Test
  void theTaskIdIsRequired() {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new KillCommand()).setErr(new PrintWriter(err)).execute();
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter: 'TASK_ID'");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aMasterThatIsNotThereExitsTwo() throws Exception {
    int port = RunCommandTest.closedPort();
    try (CliStreams streams = new CliStreams()) {
      assertThat(new CommandLine(new KillCommand()).execute("--master", "127.0.0.1:" + port, "run-1")).isEqualTo(2);
      assertThat(streams.err()).contains("cannot reach a master at 127.0.0.1:" + port);
      assertThat(streams.out()).isEmpty();
    }
  }
}
