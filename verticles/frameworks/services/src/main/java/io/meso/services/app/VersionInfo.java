package io.meso.services.app;

import java.time.Instant;

/**
 * When an app last scaled and last changed its configuration. Every change makes a new
 * {@code version}; a scale-only change moves {@code lastScalingAt}; a config change (or a restart)
 * moves {@code lastConfigChangeAt} too. Marathon's {@code state/VersionInfo.scala}.
 */
public record VersionInfo(Instant lastScalingAt, Instant lastConfigChangeAt) {

  public VersionInfo {
    if (lastScalingAt == null || lastConfigChangeAt == null) {
      throw new IllegalArgumentException("both timestamps are required");
    }
  }

  /** The version info of an app created or reconfigured at {@code now}. */
  public static VersionInfo forNewConfig(Instant now) {
    return new VersionInfo(now, now);
  }
}
