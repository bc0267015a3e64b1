package io.meso.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  @Test
  void createDirectorySaysWhetherTheDirectoryIsNew(@TempDir Path tmp) throws Exception {
    Path nested = tmp.resolve("a").resolve("b");
    assertThat(FileNames.createDirectory(nested)).isTrue(); // parents made too
    assertThat(Files.isDirectory(nested)).isTrue();
    assertThat(FileNames.createDirectory(nested)).isFalse();
    assertThat(FileNames.createDirectory(tmp.resolve("a").resolve("c"))).isTrue();
    Path file = Files.writeString(tmp.resolve("f"), "x");
    assertThatThrownBy(() -> FileNames.createDirectory(file)).isInstanceOf(FileAlreadyExistsException.class);
  }
}
