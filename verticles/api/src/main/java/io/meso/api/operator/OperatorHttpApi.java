package io.meso.api.operator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * The master's operator HTTP API, mounted on the API server's router (beside the web UI, which
 * reads it): the v0 state documents ({@link StateEndpoints}), the paged task list ({@link TasksEndpoint}), the v1 operator calls
 * ({@link OperatorCalls}), the sandbox files ({@link SandboxFiles}), a task's usage over time
 * ({@link TaskUsageEndpoint}) and what monitoring reads
 * ({@link HealthAndMetrics}). Everything goes to the master over the event bus; nothing here
 * holds cluster state.
 */
public final class OperatorHttpApi {

  private final Vertx vertx;
  private final MasterClient master;
  private final Supplier<Future<Boolean>> leading;
  private io.meso.security.acl.Acls acls = io.meso.security.acl.Acls.allowAll();

  /**
   * @param leading answers whether this node's master leads (or knows the leader); the HA
   *     work plugs its LeaderState in here. {@link #masterAnswers} is the single-master default.
   */
  public OperatorHttpApi(Vertx vertx, long timeoutMillis, Supplier<Future<Boolean>> leading) {
    this.vertx = vertx;
    this.master = new MasterClient(new io.meso.codecs.MasterRequests(vertx), timeoutMillis);
    this.leading = leading == null ? this::masterAnswers : leading;
  }

  public OperatorHttpApi(Vertx vertx, long timeoutMillis) {
    this(vertx, timeoutMillis, null);
  }

  /** Ready when a master answers on {@code Addresses.OPERATOR}: a single master is its own leader. */
  public Future<Boolean> masterAnswers() {
    return master.metrics().map(m -> true).recover(e -> Future.succeededFuture(false));
  }

  /**
   * The master's ACLs, for the SUBSCRIBE stream: its initial state is filtered by the master, each
   * later event here (see {@link io.meso.security.acl.EventView}). Set before {@link #mount}.
   */
  public OperatorHttpApi acls(io.meso.security.acl.Acls acls) {
    this.acls = acls == null ? io.meso.security.acl.Acls.allowAll() : acls;
    return this;
  }

  /** Adds every operator route to the router. */
  public OperatorHttpApi mount(Router router) {
    new StateEndpoints(master).mount(router);
    new TasksEndpoint(master).mount(router);
    new OperatorCalls(vertx, master, acls).mount(router);
    new SandboxFiles(master).mount(router);
    new TaskUsageEndpoint(master).mount(router);
    new HealthAndMetrics(vertx, master, leading).mount(router);
    return this;
  }
}
