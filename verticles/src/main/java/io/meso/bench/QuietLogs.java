package io.meso.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises Meso's loggers to WARN while a benchmark runs (a hundred agents starting would
 * otherwise print a few hundred INFO lines before the report), unless {@code MESO_LOG_LEVEL}
 * asks for a level. {@link #close()} restores the previous level.
 */
public final class QuietLogs implements AutoCloseable {

  private final Logger logger;
  private final Level previous;

  private QuietLogs(Logger logger, Level previous) {
    this.logger = logger;
    this.previous = previous;
  }

  /** Quiets {@code io.meso} unless MESO_LOG_LEVEL is set or logging is not logback. */
  public static QuietLogs unlessConfigured() {
    if (System.getenv("MESO_LOG_LEVEL") != null
        || !(LoggerFactory.getLogger("io.meso") instanceof Logger logger)) {
      return new QuietLogs(null, null);
    }
    Level previous = logger.getLevel();
    if (logger.getEffectiveLevel().isGreaterOrEqual(Level.WARN)) {
      return new QuietLogs(null, null);
    }
    logger.setLevel(Level.WARN);
    return new QuietLogs(logger, previous);
  }

  @Override
  public void close() {
    if (logger != null) {
      logger.setLevel(previous);
    }
  }
}
