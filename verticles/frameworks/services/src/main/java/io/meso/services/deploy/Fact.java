package io.meso.services.deploy;

import io.meso.services.app.PathId;
import java.time.Instant;
import java.util.Objects;

/** Something the runtime saw happen that a running deployment may be waiting for. */
public sealed interface Fact {

  /** The app the fact is about. */
  PathId appId();

  /**
   * An instance was created (launched or queued) or changed its condition. The runtime reports
   * every instance of an app this way, also the ones it reported in the snapshot a deployment
   * started from when they change later; a terminal condition ends the instance. Report an
   * instance at least once before its end (SCHEDULED or STAGING will do): an end of an instance
   * never seen is ignored, which keeps a repeated end report from causing a second replacement.
   */
  record InstanceChanged(InstanceStatus instance) implements Fact {
    public InstanceChanged {
      Objects.requireNonNull(instance, "instance");
    }

    @Override
    public PathId appId() {
      return instance.appId();
    }
  }

  /** The health checks of an instance changed their verdict. */
  record HealthChanged(PathId appId, String instanceId, Instant version, boolean healthy) implements Fact {}

  /** A readiness check of a new instance answered (ready or not). */
  record ReadinessChanged(PathId appId, Instant version, ReadinessCheckResult result) implements Fact {}
}
