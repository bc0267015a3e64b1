package io.meso.services.store;

import io.meso.services.app.PathId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the launch queue holds for one app: the instances waiting for an offer (null when none
 * wait) and the app's launch delay after failures (null when there is none). The offer statistics
 * of {@code /v2/queue} are not kept: they start afresh on a new leader, as offers do.
 */
public record StoredLaunches(PathId appId, Queued queued, Backoff backoff) {

  public StoredLaunches {
    Objects.requireNonNull(appId, "appId");
  }

  /** {@code count} instances of the app at {@code appVersion} wait, since {@code since}. */
  public record Queued(Instant appVersion, int count, Instant since) {
    public Queued {
      Objects.requireNonNull(appVersion, "appVersion");
      Objects.requireNonNull(since, "since");
      if (count <= 0) {
        throw new IllegalArgumentException("queued count is " + count + "; expected at least 1");
      }
    }
  }

  /**
   * The launch delay of the configuration {@code versionKey}: launches wait until
   * {@code reference + delay}.
   */
  public record Backoff(String versionKey, Instant reference, Duration delay) {
    public Backoff {
      Objects.requireNonNull(versionKey, "versionKey");
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(delay, "delay");
    }
  }
}
