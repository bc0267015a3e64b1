package io.meso.api.http;

import java.util.Optional;

/**
 * Where scheduler HTTP calls should go when this master is not the leader. The hook for high
 * availability: a standby master answers {@code 307 Temporary Redirect} with {@code Location}
 * set to the leader's base URL plus the request path, as Mesos does.
 *
 * <p>{@link #SELF} (the default) serves every call here; when no master leads, the call finds
 * no consumer on the event bus and the client gets 503.
 */
@FunctionalInterface
public interface LeaderLookup {

  /** Serve here: this master leads, or leadership is decided elsewhere (the event bus). */
  LeaderLookup SELF = Optional::empty;

  /**
   * The leader's base URL (for example {@code http://10.0.0.5:5050}) when this master is a
   * standby that knows the leader; empty to serve the call here.
   */
  Optional<String> redirectTo();
}
