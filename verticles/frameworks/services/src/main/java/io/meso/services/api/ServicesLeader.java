package io.meso.services.api;

import io.meso.services.runtime.ServicesFramework;
import java.util.function.Supplier;

/**
 * Where the /v2 API served by one HTTP server finds the services framework: beside this master
 * (it leads, and its framework has taken over), or on the leading master, to which the API
 * forwards every request ({@link LeaderProxy}). Read on every request: implementations return
 * what they know now, without blocking.
 */
public interface ServicesLeader {

  /** The framework running here and serving (loaded, not stopped), or null. */
  ServicesFramework local();

  /** The leading master's HTTP address ({@code host:port}), or null while no leader is known. */
  String leader();

  /** This server's HTTP address ({@code host:port}); null to use the address a request came in on. */
  String self();

  /** A single node: {@code framework} serves here, this server is the leader at {@code self}. */
  static ServicesLeader alone(ServicesFramework framework, Supplier<String> self) {
    return new ServicesLeader() {
      @Override
      public ServicesFramework local() {
        return framework.active() ? framework : null;
      }

      @Override
      public String leader() {
        return self.get();
      }

      @Override
      public String self() {
        return self.get();
      }
    };
  }
}
