package io.meso.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediaTypesTest {

  @Test
  void contentTypeIsOneOfTheTwoIgnoringParametersAndCase() {
    assertThat(MediaTypes.ofContentType("application/json")).contains(MediaTypes.JSON);
    assertThat(MediaTypes.ofContentType("Application/JSON; charset=utf-8")).contains(MediaTypes.JSON);
    assertThat(MediaTypes.ofContentType("application/x-protobuf")).contains(MediaTypes.PROTOBUF);
    assertThat(MediaTypes.ofContentType(null)).isEmpty();
    assertThat(MediaTypes.ofContentType("text/plain")).isEmpty();
    assertThat(MediaTypes.ofContentType("application/recordio")).isEmpty();
  }

  @Test
  void acceptPicksTheBestAllowedType() {
    assertThat(MediaTypes.negotiate(null)).contains(MediaTypes.JSON);
    assertThat(MediaTypes.negotiate("*/*")).contains(MediaTypes.JSON);
    assertThat(MediaTypes.negotiate("application/x-protobuf")).contains(MediaTypes.PROTOBUF);
    assertThat(MediaTypes.negotiate("text/html, application/x-protobuf")).contains(MediaTypes.PROTOBUF);
    assertThat(MediaTypes.negotiate("application/json;q=0.5, application/x-protobuf")).contains(MediaTypes.PROTOBUF);
    assertThat(MediaTypes.negotiate("application/json, application/x-protobuf")).contains(MediaTypes.JSON);
    assertThat(MediaTypes.negotiate("application/json;q=0")).isEmpty();
    assertThat(MediaTypes.negotiate("application/json;q=bad")).isEmpty();
    assertThat(MediaTypes.negotiate("text/html")).isEmpty();
  }
}
