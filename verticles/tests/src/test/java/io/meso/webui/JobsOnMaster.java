package io.meso.webui;

import io.meso.agent.AgentOptions;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.ha.Registry;
import io.meso.jobs.api.JobsApi;
import io.meso.jobs.runtime.JobsFramework;
import io.meso.jobs.runtime.JobsOptions;
import io.meso.master.MasterOptions;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.testkit.OnContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A leading master (elected on a loopback cluster of its own, with the web UI on its port), an
 * agent, and the jobs framework beside it as a leader runs it: on the event bus, keeping its state
 * in the registry under the master's fencing token, its /v1/scheduler API mounted on the master's
 * router, so the UI and the API share one origin as in {@code meso local}. Has a small HTTP
 * client for the API.
 */
final class JobsOnMaster implements AutoCloseable {

  /** One HTTP answer. */
  record Response(int status, String body) {
    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  final Vertx vertx;
  final Nodes.ElectedMaster master;
  final JobsFramework jobs;
  private final HttpClient http;

  private JobsOnMaster(Vertx vertx, Nodes.ElectedMaster master, JobsFramework jobs) {
    this.vertx = vertx;
    this.master = master;
    this.jobs = jobs;
    this.http = vertx.createHttpClient();
  }

  static JobsOnMaster start() throws Exception {
    Vertx vertx = MesoCluster.start(ClusterOptions.loopbackForTest()).await(60, TimeUnit.SECONDS);
    try {
      Nodes.ElectedMaster master = Nodes.deployElectedMaster(vertx,
          new MasterOptions().setAllocationIntervalMillis(100),
          new ApiServerOptions().setHost("127.0.0.1").setPort(0), why -> { }).await(60, TimeUnit.SECONDS);
      long fence = master.elected().await(60, TimeUnit.SECONDS);
      Nodes.deployAgent(vertx, new AgentOptions().setHostname("127.0.0.1")
          .setWorkDir(Files.createTempDirectory("meso-jobs-ui").toString())
          .setResources("cpus:2;mem:2048;disk:4000")).await(60, TimeUnit.SECONDS);
      JobsFramework jobs = new JobsFramework(new EventBusSchedulerClient(vertx),
          new Registry(MesoCluster.hazelcast(vertx)), fence, Clock.systemUTC(), new JobsOptions());
      AtomicReference<JobsFramework> active = new AtomicReference<>();
      String address = "127.0.0.1:" + master.master().port();
      JobsApi.mount(master.master().api().router(), active::get, () -> address);
      vertx.deployVerticle(jobs).await(60, TimeUnit.SECONDS);
      active.set(jobs);
      return new JobsOnMaster(vertx, master, jobs);
    } catch (Exception | Error e) {
      vertx.close().await(60, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The master's HTTP address: the UI at /ui/, the jobs API at /v1/scheduler. */
  String base() {
    return "http://127.0.0.1:" + master.master().port();
  }

  Response get(String path) {
    return call(HttpMethod.GET, path, null);
  }

  Response post(String path, Object body) {
    return call(HttpMethod.POST, path, body);
  }

  Response call(HttpMethod method, String path, Object body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1")
        .setPort(master.master().port()).setURI(path).putHeader("Content-Type", "application/json");
    Buffer payload = body == null ? Buffer.buffer() : Buffer.buffer(body.toString());
    try {
      return OnContext.run(vertx, () -> http.request(options)
              .compose(req -> req.send(payload))
              .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b.toString()))))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  @Override
  public void close() throws Exception {
    master.election().close();
    vertx.close().await(60, TimeUnit.SECONDS);
  }
}
