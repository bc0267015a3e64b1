package io.meso.security.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster secret file, its keys, agent proofs (fresh, not replayed, bound to the message) and registry seals. */
class ClusterSecretTest {

  @TempDir
  Path dir;

  static ClusterSecret random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return ClusterSecret.of(b, "test");
  }

  @Test
  void readsAGoodSecretAndRefusesAWeakOneWithoutPrintingIt() throws Exception {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String hex = HexFormat.of().formatHex(raw);
    Path good = Files.writeString(dir.resolve("good"), hex + "\n");
    ClusterSecret secret = ClusterSecret.fromFile(good);
    assertThat(secret.toString()).doesNotContain(hex).contains("good");
    assertThat(ClusterSecret.fromFile(good).key("x")).isEqualTo(secret.key("x"));

    Path weak = Files.writeString(dir.resolve("weak"), "hunter2-hunter2\n");
    assertThatThrownBy(() -> ClusterSecret.fromFile(weak)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--cluster-secret-file " + weak).hasMessageContaining("too weak")
        .hasMessageContaining("head -c 32 /dev/urandom").message().doesNotContain("hunter2");
    Path shortHex = Files.writeString(dir.resolve("short"), hex.substring(0, 32));
    assertThatThrownBy(() -> ClusterSecret.fromFile(shortHex)).hasMessageContaining("128 bits");
    Path repeated = Files.writeString(dir.resolve("rep"), "ab".repeat(100));
    assertThatThrownBy(() -> ClusterSecret.fromFile(repeated)).hasMessageContaining("too weak");
    assertThatThrownBy(() -> ClusterSecret.fromFile(dir.resolve("missing"))).hasMessageContaining("cannot be read");
  }

  @Test
  void keysDifferPerPurposeAndTheClusterNameIsDerived() {
    ClusterSecret a = random();
    assertThat(a.key(ClusterSecret.AGENT_ADMISSION)).isNotEqualTo(a.key(ClusterSecret.REGISTRY_VALUES));
    assertThat(a.clusterName("meso")).matches("meso-[0-9a-f]{16}").isNotEqualTo(random().clusterName("meso"));
  }

  @Test
  void aProofIsAcceptedOnceWhileFreshAndOnlyForItsMessage() {
    ClusterSecret secret = random();
    AtomicLong now = new AtomicLong(1_000_000);
    AgentProof.Verifier verifier = new AgentProof.Verifier(secret, 60_000, now::get);
    byte[] body = "register host-a".getBytes(StandardCharsets.UTF_8);
    String proof = AgentProof.create(secret, "RegisterAgentMessage", body, now.get());

    assertThatThrownBy(() -> verifier.verify(proof, "RegisterAgentMessage", "register host-b".getBytes()))
        .hasMessageContaining("does not match");
    assertThatThrownBy(() -> verifier.verify(proof, "ReregisterAgentMessage", body)).hasMessageContaining("does not match");
    org.assertj.core.api.Assertions.assertThatCode(() -> verifier.verify(proof, "RegisterAgentMessage", body))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> verifier.verify(proof, "RegisterAgentMessage", body)).hasMessageContaining("used before");

    now.addAndGet(61_000);
    assertThatThrownBy(() -> verifier.verify(proof, "RegisterAgentMessage", body)).hasMessageContaining("stale");
    String wrongSecret = AgentProof.create(random(), "RegisterAgentMessage", body, now.get());
    assertThatThrownBy(() -> verifier.verify(wrongSecret, "RegisterAgentMessage", body))
        .hasMessageContaining("cluster secret is not this cluster's").message().doesNotContain(wrongSecret);
    assertThatThrownBy(() -> verifier.verify(null, "RegisterAgentMessage", body)).hasMessageContaining("missing");
    assertThatThrownBy(() -> verifier.verify("v1.x.y.z", "RegisterAgentMessage", body)).hasMessageContaining("malformed");
  }

  @Test
  void aSealVerifiesOnlyForItsSectionKeyTokenAndValue() {
    RegistrySeal seal = new RegistrySeal(random());
    byte[] v = "value".getBytes(StandardCharsets.UTF_8);
    byte[] mac = seal.seal("agents", "a1", 7, v);
    assertThat(seal.verifies("agents", "a1", 7, v, mac)).isTrue();
    assertThat(seal.verifies("agents", "a2", 7, v, mac)).isFalse();
    assertThat(seal.verifies("frameworks", "a1", 7, v, mac)).isFalse();
    assertThat(seal.verifies("agents", "a1", 8, v, mac)).isFalse();
    assertThat(seal.verifies("agents", "a1", 7, "valuE".getBytes(StandardCharsets.UTF_8), mac)).isFalse();
    assertThat(seal.verifies("agents", "a1", 7, v, null)).isFalse();
    assertThat(new RegistrySeal(random()).verifies("agents", "a1", 7, v, mac)).isFalse();
  }
}
