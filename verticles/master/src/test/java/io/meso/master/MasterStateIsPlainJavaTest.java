package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The master's state and its operations are plain Java: none of their sources names Vert.x, so
 * they run (and are tested, see {@link MasterStateTest}) without an event loop; the verticle side
 * turns messages into their operations and their {@link Effects} into messages.
 */
class MasterStateIsPlainJavaTest {

  static final List<String> STATE = List.of("MasterState", "Launches", "AgentLifecycle", "Effects",
      "ReservationOperations", "MasterEvents", "CompletedHistory", "AgentRecord", "FrameworkRecord", "TaskRecord",
      "OfferRecord", "Reservations", "Tasks", "LaunchValidator", "CallException", "MasterMetrics");

  @Test
  void noStateSourceNamesVertxOrTheVerticle() throws IOException {
    for (String name : STATE) {
      String source = Files.readString(Path.of("src/main/java/io/meso/master", name + ".java"));
      assertThat(source).as(name).doesNotContain("io.vertx").doesNotContain("MasterVerticle")
          .doesNotContain("EventBus");
    }
    String commands = Files.readString(Path.of("src/main/java/io/meso/allocator/verticle/AllocatorCommands.java"));
    assertThat(commands).doesNotContain("io.vertx");
  }
}
