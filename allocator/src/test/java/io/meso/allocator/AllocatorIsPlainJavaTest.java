package io.meso.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The allocation core is plain Java, testable and benchmarkable without an event loop: Vert.x is
 * neither on its class path nor imported by its sources (its verticle lives in verticles/master).
 */
class AllocatorIsPlainJavaTest {

  @Test
  void vertxIsNotOnTheClassPath() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("io.vertx.core.Vertx"));
  }

  @Test
  void noSourceImportsVertx() throws IOException {
    Path sources = Path.of("src/main/java");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(sources)) {
      offenders = files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> {
            try {
              return java.util.regex.Pattern.compile("^import (static )?io\\.vertx\\.", java.util.regex.Pattern.MULTILINE)
                  .matcher(Files.readString(f)).find();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .map(Path::toString)
          .toList();
    }
    assertEquals(List.of(), offenders, "allocator sources that import io.vertx");
  }
}
