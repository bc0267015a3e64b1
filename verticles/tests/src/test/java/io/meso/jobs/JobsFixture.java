package io.meso.jobs;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.cli.JobsNode;
import io.meso.cluster.MesoCluster;
import io.meso.jobs.runtime.JobsOptions;
import io.meso.jobs.runtime.TaskIds;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.testkit.ManualClock;
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
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * An in-JVM master (allocation every 100 ms) and agent ({@value #RESOURCES}), the jobs
 * framework subscribed over the event bus and leading on its private fenced registry as in
 * {@code meso local} ({@link JobsNode#leadLocally}), and its /v1/scheduler API on an HTTP server on
 * 127.0.0.1, with a small client. The framework's clock is a {@link ManualClock}: tests move it
 * and call {@link #tick} to make a scheduled instant due; tasks run for real on the agent, and
 * their runs are counted from the agent's sandboxes.
 */
final class JobsFixture implements AutoCloseable {

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

  static final String RESOURCES = "cpus:4;mem:4096;disk:1000";
  /** Where the framework's clock starts: a Monday, on the hour. */
  static final Instant T0 = Instant.parse("2030-01-07T10:00:00Z");
  static final Duration RETRY_DELAY = Duration.ofSeconds(30);

  final Vertx vertx;
  final ManualClock clock;
  final JobsNode node;
  final Path workDir;
  private final HttpServer server;
  private final HttpClient client;

  private JobsFixture(Vertx vertx, ManualClock clock, JobsNode node, Path workDir, HttpServer server) {
    this.vertx = vertx;
    this.clock = clock;
    this.node = node;
    this.workDir = workDir;
    this.server = server;
    this.client = vertx.createHttpClient();
  }

  static JobsFixture start(String name) throws Exception {
    return start(name, null, io.meso.security.acl.Acls.allowAll());
  }

  /** As {@link #start(String)}, the registry's values sealed under {@code secret} (null: not sealed). */
  static JobsFixture start(String name, io.meso.security.cluster.ClusterSecret secret) throws Exception {
    return start(name, secret, io.meso.security.acl.Acls.allowAll());
  }

  /** The fixture with /v1/scheduler under {@code acls}. */
  static JobsFixture start(String name, io.meso.security.acl.Acls acls) throws Exception {
    return start(name, null, acls);
  }

  static JobsFixture start(String name, io.meso.security.cluster.ClusterSecret secret, io.meso.security.acl.Acls acls)
      throws Exception {
    Vertx vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)))
        .await(30, TimeUnit.SECONDS);
    Path workDir = Files.createTempDirectory(name);
    vertx.deployVerticle(new AgentVerticle(new AgentOptions().setHostname("127.0.0.1")
        .setWorkDir(workDir.toString()).setResources(RESOURCES))).await(30, TimeUnit.SECONDS);
    ManualClock clock = new ManualClock(T0);
    Router router = Router.router(vertx);
    AtomicReference<String> leader = new AtomicReference<>();
    JobsNode node = JobsNode.mount(vertx, router, null, leader::get, clock, new JobsOptions()
        .setRetryDelay(RETRY_DELAY).setReconcileInterval(Duration.ofSeconds(1)).setUser(""), acls);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(30, TimeUnit.SECONDS);
    leader.set("127.0.0.1:" + server.actualPort());
    io.meso.ha.LocalRegistry registry = new io.meso.ha.LocalRegistry(secret);
    vertx.deployVerticle(registry).await(30, TimeUnit.SECONDS);
    node.leadLocally(registry).await(90, TimeUnit.SECONDS);
    return new JobsFixture(vertx, clock, node, workDir, server);
  }

  int port() {
    return server.actualPort();
  }

  /** Moves the framework's clock to {@code t} and has it look at the jobs; waits for its writes. */
  void tick(Instant t) throws Exception {
    clock.set(t);
    node.framework().tickNow().await(30, TimeUnit.SECONDS);
  }

  Response get(String path) {
    return call(HttpMethod.GET, path, null);
  }

  Response post(String path, Object body) {
    return call(HttpMethod.POST, path, body);
  }

  Response put(String path) {
    return call(HttpMethod.PUT, path, null);
  }

  Response delete(String path) {
    return call(HttpMethod.DELETE, path, null);
  }

  Response call(HttpMethod method, String path, Object body) {
    return call(method, path, body, java.util.Map.of());
  }

  /** A call with extra request headers (e.g. the principal the HTTP gate would set). */
  Response call(HttpMethod method, String path, Object body, java.util.Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI(path)
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

  /** GET /job/stat/{name}'s taskStatHistory, newest first. */
  JsonArray history(String name) {
    return get("/v1/scheduler/job/stat/" + name).json().getJsonArray("taskStatHistory");
  }

  /**
   * The task ids of {@code job} that ran on the agent, read from its sandboxes
   * ({@code <workDir>/frameworks/<fw>/tasks/<task>}): what really ran, not what the framework
   * says it ran.
   */
  List<String> ranTasks(String job) throws IOException {
    List<String> out = new ArrayList<>();
    Path frameworks = workDir.resolve("frameworks");
    if (!Files.isDirectory(frameworks)) {
      return out;
    }
    try (Stream<Path> fws = Files.list(frameworks)) {
      for (Path fw : fws.toList()) {
        Path tasks = fw.resolve("tasks");
        if (!Files.isDirectory(tasks)) {
          continue;
        }
        try (Stream<Path> ts = Files.list(tasks)) {
          for (Path t : ts.toList()) {
            String id = URLDecoder.decode(t.getFileName().toString().replace("+", "%2B"), StandardCharsets.UTF_8);
            TaskIds.Parsed p = TaskIds.parse(id);
            if (p != null && p.job().equals(job)) {
              out.add(id);
            }
          }
        }
      }
    }
    return out.stream().sorted().toList();
  }

  /** What the task wrote to stdout ("" until it exists). */
  String stdout(String taskId) throws IOException {
    Path frameworks = workDir.resolve("frameworks");
    String dir = io.meso.executor.FileNames.sanitize(taskId);
    try (Stream<Path> fws = Files.list(frameworks)) {
      for (Path fw : fws.toList()) {
        Path out = fw.resolve("tasks").resolve(dir).resolve("stdout");
        if (Files.exists(out)) {
          return Files.readString(out);
        }
      }
    }
    return "";
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(60, TimeUnit.SECONDS);
  }
}
