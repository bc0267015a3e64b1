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
}
