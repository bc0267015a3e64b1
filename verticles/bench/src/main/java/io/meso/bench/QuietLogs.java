package io.meso.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Quiets logging while a benchmark runs, unless {@code MESO_LOG_LEVEL} asks for a level: Meso's
 * loggers go to WARN (a hundred agents starting would print a few hundred INFO lines before the
 * report) and Vert.x's consumer to ERROR (tearing down a cluster with a backlog, after a time-out,
 * warns once per message dropped for an undeployed agent). {@link #close()} restores the levels.
 */
public final class QuietLogs implements AutoCloseable {

  private static final Map<String, Level> QUIET = Map.of(
      "io.meso", Level.WARN,
      "io.vertx.core.eventbus.impl.MessageConsumerImpl", Level.ERROR);

  private record Saved(Logger logger, Level level) {}

  private final List<Saved> saved;

  private QuietLogs(List<Saved> saved) {
    this.saved = saved;
  }

  /** Quiets the loggers above unless MESO_LOG_LEVEL is set or logging is not logback. */
  public static QuietLogs unlessConfigured() {
    List<Saved> saved = new ArrayList<>();
    if (System.getenv("MESO_LOG_LEVEL") == null) {
      QUIET.forEach((name, level) -> {
        if (LoggerFactory.getLogger(name) instanceof Logger logger && !logger.getEffectiveLevel().isGreaterOrEqual(level)) {
          saved.add(new Saved(logger, logger.getLevel()));
          logger.setLevel(level);
        }
      });
    }
    return new QuietLogs(saved);
  }

  @Override
  public void close() {
    saved.forEach(s -> s.logger().setLevel(s.level()));
  }
}
