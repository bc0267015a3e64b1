package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SecurityFlagsTest {

  private static SecurityFlags parse(String... args) {
    MasterCommand command = new MasterCommand();
    new CommandLine(command).parseArgs(args);
    return command.security;
  }

  @Test
  void loopbackStaysOpenOthersNeedCredentialsOrInsecure() {
    SecurityFlags none = parse();
    assertThat(none.authenticator()).isNull();
    assertThat(none.refusal("meso master", "127.0.0.1", null)).isNull();
    assertThat(none.refusal("meso master", "localhost", null)).isNull();
    assertThat(none.refusal("meso master", "::1", null)).isNull();
    assertThat(none.refusal("meso master", "0.0.0.0", null)).contains("--host 0.0.0.0 is not a loopback address")
        .contains("--credentials FILE").contains("--jwt-key FILE").contains("--insecure");
    assertThat(none.refusal("meso local", "10.1.2.3", null)).startsWith("meso local: ");
    assertThat(parse("--insecure").refusal("meso master", "0.0.0.0", null)).isNull();
  }

  @Test
  void insecureOnANonLoopbackHostStartsButSaysSoInTheLog() {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        SecurityFlags.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured =
        new ch.qos.logback.core.read.ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    try {
      SecurityFlags insecure = parse("--insecure");
      assertThat(insecure.refusal("meso master", "0.0.0.0", null)).isNull();
      assertThat(insecure.agentRefusal("meso agent", "10.1.2.3", null)).isNull();
      // On loopback there is nothing to warn about.
      assertThat(insecure.refusal("meso local", "127.0.0.1", null)).isNull();
    } finally {
      logger.detachAppender(captured);
    }
    assertThat(captured.list).extracting(e -> e.getLevel().toString() + " " + e.getFormattedMessage()).containsExactly(
        "WARN meso master listens on 0.0.0.0 without authentication (--insecure): anyone who reaches the port is "
            + "trusted to run tasks, kill them and change the cluster",
        "WARN meso agent listens on 10.1.2.3 without authentication (--insecure): anyone who reaches the port may "
            + "read what runs on this machine (/state, /metrics)");
  }

  @Test
  void flagsBuildTheAuthenticator(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("hs"), "0123456789abcdef0123456789abcdef\n");
    SecurityFlags flags = parse("--jwt-key", key.toString(), "--jwt-issuer", "idp", "--jwt-clock-skew", "5",
        "--allowed-hosts", "meso.example.org,10.0.0.5");
    assertThat(flags.authenticator().acceptsBearer()).isTrue();
    assertThat(flags.authenticator().acceptsBasic()).isFalse();
    assertThat(flags.allowedHosts).containsExactly("meso.example.org", "10.0.0.5");
    assertThat(flags.refusal("meso master", "0.0.0.0", flags.authenticator())).isNull();
    assertThatThrownBy(() -> parse("--jwt-issuer", "idp").authenticator()).hasMessageContaining("need --jwt-key");
    assertThatThrownBy(() -> parse("--jwt-key", key.toString(), "--jwt-clock-skew", "-1").authenticator())
        .hasMessageContaining("--jwt-clock-skew is -1");
    assertThat(List.of(parse("--jwt-key", key + "," + key).jwtKeys.size())).containsExactly(2);
  }

  @Test
  void anAgentOnANonLoopbackHostWithoutCredentialsRefusesToStart() {
    AgentCommand agent = new AgentCommand();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.err;
    int status;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      status = new CommandLine(agent).execute("--host", "10.1.2.3", "--join", "127.0.0.1:1", "--work-dir",
          System.getProperty("java.io.tmpdir"));
    } finally {
      System.setErr(saved);
    }
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("meso agent: --host 10.1.2.3 is not a loopback address, and no --credentials or --jwt-key is given")
        .contains("--insecure");
    // The same flags as the master's, the same rule.
    SecurityFlags flags = new SecurityFlags();
    new CommandLine(flags).parseArgs("--insecure");
    assertThat(flags.agentRefusal("meso agent", "10.1.2.3", null)).isNull();
    assertThat(new SecurityFlags().agentRefusal("meso agent", "127.0.0.1", null)).isNull();
  }
}
