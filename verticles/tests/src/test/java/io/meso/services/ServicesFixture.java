package io.meso.services;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.meso.cluster.ClusterOptions;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
import io.meso.services.api.ServicesLeader;
import io.meso.services.store.ServicesStore;
import java.util.ArrayList;
import java.util.List;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.services.api.ServicesApi;
import io.meso.services.runtime.ServicesFramework;
import io.meso.testkit.OnContext;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * An in-JVM master (allocation every 100 ms) and agent ({@value #RESOURCES}, hostname
 * {@value #HOST}, so tasks' ports can be reached by the test), the services
 * framework subscribed over the event bus, its store in a Hazelcast member of the fixture's own
 * (loopback, a unique cluster name) under a real leader election, and its /v2 API on an HTTP
 * server on 127.0.0.1, with a small client for it. {@link #takeOver} plays a new leader: another
 * election, and a new framework on the same store. {@link Tuning} makes the agents' usage sampling
 * and the frameworks' autoscaling quick. Client calls start on one Vert.x context
 * ({@link OnContext}).
 */
final class ServicesFixture implements AutoCloseable {

  /** One HTTP answer. */
  record Response(int status, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonArray array() {
      return new JsonArray(body);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  static final String HOST = "127.0.0.1";
  static final String RESOURCES = "cpus:4;mem:4096;disk:1000;ports:[31000-31100]";

  final Vertx vertx;
  /** The framework the API serves (the latest leader's). */
  volatile ServicesFramework framework;
  final HazelcastInstance hazelcast;
  final Registry registry;
  private final List<LeaderElection> elections = new ArrayList<>();
  private final java.util.Map<ServicesFramework, String> deployments = new java.util.concurrent.ConcurrentHashMap<>();
  /** The deployment id of the agent the fixture started with. */
  final String agentDeployment;
  private HttpServer server;
  private final HttpClient client;

  /** The frameworks' autoscale interval; null: their default. */
  private final java.time.Duration autoscaleInterval;
  /** The agents' usage sampling interval. */
  private final long usageIntervalMillis;

  private ServicesFixture(Vertx vertx, HazelcastInstance hazelcast, String agentDeployment,
      io.meso.security.acl.Acls acls, Tuning tuning) throws Exception {
    this.autoscaleInterval = tuning.autoscaleInterval();
    this.usageIntervalMillis = tuning.usageIntervalMillis();
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.registry = new Registry(hazelcast);
    this.agentDeployment = agentDeployment;
    this.framework = startFramework(elect("first"));
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
    ServicesApi.mount(vertx, router, new ServicesLeader() {
      @Override
      public ServicesFramework local() {
        ServicesFramework f = framework;
        return f.active() ? f : null;
      }

      @Override
      public String leader() {
        return self();
      }

      @Override
      public String self() {
        return server == null ? null : "127.0.0.1:" + server.actualPort();
      }
    }, acls);
    this.server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    this.client = vertx.createHttpClient();
  }

  /** Stands a new candidate for election and waits until it leads (the one before must have stood down). */
  long elect(String name) throws Exception {
    java.util.concurrent.CompletableFuture<Long> fence = new java.util.concurrent.CompletableFuture<>();
    LeaderElection election = new LeaderElection(hazelcast, name, "127.0.0.1:0", new LeaderElection.Listener() {
      @Override
      public void elected(long f) {
        fence.complete(f);
      }

      @Override
      public void deposed(String why) {}
    });
    elections.add(election);
    election.start();
    return fence.get(60, TimeUnit.SECONDS);
  }

  /** The current leader stands down without telling its framework (as a frozen leader would); another is elected. */
  long electAnother(String name) throws Exception {
    elections.get(elections.size() - 1).close();
    return elect(name);
  }

  /** Deploys a framework on the store under {@code fence} (it takes over what the store holds). */
  ServicesFramework startFramework(long fence) throws Exception {
    ServicesFramework f = new ServicesFramework(new EventBusSchedulerClient(vertx), "",
        new ServicesStore(registry, fence));
    if (autoscaleInterval != null) {
      f.autoscaleInterval(autoscaleInterval);
    }
    deployments.put(f, vertx.deployVerticle(f).await(60, TimeUnit.SECONDS));
    return f;
  }

  /**
   * A new leader takes over: the current framework dies without a word (undeployed: its
   * subscription closes, its tasks run on), another leader is elected and its framework takes the
   * store over and serves the API. Returns the new framework.
   */
  ServicesFramework takeOver(String name) throws Exception {
    vertx.undeploy(deploymentOf(framework)).await(30, TimeUnit.SECONDS);
    framework = startFramework(electAnother(name));
    return framework;
  }

  private String deploymentOf(ServicesFramework f) {
    return deployments.get(f);
  }

  static ServicesFixture start(String name) throws Exception {
    return start(name, new MasterOptions().setAllocationIntervalMillis(100));
  }

  /** The fixture with a master of these options. */
  static ServicesFixture start(String name, MasterOptions master) throws Exception {
    return start(name, master, io.meso.security.acl.Acls.allowAll());
  }

  /** The fixture with a master of these options and /v2 under {@code acls}. */
  static ServicesFixture start(String name, MasterOptions master, io.meso.security.acl.Acls acls) throws Exception {
    return start(name, master, acls, Tuning.DEFAULT);
  }

  /**
   * How often the agents sample their tasks' usage and the frameworks evaluate their autoscale
   * policies (null: the framework's default), for tests that need both to be quick.
   */
  record Tuning(long usageIntervalMillis, java.time.Duration autoscaleInterval) {
    static final Tuning DEFAULT = new Tuning(AgentOptions.DEFAULT_USAGE_INTERVAL_MILLIS, null);
  }

  /** The fixture with quick usage sampling and autoscaling ({@link Tuning}). */
  static ServicesFixture start(String name, Tuning tuning) throws Exception {
    return start(name, new MasterOptions().setAllocationIntervalMillis(100), io.meso.security.acl.Acls.allowAll(), tuning);
  }

  /** The fixture with a master of these options, /v2 under {@code acls}, and {@link Tuning}. */
  static ServicesFixture start(String name, MasterOptions master, io.meso.security.acl.Acls acls,
      Tuning tuning) throws Exception {
    Vertx vertx = MesoCluster.startLocal(new VertxOptions());
    HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(
        MesoCluster.hazelcastConfig(ClusterOptions.loopbackForTest()));
    try {
      vertx.deployVerticle(new MasterVerticle(master)).await(30, TimeUnit.SECONDS);
      String agent = deployAgent(vertx, name, tuning.usageIntervalMillis());
      return new ServicesFixture(vertx, hazelcast, agent, acls, tuning);
    } catch (Exception | Error e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      hazelcast.getLifecycleService().terminate();
      throw e;
    }
  }

  /** The port the /v2 API listens on (127.0.0.1). */
  int port() {
    return server.actualPort();
  }

  /** Deploys one more agent ({@link #RESOURCES}, hostname {@link #HOST}); returns its deployment id. */
  String deployAgent(String name) throws Exception {
    return deployAgent(vertx, name, usageIntervalMillis);
  }

  private static String deployAgent(Vertx vertx, String name, long usageIntervalMillis) throws Exception {
    return vertx.deployVerticle(new AgentVerticle(new AgentOptions().setHostname(HOST)
        .setWorkDir(Files.createTempDirectory(name).toString()).setResources(RESOURCES)
        .setUsageIntervalMillis(usageIntervalMillis)))
        .await(30, TimeUnit.SECONDS);
  }

  Response get(String path) {
    return call(HttpMethod.GET, path, null);
  }

  Response post(String path, Object body) {
    return call(HttpMethod.POST, path, body);
  }

  Response put(String path, Object body) {
    return call(HttpMethod.PUT, path, body);
  }

  Response patch(String path, Object body) {
    return call(HttpMethod.PATCH, path, body);
  }

  Response delete(String path) {
    return call(HttpMethod.DELETE, path, null);
  }

  Response call(HttpMethod method, String path, Object body) {
    return callAt(server.actualPort(), method, path, body, java.util.Map.of());
  }

  /** A call to another server on 127.0.0.1 ({@code port}), with extra request headers. */
  Response callAt(int port, HttpMethod method, String path, Object body, java.util.Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1")
        .setPort(port).setURI(path)
        .putHeader("Accept", "application/json").putHeader("Content-Type", "application/json");
    headers.forEach(options::addHeader);
    Buffer payload = body == null ? Buffer.buffer() : Buffer.buffer(body.toString());
    try {
      return OnContext.run(vertx, () -> client.request(options)
              .compose(req -> req.send(payload))
              .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b.toString()))))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  /**
   * Opens {@code GET path} as an event stream with {@code accept}; returns its status and appends
   * everything it receives to {@code received}.
   */
  int openStream(String path, String accept, StringBuffer received) {
    return openStreamAt(server.actualPort(), path, accept, received);
  }

  /** {@link #openStream} on another server on 127.0.0.1. */
  int openStreamAt(int port, String path, String accept, StringBuffer received) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(port).setURI(path).putHeader("Accept", accept);
    try {
      return OnContext.run(vertx, () -> client.request(options).compose(req -> req.send()).map(resp -> {
        resp.handler(b -> received.append(b.toString()));
        return resp.statusCode();
      })).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("GET " + path + " failed", e);
    }
  }

  /** The app's JSON from GET /v2/apps/{id}. */
  JsonObject app(String id) {
    return get("/v2/apps" + id).json().getJsonObject("app");
  }

  /** The app's live tasks. */
  JsonArray tasks(String id) {
    return get("/v2/apps" + id + "/tasks").json().getJsonArray("tasks");
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } finally {
      elections.forEach(LeaderElection::close);
      hazelcast.getLifecycleService().terminate();
    }
  }
}
