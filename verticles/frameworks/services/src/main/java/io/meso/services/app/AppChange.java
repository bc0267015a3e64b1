package io.meso.services.app;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What kind of change turns one definition of an app into the next, which decides how
 * {@code versionInfo} moves and whether a deployment scales or restarts the app.
 *
 * <p>As in Marathon's {@code AppDefinition.isUpgrade}: a change of anything but {@code instances}
 * (and the version stamps) is a config change; a change of {@code instances} alone is scale-only.
 * A change of the {@code autoscale} policy (with or without {@code instances}) is scale-only too:
 * it says how many instances to run, not what they run, so no task is replaced for it.
 */
public enum AppChange {
  /** Nothing but the version stamps differ. */
  NONE,
  /** Only {@code instances} differs: a deployment scales, tasks keep running. */
  SCALE_ONLY,
  /** Anything else differs: a deployment replaces the tasks. */
  CONFIG;

  /** The kind of change from {@code before} to {@code after}. */
  public static AppChange between(App before, App after) {
    App a = before.withVersion(null, null);
    App b = after.withVersion(null, null);
    if (!a.toBuilder().instances(0).autoscale(null).build().equals(b.toBuilder().instances(0).autoscale(null).build())) {
      return CONFIG;
    }
    return a.instances() == b.instances() && java.util.Objects.equals(a.autoscale(), b.autoscale()) ? NONE : SCALE_ONLY;
  }

  /**
   * {@code after} stamped as the successor of {@code before} at {@code now}: a config change gets
   * version, lastScalingAt and lastConfigChangeAt = now; a scale-only change moves version and
   * lastScalingAt; no change keeps the old stamps. An old app with only a version counts as
   * configured at that version (Marathon's {@code VersionInfo.forNewConfig(version)}). Times are
   * cut to milliseconds, the precision the wire carries.
   */
  public static App stamp(App before, App after, Instant now) {
    now = now.truncatedTo(ChronoUnit.MILLIS);
    VersionInfo old = before.versionInfo() != null || before.version() == null
        ? before.versionInfo()
        : VersionInfo.forNewConfig(before.version());
    return switch (between(before, after)) {
      case CONFIG -> after.withVersion(now, VersionInfo.forNewConfig(now));
      case SCALE_ONLY -> after.withVersion(now,
          old == null ? VersionInfo.forNewConfig(now) : new VersionInfo(now, old.lastConfigChangeAt()));
      case NONE -> after.withVersion(before.version(), before.versionInfo());
    };
  }

  /** {@code app} restarted at {@code now}: new version and lastConfigChangeAt, same lastScalingAt. */
  public static App restarted(App app, Instant now) {
    now = now.truncatedTo(ChronoUnit.MILLIS);
    Instant scaled = app.versionInfo() != null ? app.versionInfo().lastScalingAt()
        : app.version() != null ? app.version() : now;
    return app.withVersion(now, new VersionInfo(scaled, now));
  }
}
