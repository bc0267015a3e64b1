package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --acls FILE} on master, local and agent: a bad or missing file stops the start with the parse error (exit 2). */
class AclsFlagTest {

  private static String run(String... args) {
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(Meso.run(args)).as(String.join(" ", args)).isEqualTo(2);
    } finally {
      System.setErr(before);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aBadAclFileStopsTheStartNamingTheProblem(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("acls.json");
    Files.writeString(bad, "{\"run_task\": []}");
    assertThat(run("master", "--acls", bad.toString(), "--port", "0"))
        .contains("meso: ACL file " + bad + ": $.run_task is not an action").contains("run_tasks");
    assertThat(run("local", "--acls", bad.toString(), "--port", "0"))
        .contains("$.run_task is not an action");
    assertThat(run("agent", "--acls", bad.toString(), "--join", "127.0.0.1:1", "--port", "0"))
        .contains("meso: ACL file " + bad + ": $.run_task is not an action");
    assertThat(run("master", "--acls", dir.resolve("missing.json").toString(), "--port", "0"))
        .contains("missing.json cannot be read");
  }
}
