package io.meso.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MasterAddressTest {

  @ParameterizedTest
  @CsvSource({
      "127.0.0.1:5050, 127.0.0.1, 5050",
      "master.example:7000, master.example, 7000",
      "' node1:1 ', node1, 1",
      "node1, node1, 5050",
      "[::1]:6000, ::1, 6000",
      "[::1], ::1, 5050"})
  void parsesHostAndPort(String value, String host, int port) {
    SocketAddress address = MasterAddress.parse(value);
    assertThat(address.host()).isEqualTo(host);
    assertThat(address.port()).isEqualTo(port);
  }

  @ParameterizedTest
  @CsvSource({
      "'', empty",
      "':5050', no host",
      "host:0, port '0'",
      "host:65536, port '65536'",
      "host:http, port 'http'",
      "host:, port ''",
      "::1, [V6ADDR]:PORT",
      "[::1, closing"})
  void rejectsWithAMessageNamingTheValue(String value, String expected) {
    assertThatThrownBy(() -> MasterAddress.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected);
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1:5050", "[::1]:6000"})
  void formatsBackToWhatWasTyped(String value) {
    assertThat(MasterAddress.format(MasterAddress.parse(value))).isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1:5050 | 127.0.0.1:5050",
      "m1:5050,m2:5060,[::1]:5070 | m1:5050,m2:5060,[::1]:5070",
      "' m1 , m2:1 ' | m1:5050,m2:1"})
  void parsesAListOfMasters(String value, String formatted) {
    assertThat(MasterAddress.format(MasterAddress.parseList(value))).isEqualTo(formatted);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'' | empty",
      "m1:5050,,m2:5050 | empty entry (number 2)",
      "m1:5050, | empty entry (number 2)",
      "m1:5050,m2:0 | port '0'",
      "m1:5050,m1:5050 | names m1:5050 twice",
      "m1,m1:5050 | names m1:5050 twice"})
  void rejectsABadListNamingTheEntry(String value, String expected) {
    assertThatThrownBy(() -> MasterAddress.parseList(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://m1:5050 | m1:5050 | true",
      "HTTPS://m1:5050/,https://[::1]:6000 | m1:5050,[::1]:6000 | true",
      "http://m1 | m1:5050 | false",
      "m1:5050,m2:5060 | m1:5050,m2:5060 | false"})
  void takesMastersWrittenAsUrls(String value, String formatted, boolean https) {
    assertThat(MasterAddress.format(MasterAddress.parseList(value))).isEqualTo(formatted);
    assertThat(MasterAddress.isHttps(value)).isEqualTo(https);
  }

  @org.junit.jupiter.api.Test
  void refusesAPathOrMixedSchemes() {
    assertThatThrownBy(() -> MasterAddress.parse("https://m1:5050/v2")).hasMessageContaining("has a path");
    assertThatThrownBy(() -> MasterAddress.isHttps("https://m1:5050,http://m2:5050"))
        .hasMessageContaining("mixes http:// and https://");
  }
}
