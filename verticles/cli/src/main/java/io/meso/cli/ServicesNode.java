package io.meso.cli;

import io.meso.ha.Registry;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.services.api.ServicesApi;
import io.meso.services.api.ServicesLeader;
import io.meso.services.runtime.ServicesFramework;
import io.meso.services.store.ServicesStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services framework beside a master. Every master serves the {@code /v2} API on its HTTP
 * port; only the leading master runs the framework ({@link #lead}), with its store under the
 * leader's fence; the others forward {@code /v2} to the leader. {@code meso master} leads when its
 * election says so; {@code meso local}, whose master is alone and keeps no clustered registry, leads
 * on its {@link io.meso.ha.LocalRegistry} (a loopback Hazelcast member of its own and an election on it), so
 * that its framework runs on the same store, the same way.
 */
final class ServicesNode implements ServicesLeader {

  /** The principal the built-in services framework subscribes and calls as (ACLs name it). */
  static final String PRINCIPAL = io.meso.services.runtime.ServicesFramework.PRINCIPAL;


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
    return mount(vertx, router, self, leaderAddress, io.meso.security.acl.Acls.allowAll());
  }

  /** {@link #mount(Vertx, Router, String, Supplier)} with the master's ACLs (--acls) applied to /v2. */
  static ServicesNode mount(Vertx vertx, Router router, String self, Supplier<String> leaderAddress,
      io.meso.security.acl.Acls acls) {
    ServicesNode node = new ServicesNode(vertx, self, leaderAddress);
    ServicesApi.mount(vertx, router, node, acls);
    return node;
  }

  /**
   * This master leads with {@code fence}: deploys the framework on the store in {@code registry}
   * under that fence. Completes once it has taken the stored state over and subscribed;
   * {@code onStopped} hears why if its store stops it later (a newer leader holds the store).
   */
  Future<ServicesFramework> lead(Registry registry, long fence, Consumer<String> onStopped) {
    // No framework user: an app's tasks run as its "user", else the agent's --task-user (never root by default).
    ServicesFramework f = new ServicesFramework(new EventBusSchedulerClient(vertx, PRINCIPAL), "",
        new ServicesStore(registry, fence));
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
}
