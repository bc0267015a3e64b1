package io.meso.ha;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private fenced registry for a process whose master is alone and keeps no clustered registry
 * ({@code meso local}, the services benchmark, tests of the built-in frameworks): a one-member Hazelcast bound to 127.0.0.1 (a free port, a cluster name nobody else
 * has, nothing joins it) and a leader election on it that yields the fencing token the built-in
 * frameworks write with, exactly as on masters. It lives as long as it is deployed (closing the
 * Vert.x shuts it down), and so does what is stored in it, like the rest of {@code meso local}'s
 * state.
 */
public final class LocalRegistry extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRegistry.class);

  private final Promise<Long> elected = Promise.promise();
  /** Seals the registry's values when set (tests of the built-in frameworks' stores under a secret). */
  private final io.meso.security.cluster.ClusterSecret secret;

  private volatile HazelcastInstance hazelcast;
  private volatile LeaderElection election;

  /** A private registry whose values are not sealed ({@code meso local}: nothing else joins it). */
  public LocalRegistry() {
    this(null);
  }

  /** A private registry whose values are sealed under {@code secret} (null: not sealed), as masters' are. */
  public LocalRegistry(io.meso.security.cluster.ClusterSecret secret) {
    this.secret = secret;
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> {
      ClusterOptions options = new ClusterOptions().setClusterName("meso-local-" + UUID.randomUUID())
          .setHost("127.0.0.1").setPort(0).setClusterSecret(secret);
      hazelcast = Hazelcast.newHazelcastInstance(MesoCluster.hazelcastConfig(options));
      election = new LeaderElection(hazelcast, "meso-local", "local", new LeaderElection.Listener() {
        @Override
        public void elected(long fence) {
          elected.tryComplete(fence);
        }

        @Override
        public void deposed(String why) {
          elected.tryFail(why);
          LOG.warn("the local registry lost its leadership: {}", why);
        }
      }).start();
      return null;
    }, false);
  }

  /** The fencing token once the election is won. */
  public Future<Long> elected() {
    return elected.future();
  }

  /** The registry (once started). */
  public Registry registry() {
    return new Registry(hazelcast);
  }

  /** The Hazelcast member (once started; tests and diagnostics). */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      if (election != null) {
        election.close();
      }
      if (hazelcast != null) {
        hazelcast.getLifecycleService().terminate();
      }
      return null;
    }, false);
  }
}
