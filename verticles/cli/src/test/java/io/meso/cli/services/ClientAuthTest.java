package io.meso.cli.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientAuthTest {

  private static String decoded(String authorization) {
    return new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())), StandardCharsets.UTF_8);
  }

  @Test
  void principalWithSecretFileOrEnvironment(@TempDir Path dir) throws Exception {
    ClientAuth auth = new ClientAuth();
    assertThat(auth.credentials(Map.of())).isNull();
    auth.principal = "ops";
    auth.secretFile = Files.writeString(dir.resolve("s"), "from-file\nignored second line\n");
    assertThat(decoded(auth.credentials(Map.of("MESO_SECRET", "from-env")).authorization())).isEqualTo("ops:from-file");
    auth.secretFile = null;
    assertThat(decoded(auth.credentials(Map.of("MESO_SECRET", "from-env")).authorization())).isEqualTo("ops:from-env");
    assertThatThrownBy(() -> auth.credentials(Map.of())).hasMessageContaining("--principal ops needs its secret");
    assertThat(auth.credentials(Map.of("MESO_SECRET", "x")).toString()).doesNotContain("x").contains("ops");
  }

  @Test
  void tokenFileOrEnvironment(@TempDir Path dir) throws Exception {
    ClientAuth auth = new ClientAuth();
    assertThat(auth.credentials(Map.of("MESO_TOKEN", "a.b.c")).authorization()).isEqualTo("Bearer a.b.c");
    auth.tokenFile = Files.writeString(dir.resolve("t"), "x.y.z\n");
    assertThat(auth.credentials(Map.of("MESO_TOKEN", "a.b.c")).authorization()).isEqualTo("Bearer x.y.z");
    auth.principal = "ops";
    assertThatThrownBy(() -> auth.credentials(Map.of())).hasMessageContaining("exclude each other");
    ClientAuth empty = new ClientAuth();
    empty.tokenFile = Files.writeString(dir.resolve("empty"), "");
    assertThatThrownBy(() -> empty.credentials(Map.of())).hasMessageContaining("is empty");
  }
}
