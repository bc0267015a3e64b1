package io.meso.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.cli.Meso;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `meso master` refuses bad high-availability flags before it joins any cluster, naming flag, value and range. */
class MasterHaFlagsTest {

  static String run(int expectedCode, String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(Meso.run(args)).isEqualTo(expectedCode);
    } finally {
      System.setErr(old);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void twoMastersAreRefused() {
    assertThat(run(2, "master", "--masters", "2", "--port", "0"))
        .contains("--masters is 2").contains("expected 1, or 3 to 7");
  }

  @Test
  void tooManyMastersAreRefused() {
    assertThat(run(2, "master", "--masters", "9", "--port", "0")).contains("--masters is 9");
  }

  @Test
  void aLeaderSessionTimeoutOutOfRangeIsRefused() {
    assertThat(run(2, "master", "--leader-session-timeout", "1", "--port", "0"))
        .contains("--leader-session-timeout is 1").contains("2 to 300");
  }

  @Test
  void aMasterRemovalTimeoutShorterThanTheSessionTimeoutOrTooLongIsRefused() {
    assertThat(run(2, "master", "--leader-session-timeout", "10", "--master-removal-timeout", "5", "--port", "0"))
        .contains("--master-removal-timeout is 5").contains("from --leader-session-timeout (10) to 86400");
    assertThat(run(2, "master", "--master-removal-timeout", "100000", "--port", "0"))
        .contains("--master-removal-timeout is 100000");
  }

  @Test
  void aBadReregisterTimeoutIsRefused() {
    assertThat(run(2, "master", "--agent-reregister-timeout", "0", "--port", "0"))
        .contains("--agent-reregister-timeout is 0.0");
  }

  @Test
  void aBadRehearsalSizeIsRefused() {
    assertThat(run(2, "master", "--rehearse-agents", "-5", "--port", "0"))
        .contains("--rehearse-agents is -5").contains("expected 0 (off) to 100000");
  }
}
