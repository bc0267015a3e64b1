package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RegistryEntriesTest {

  @Test
  void anEntryRoundTripsAndAnUnknownVersionIsRefusedNamingIt() {
    assertThatThrownBy(() -> RegistryEntries.decode(new byte[] {9}))
        .hasMessageContaining("registry entry version is 9");
    RegistryEntries.Entry e = RegistryEntries.decode(
        RegistryEntries.encode("info".getBytes(StandardCharsets.UTF_8), "addr"));
    assertThat(new String(e.message(), StandardCharsets.UTF_8)).isEqualTo("info");
    assertThat(e.label()).isEqualTo("addr");
  }
}
