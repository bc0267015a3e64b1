package io.meso.cli;

import com.hazelcast.core.HazelcastInstance;
import io.meso.ha.Registry;
import io.meso.jobs.api.JobsApi;
import io.meso.jobs.runtime.JobsFramework;
import io.meso.jobs.runtime.JobsOptions;
import io.meso.scheduler.EventBusSchedulerClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs framework on a node: its /v1/scheduler API on the master's router (proxied to the
 * leading master while no framework is active here, or answering 503 while no leader is known), and the framework itself deployed once this node leads,
 * with the leader's fencing token ({@link #lead}), undeployed if a registry write is refused.
 *
 * <p>{@code meso local} has no clustered registry: {@link #leadLocally} gives it one, a private
 * single-member Hazelcast bound to 127.0.0.1 ({@link io.meso.ha.LocalRegistry}, shared with the services
 * framework) whose leader election yields the token. Its state lives as long as the process, like
 * the rest of {@code meso local}'s.
 */
public final class JobsNode {

  /** The principal the built-in jobs framework subscribes and calls as (ACLs name it). */
  static final String PRINCIPAL = io.meso.jobs.runtime.JobsFramework.PRINCIPAL;


  private static final Logger LOG = LoggerFactory.getLogger(JobsNode.class);

  private final Vertx vertx;
  private final Clock clock;
  private final JobsOptions options;
  private volatile JobsFramework framework;
  private volatile HazelcastInstance localMember;

  private JobsNode(Vertx vertx, Clock clock, JobsOptions options) {
    this.vertx = vertx;
    this.clock = clock;
    this.options = options;
  }

  /**
   * Mounts the jobs API on {@code router}; {@code leader} gives the leading master's HTTP address
   * (host:port) for GET /v1/scheduler/leader and the 503s of a node that does not lead.
   */
  public static JobsNode mount(Vertx vertx, Router router, Supplier<String> leader, Clock clock,
      JobsOptions options) {
    return mount(vertx, router, null, leader, clock, options);
  }

  /**
   * Mounts the jobs API on {@code router} of the master at {@code self} ({@code host:port}; null:
   * the address a request came in on). While the framework is not active here every request but
   * GET /leader is proxied to the master {@code leaderAddress} names (as Chronos's standbys do);
   * GET /leader answers this master while its framework is active here, else that address.
   */
  public static JobsNode mount(Vertx vertx, Router router, String self, Supplier<String> leaderAddress, Clock clock,
      JobsOptions options) {
    return mount(vertx, router, self, leaderAddress, clock, options, io.meso.security.acl.Acls.allowAll());
  }

  /** {@link #mount(Vertx, Router, String, Supplier, Clock, JobsOptions)} with the master's ACLs (--acls). */
  public static JobsNode mount(Vertx vertx, Router router, String self, Supplier<String> leaderAddress, Clock clock,
      JobsOptions options, io.meso.security.acl.Acls acls) {
    JobsNode node = new JobsNode(vertx, clock, options);
    Supplier<String> leader = () -> node.framework != null && self != null ? self : leaderAddress.get();
    JobsApi.mount(vertx, router, () -> node.framework, leader, () -> self, acls);
    return node;
  }

  /** The framework active here, or null. */
  public JobsFramework framework() {
    return framework;
  }

  /**
   * Deploys the framework (a client on the event bus) writing {@code registry} with
   * {@code fence}; completes once it subscribed. If a write is refused it is undeployed.
   */
  public Future<JobsFramework> lead(Registry registry, long fence) {
    return lead(registry, fence, why -> { });
  }

  /**
   * As {@link #lead(Registry, long)}; {@code onDeposed} hears why once a refused write (a newer
   * leader's fence) stopped the framework, so that {@code meso master} steps down.
   */
  public Future<JobsFramework> lead(Registry registry, long fence, java.util.function.Consumer<String> onDeposed) {
    JobsFramework f = new JobsFramework(new EventBusSchedulerClient(vertx, PRINCIPAL), registry, fence, clock, options);
    f.onDeposed(why -> {
      if (framework == f) {
        framework = null;
      }
      vertx.undeploy(f.deploymentID()).onFailure(err -> LOG.debug("undeploy of the deposed jobs framework: {}",
          err.toString()));
      onDeposed.accept(why);
    });
    return vertx.deployVerticle(f).map(id -> {
      framework = f;
      LOG.info("jobs framework active, fence {}", fence);
      return f;
    });
  }

  /**
   * For {@code meso local}: starts a private registry ({@link io.meso.ha.LocalRegistry}) and leads on it;
   * completes once the framework subscribed. Closing {@code vertx} shuts the registry down.
   */
  public Future<JobsFramework> leadLocally() {
    io.meso.ha.LocalRegistry registry = new io.meso.ha.LocalRegistry();
    return vertx.deployVerticle(registry).compose(id -> leadLocally(registry));
  }

  /** For {@code meso local}: leads on its (deployed) private registry, shared with the services framework. */
  public Future<JobsFramework> leadLocally(io.meso.ha.LocalRegistry registry) {
    localMember = registry.hazelcast();
    return registry.elected().compose(fence -> lead(registry.registry(), fence));
  }

  /** The private registry's Hazelcast member after {@link #leadLocally}, else null (tests and diagnostics). */
  public HazelcastInstance localRegistryMember() {
    return localMember;
  }
}
