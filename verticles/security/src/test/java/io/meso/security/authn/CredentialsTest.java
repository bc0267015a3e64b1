package io.meso.security.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

  static final String OPS_HASH = PasswordHash.bcrypt("s3cret-ops".toCharArray(), 4);

  @Test
  void bcryptLinesVerifyTheirSecretOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("credentials");
    Files.writeString(file, "# operators\n\nops:" + OPS_HASH + "\n");
    Credentials credentials = Credentials.load(file);
    assertThat(credentials.principals()).containsExactly("ops");
    assertThat(credentials.verify("ops", "s3cret-ops".toCharArray())).isTrue();
    assertThat(credentials.verify("ops", "s3cret-opz".toCharArray())).isFalse();
    assertThat(credentials.verify("ops", new char[0])).isFalse();
    assertThat(credentials.verify("nobody", "s3cret-ops".toCharArray())).isFalse();
  }

  @Test
  void argon2idPhcStringsVerify() {
    byte[] salt = "saltsaltsaltsalt".getBytes(StandardCharsets.US_ASCII);
    byte[] hash = new byte[32];
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(19).withMemoryAsKB(1024)
        .withIterations(2).withParallelism(1).withSalt(salt).build());
    gen.generateBytes("hunter22".toCharArray(), hash);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    String phc = "$argon2id$v=19$m=1024,t=2,p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    Credentials credentials = Credentials.parse("test", List.of("fw:" + phc));
    assertThat(credentials.verify("fw", "hunter22".toCharArray())).isTrue();
    assertThat(credentials.verify("fw", "hunter23".toCharArray())).isFalse();
  }

  @Test
  void badLinesNameFileLineAndWhatIsAllowedButNeverTheHash() {
    String badBcrypt = "$2b$10$tooshortXXXXXXXXXXXXXXX";
    assertThatThrownBy(() -> Credentials.parse("creds.txt", List.of("# c", "ops:" + badBcrypt)))
        .hasMessageContaining("creds.txt line 2").hasMessageContaining("bcrypt").hasMessageContaining("$argon2id$")
        .hasMessageNotContaining("tooshort");
    assertThatThrownBy(() -> Credentials.parse("creds.txt", List.of("ops:plaintext-password")))
        .hasMessageContaining("line 1").hasMessageContaining("plaintext is never accepted")
        .hasMessageNotContaining("plaintext-password");
    assertThatThrownBy(() -> Credentials.parse("creds.txt", List.of("ops " + OPS_HASH)))
        .hasMessageContaining("line 1").hasMessageContaining("principal:hash")
        .hasMessageNotContaining(OPS_HASH.substring(7));
    assertThatThrownBy(() -> Credentials.parse("creds.txt", List.of("bad principal:" + OPS_HASH)))
        .hasMessageContaining("principal 'bad principal' is not allowed");
    assertThatThrownBy(() -> Credentials.parse("creds.txt", List.of("ops:" + OPS_HASH, "ops:" + OPS_HASH)))
        .hasMessageContaining("line 2").hasMessageContaining("appears twice");
    assertThatThrownBy(() -> Credentials.parse("creds.txt", List.of("ops:$argon2i$v=19$m=1024,t=2,p=1$c2FsdHNhbHQ$aGFzaA")))
        .hasMessageContaining("only argon2id");
    assertThatThrownBy(() -> Credentials.parse("creds.txt", List.of("ops:$argon2id$v=19$m=1024,t=2,p=1$!!$??")))
        .hasMessageContaining("not a well-formed argon2id");
    assertThatThrownBy(() -> Credentials.parse("creds.txt", List.of("ops:$2b$03$" + OPS_HASH.substring(7))))
        .hasMessageContaining("bcrypt cost is 3");
    assertThatThrownBy(() -> Credentials.parse("creds.txt", List.of("# only a comment")))
        .hasMessageContaining("no principal:hash line");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> Credentials.load(dir.resolve("nope")))
        .hasMessageContaining("credentials file " + dir.resolve("nope") + " cannot be read");
  }
}
