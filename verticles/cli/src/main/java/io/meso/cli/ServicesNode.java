package io.meso.cli;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.services.api.ServicesApi;
import io.meso.services.api.ServicesLeader;
import io.meso.services.runtime.ServicesFramework;
import io.meso.services.store.ServicesStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services framework beside a master. Every master serves the {@code /v2} API on its HTTP
 * port; only the leading master runs the framework ({@link #lead}), with its store under the
 * leader's fence; the others forward {@code /v2} to the leader. {@code meso master} leads when its
 * election says so; {@code meso local}, whose master is alone and keeps no registry, gets a
 * Hazelcast member of its own on loopback and an election on it ({@link #local}), so that its
 * framework runs on the same store, the same way.
 */
final class ServicesNode implements ServicesLeader {

  private static final Logger LOG = LoggerFactory.getLogger(ServicesNode.class);

  private final Vertx vertx;
  private final String self;
  private final Supplier<String> leaderAddress;
  private volatile ServicesFramework framework;

  private ServicesNode(Vertx vertx, String self, Supplier<String> leaderAddress) {
    this.vertx = vertx;
    this.self = self;
    this.leaderAddress = leaderAddress;
  }

  /**
   * Serves {@code /v2} on {@code router} for the master at {@code self} ({@code host:port});
   * {@code leaderAddress} tells where the leader is while this master does not lead.
   */
  static ServicesNode mount(Vertx vertx, Router router, String self, Supplier<String> leaderAddress) {
    ServicesNode node = new ServicesNode(vertx, self, leaderAddress);
    ServicesApi.mount(vertx, router, node);
    return node;
  }

  /**
   * This master leads with {@code fence}: deploys the framework on the store in {@code registry}
   * under that fence. Completes once it has taken the stored state over and subscribed;
   * {@code onStopped} hears why if its store stops it later (a newer leader holds the store).
   */
  Future<ServicesFramework> lead(Registry registry, long fence, Consumer<String> onStopped) {
    ServicesFramework f = new ServicesFramework(new EventBusSchedulerClient(vertx),
        System.getProperty("user.name", "root"), new ServicesStore(registry, fence));
    long began = System.nanoTime();
    return vertx.deployVerticle(f).map(id -> {
      framework = f;
      LOG.info("services framework leads fence={} framework_id={} ({} ms after election)", fence,
          f.frameworkId() == null ? null : f.frameworkId().getValue(), (System.nanoTime() - began) / 1_000_000);
      f.stopped().onSuccess(why -> {
        framework = null;
        vertx.undeploy(id);
        onStopped.accept(why);
      });
      return f;
    });
  }

  @Override
  public ServicesFramework local() {
    ServicesFramework f = framework;
    return f != null && f.active() ? f : null;
  }

  @Override
  public String leader() {
    return framework != null ? self : leaderAddress.get();
  }

  @Override
  public String self() {
    return self;
  }

  /** {@code meso local}'s services: the node, and what to close when it stops. */
  record Local(ServicesNode node, ServicesFramework framework, AutoCloseable resources) {}

  /**
   * {@code meso local}: a Hazelcast member of its own (127.0.0.1, a free port, a cluster name
   * nobody else has, nothing joins it) for the store, a leader election on it, and the framework
   * once elected. Blocks until the framework has taken over (a few seconds at most).
   */
  static Local local(Vertx vertx, Router router, String self) throws Exception {
    ClusterOptions options = new ClusterOptions().setClusterName("meso-local-" + UUID.randomUUID())
        .setHost("127.0.0.1").setPort(0);
    HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(MesoCluster.hazelcastConfig(options));
    Promise<Long> elected = Promise.promise();
    LeaderElection election = new LeaderElection(hazelcast, "meso-local", self, new LeaderElection.Listener() {
      @Override
      public void elected(long fence) {
        elected.tryComplete(fence);
      }

      @Override
      public void deposed(String why) {
        LOG.error("meso local's services election lost its lock ({}); the services framework stops", why);
      }
    }).start();
    AutoCloseable resources = () -> {
      election.close();
      hazelcast.getLifecycleService().terminate();
    };
    try {
      ServicesNode node = mount(vertx, router, self, () -> self);
      ServicesFramework f = elected.future()
          .compose(fence -> node.lead(new Registry(hazelcast), fence,
              why -> LOG.error("meso local's services framework stopped: {}", why)))
          .toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
      return new Local(node, f, resources);
    } catch (Exception e) {
      resources.close();
      throw e;
    }
  }
}
