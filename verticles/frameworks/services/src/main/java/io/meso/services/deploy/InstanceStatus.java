package io.meso.services.deploy;

import io.meso.services.app.PathId;
import io.meso.services.placement.KillSelection;
import java.time.Instant;
import java.util.Objects;

/**
 * What the runtime knows about one instance of an app, as a deployment needs it: which app version
 * it runs, how far it is in its life, and since when; whether it passes its health checks.
 *
 * @param id the instance id
 * @param appId its app
 * @param version the app version it was launched with
 * @param condition where it is in its life
 * @param since when it entered {@code condition} (staged, started, became running); may be null
 * @param healthy the verdict of its health checks, null while unknown or when the app has none
 */
public record InstanceStatus(String id, PathId appId, Instant version, Condition condition,
    Instant since, Boolean healthy) {

  /** Where an instance is in its life (Marathon's {@code core/condition/Condition}, folded). */
  public enum Condition {
    /** Queued by the runtime, not launched yet. */
    SCHEDULED,
    STAGING,
    STARTING,
    RUNNING,
    /** Asked to die, not dead yet. */
    KILLING,
    /** Its agent is out of touch; it may come back. */
    UNREACHABLE,
    /** Ended by itself successfully. */
    FINISHED,
    /** Ended by itself with an error, or lost. */
    FAILED,
    /** Ended because it was killed. */
    KILLED,
    /** Its agent is gone for good. */
    GONE;

    /** True once the instance can never run again. */
    public boolean terminal() {
      return this == FINISHED || this == FAILED || this == KILLED || this == GONE;
    }
  }

  public InstanceStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(condition, "condition");
  }

  /** This instance with another condition since {@code since}. */
  public InstanceStatus with(Condition next, Instant at) {
    return new InstanceStatus(id, appId, version, next, at, healthy);
  }

  /** This instance with another health verdict. */
  public InstanceStatus withHealthy(Boolean verdict) {
    return new InstanceStatus(id, appId, version, condition, since, verdict);
  }

  /**
   * Marathon's {@code Instance.consideredHealthy}: without health checks every instance counts as
   * healthy; with them only one whose checks said so.
   */
  boolean consideredHealthy(boolean appHasHealthChecks) {
    return !appHasHealthChecks || Boolean.TRUE.equals(healthy);
  }

  /** This instance as a scale-down candidate for {@link KillSelection}. */
  KillSelection.Candidate candidate() {
    KillSelection.Condition c = switch (condition) {
      case UNREACHABLE -> KillSelection.Condition.UNREACHABLE;
      case STAGING -> KillSelection.Condition.STAGING;
      case STARTING -> KillSelection.Condition.STARTING;
      case RUNNING -> KillSelection.Condition.RUNNING;
      default -> KillSelection.Condition.OTHER;
    };
    return KillSelection.Candidate.of(id, c, since);
  }
}
