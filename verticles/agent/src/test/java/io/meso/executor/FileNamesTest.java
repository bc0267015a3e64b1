package io.meso.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileNamesTest {

  @ParameterizedTest
  @CsvSource({
      "web-1.2_a, web-1.2_a",
      "a/b, a%2Fb",
      "a_b, a_b",
      "., %2E",
      ".., %2E%2E",
      "..., %2E%2E%2E",
      "../x, ..%2Fx",
      "'a b', a%20b",
      "é, %C3%A9",
      "a%2Fb, a%252Fb"})
  void idsBecomeSafeSinglePathSegments(String id, String expected) {
    assertThat(FileNames.sanitize(id)).isEqualTo(expected);
  }

  @Test
  void emptyIdsAreRefused() {
    assertThatThrownBy(() -> FileNames.sanitize("")).hasMessageContaining("empty");
  }
}
