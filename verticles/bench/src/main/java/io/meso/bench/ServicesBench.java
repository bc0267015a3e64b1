package io.meso.bench;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.agent.ExecutorMode;
import io.meso.api.operator.OperatorHttpApi;
import io.meso.api.server.ApiServerOptions;
import io.meso.api.server.ApiServerVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.services.api.ServicesApi;
import io.meso.services.api.ServicesLeader;
import io.meso.services.runtime.ServicesFramework;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services benchmark: in this JVM, on one non-clustered Vert.x, a master with its API server
 * on 127.0.0.1 (a free port), N agents with simulated executors whose tasks run until killed, and
 * the services framework subscribed on the event bus with its /v2 API mounted on the master's
 * port, as {@code meso local} wires them. It then drives the framework only through HTTP
 * ({@link V2Client}), listening to {@code /v2/events} throughout:
 *
 * <ol>
 *   <li><b>deploy</b>: {@code POST /v2/apps} of one app with {@code --instances} instances (one
 *       dynamic host port each, upgradeStrategy minimumHealthCapacity 0.5, maximumOverCapacity 0);
 *       done when its deployment is gone from {@code /v2/deployments} and every instance runs;
 *   <li><b>restart</b>: {@code POST /v2/apps/{id}/restart}, a rolling restart; done when its
 *       deployment is gone and every instance runs the new version.
 * </ol>
 *
 * Each phase polls every {@value #POLL_INTERVAL_MILLIS} ms (a bounded number of polls, within
 * {@code --max-seconds} from the start) and reads the master's offer counters from
 * {@code /metrics/snapshot} before and after. Blocking: call it from {@code main} or a test.
 */
public final class ServicesBench {

  private static final Logger LOG = LoggerFactory.getLogger(ServicesBench.class);

  static final String HOST = "127.0.0.1";
  /** The benchmark's app. */
  static final String APP_ID = "/bench/app";
  static final long POLL_INTERVAL_MILLIS = 50;
  /** Any one HTTP call gives up after this long. */
  static final long CALL_TIMEOUT_MILLIS = 30_000;
  private static final long CLOSE_TIMEOUT_SECONDS = 30;
  /** Events kept per instance: about 3 per task launched (STARTING, RUNNING, then KILLING or KILLED), 3 phases' worth. */
  private static final int EVENTS_PER_INSTANCE = 20;
  private static final String EVENTS_URI =
      "/v2/events?event_type=status_update_event&event_type=deployment_success&event_type=deployment_failed";

  private ServicesBench() {}

  /** A phase did not finish: why, and whether it ran out of time. */
  private static final class PhaseFailed extends Exception {
    final boolean timedOut;
    final ServicesPhase partial;

    PhaseFailed(String message, boolean timedOut, ServicesPhase partial) {
      super(message);
      this.timedOut = timedOut;
      this.partial = partial;
    }
  }

  /** Runs the benchmark of {@code options} (services mode, validated first); never throws for a slow run. */
  public static ServicesResult run(BenchOptions options) throws IOException, InterruptedException {
    if (options.getMode() != BenchMode.SERVICES) {
      throw new IllegalArgumentException("ServicesBench runs --mode services, not " + options.getMode().flag());
    }
    options.validate();
    long start = System.nanoTime();
    long deadline = start + (long) (options.getMaxSeconds() * 1e9);
    Path root = Files.createTempDirectory("meso-bench-services-");
    Vertx vertx = MesoCluster.startLocal(new VertxOptions());
    List<String> deployed = Collections.synchronizedList(new ArrayList<>());
    List<ServicesPhase> phases = new ArrayList<>();
    List<Long> phaseStarts = new ArrayList<>();
    String failure = null;
    boolean timedOut = false;
    long setupEnd = start;
    long runEnd = start;
    V2Events events = new V2Events(EVENTS_PER_INSTANCE * options.getInstances() + 1_000);
    V2Client client = null;
    try {
      ApiServerVerticle server = new ApiServerVerticle(new ApiServerOptions().setHost(HOST).setPort(0)
          // The event stream may be quiet for a while; the server must not close it as idle.
          .setIdleTimeoutMillis(Math.max(ApiServerOptions.DEFAULT_IDLE_TIMEOUT_MILLIS,
              (long) (options.getMaxSeconds() * 1000) + 60_000)));
      deployed.add(await(vertx.deployVerticle(server), deadline, "starting the API server"));
      int port = server.actualPort();
      new OperatorHttpApi(vertx, server.options().getMasterTimeoutMillis()).mount(server.router());
      MasterVerticle master = new MasterVerticle(new MasterOptions()
          .setAllocationIntervalMillis(options.allocationIntervalMillis()).setHostname(HOST).setPort(port));
      deployed.add(await(vertx.deployVerticle(master), deadline, "starting the master"));
      List<Future<String>> registered = new ArrayList<>();
      for (int i = 0; i < options.getAgents(); i++) {
        AgentVerticle agent = new AgentVerticle(agentOptions(options, i, root));
        registered.add(vertx.deployVerticle(agent).onSuccess(deployed::add).compose(id -> agent.registered()));
      }
      await(Future.all(registered), deadline, "registering " + options.getAgents() + " agents");
      // The framework keeps its state in a fenced registry, as on a master: a private one here.
      io.meso.ha.LocalRegistry registry = new io.meso.ha.LocalRegistry();
      deployed.add(await(vertx.deployVerticle(registry), deadline, "starting the services store"));
      long fence = await(registry.elected(), deadline, "electing the services store's leader");
      ServicesFramework framework = new ServicesFramework(new EventBusSchedulerClient(vertx),
          System.getProperty("user.name", "root"), new io.meso.services.store.ServicesStore(registry.registry(), fence));
      ServicesApi.mount(vertx, server.router(), ServicesLeader.alone(framework, () -> HOST + ":" + port));
      deployed.add(await(vertx.deployVerticle(framework), deadline, "starting the services framework"));
      setupEnd = System.nanoTime();
      client = new V2Client(vertx, HOST, port, CALL_TIMEOUT_MILLIS);
      client.openEvents(EVENTS_URI, events);
      for (String name : ServicesResult.PHASES) {
        phaseStarts.add(System.nanoTime());
        try {
          phases.add(phase(name, options, client, deadline));
        } catch (PhaseFailed e) {
          if (e.partial != null) {
            phases.add(e.partial);
          }
          failure = e.getMessage();
          timedOut = e.timedOut;
          break;
        }
      }
    } catch (TimeoutException e) {
      failure = e.getMessage();
      timedOut = true;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      failure = e.getMessage() == null ? e.toString() : e.getMessage();
    } finally {
      runEnd = System.nanoTime();
      events.stop();
      if (client != null) {
        client.close();
      }
      undeploy(vertx, deployed);
      try {
        vertx.close().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        LOG.warn("Vert.x did not close within {} s", CLOSE_TIMEOUT_SECONDS);
      }
      LaunchBench.deleteRecursively(root);
    }
    List<ServicesPhase> withEvents = new ArrayList<>();
    List<V2Events.Received> received = events.events();
    for (int i = 0; i < phases.size(); i++) {
      ServicesPhase p = phases.get(i);
      long from = phaseStarts.get(i);
      long to = i + 1 < phaseStarts.size() ? phaseStarts.get(i + 1) : runEnd;
      withEvents.add(new ServicesPhase(p.name(), p.deploymentId(), p.version(), p.instances(), p.answerNanos(),
          p.allRunningNanos(), p.doneNanos(), p.polls(), p.slowestPollNanos(), p.tasksRunning(), p.onVersion(),
          p.version() == null ? null
              : PhaseEvents.of(received, APP_ID, from, to, p.version(), p.deploymentId(), p.instances()),
          p.offers(), p.cpuNanos()));
    }
    return new ServicesResult(options, withEvents, failure, timedOut, events.problem(), setupEnd - start,
        runEnd - setupEnd, System.nanoTime() - start);
  }

  /** One phase: its request, then polls until done; its figures. */
  private static ServicesPhase phase(String name, BenchOptions options, V2Client client, long deadline)
      throws Exception {
    int n = options.getInstances();
    JsonObject before = metrics(client);
    long cpuBefore = processCpuNanos();
    long t0 = System.nanoTime();
    V2Client.Response answer = name.equals("deploy")
        ? client.post("/v2/apps", app(options).encode())
        : client.post("/v2/apps" + APP_ID + "/restart", "");
    long answerNanos = System.nanoTime() - t0;
    int expected = name.equals("deploy") ? 201 : 200;
    if (answer.status() != expected) {
      throw new PhaseFailed("phase " + name + ": the API answered " + answer.status() + " (expected " + expected
          + "): " + answer.body(), false, null);
    }
    String deploymentId = answer.headers().get("Marathon-Deployment-Id");
    String version = answer.json().getString("version");
    long allRunning = -1;
    long done = -1;
    int polls = 0;
    long slowestPoll = 0;
    int onVersion = -1;
    int running = 0;
    boolean gone = false;
    long maxPolls = (long) Math.ceil(options.getMaxSeconds() * 1000 / POLL_INTERVAL_MILLIS) + 1;
    while (polls < maxPolls && System.nanoTime() < deadline) {
      polls++;
      long asked = System.nanoTime();
      running = tasksRunning(client);
      long now = System.nanoTime() - t0;
      slowestPoll = Math.max(slowestPoll, System.nanoTime() - asked);
      if (running >= n && allRunning < 0 && name.equals("deploy")) {
        allRunning = now;
      }
      gone = deploymentGone(client, deploymentId);
      if (gone && running >= n) {
        onVersion = runningOnVersion(client, version);
        if (onVersion >= n) {
          done = System.nanoTime() - t0;
          break;
        }
      }
      Thread.sleep(POLL_INTERVAL_MILLIS);
    }
    ServicesPhase phase = new ServicesPhase(name, deploymentId, version, n, answerNanos, allRunning, done, polls,
        slowestPoll, running, onVersion, null, offers(before, metrics(client)), processCpuNanos() - cpuBefore);
    if (done < 0 && polls == 0) {
      throw new PhaseFailed("phase " + name + " did not finish within --max-seconds "
          + BenchOptions.trim(options.getMaxSeconds()) + ": the time was up before its first poll (deployment "
          + deploymentId + ")", true, phase);
    }
    if (done < 0) {
      throw new PhaseFailed(String.format(java.util.Locale.ROOT,
          "phase %s did not finish within --max-seconds %s (%.1f s into the phase, %d polls): at the last poll "
              + "%d of %d instances running%s, deployment %s %s", name, BenchOptions.trim(options.getMaxSeconds()),
          (System.nanoTime() - t0) / 1e9, polls, running, n,
          onVersion >= 0 ? " (" + onVersion + " of them on version " + version + ")" : "", deploymentId,
          gone ? "gone" : "still in /v2/deployments"), true, phase);
    }
    return phase;
  }

  /** The app's {@code tasksRunning} from {@code GET /v2/apps?id=} (the list: no tasks embedded). */
  private static int tasksRunning(V2Client client) throws Exception {
    V2Client.Response r = client.get("/v2/apps?id=" + APP_ID);
    expect(r, 200, "GET /v2/apps");
    for (Object o : r.json().getJsonArray("apps", new JsonArray())) {
      JsonObject app = (JsonObject) o;
      if (APP_ID.equals(app.getString("id"))) {
        return app.getInteger("tasksRunning", 0);
      }
    }
    throw new IllegalStateException("GET /v2/apps does not list " + APP_ID);
  }

  private static boolean deploymentGone(V2Client client, String deploymentId) throws Exception {
    V2Client.Response r = client.get("/v2/deployments");
    expect(r, 200, "GET /v2/deployments");
    for (Object o : r.array()) {
      if (((JsonObject) o).getString("id", "").equals(deploymentId)) {
        return false;
      }
    }
    return true;
  }

  /** The app's tasks in TASK_RUNNING at {@code version}, from {@code GET /v2/apps/{id}/tasks}. */
  private static int runningOnVersion(V2Client client, String version) throws Exception {
    V2Client.Response r = client.get("/v2/apps" + APP_ID + "/tasks");
    expect(r, 200, "GET /v2/apps" + APP_ID + "/tasks");
    int count = 0;
    for (Object o : r.json().getJsonArray("tasks", new JsonArray())) {
      JsonObject task = (JsonObject) o;
      if ("TASK_RUNNING".equals(task.getString("state")) && version.equals(task.getString("version"))) {
        count++;
      }
    }
    return count;
  }

  private static void expect(V2Client.Response r, int status, String what) {
    if (r.status() != status) {
      throw new IllegalStateException(what + " answered " + r.status() + ": " + r.body());
    }
  }

  /** The master's flat metrics ({@code GET /metrics/snapshot}), or null if it did not answer them. */
  private static JsonObject metrics(V2Client client) {
    try {
      V2Client.Response r = client.get("/metrics/snapshot");
      return r.status() == 200 ? r.json() : null;
    } catch (Exception e) {
      LOG.warn("cannot read /metrics/snapshot: {}", e.toString());
      return null;
    }
  }

  private static ServicesPhase.Offers offers(JsonObject before, JsonObject after) {
    if (before == null || after == null) {
      return null;
    }
    return new ServicesPhase.Offers(delta(before, after, "master/offers_made"),
        delta(before, after, "master/offers_declined"), delta(before, after, "master/offers_rescinded"),
        delta(before, after, "master/outstanding_offers"), delta(before, after, "master/tasks_launched"),
        delta(before, after, "allocator/mesos/allocation_runs"));
  }

  private static long delta(JsonObject before, JsonObject after, String key) {
    return Math.round(after.getDouble(key, 0.0) - before.getDouble(key, 0.0));
  }

  /**
   * The benchmark's app: {@code --instances} instances of {@code --task-cpus} and {@code --task-mem}
   * with one dynamic host port (Marathon's default), restarted with minimumHealthCapacity 0.5 and
   * maximumOverCapacity 0. No health check: an instance counts once it runs.
   */
  static JsonObject app(BenchOptions options) {
    return new JsonObject()
        .put("id", APP_ID)
        .put("cmd", "sleep 1000000")
        .put("instances", options.getInstances())
        .put("cpus", options.getTaskCpus())
        .put("mem", options.getTaskMemMb())
        .put("disk", 0)
        .put("portDefinitions", new JsonArray().add(new JsonObject().put("port", 0).put("protocol", "tcp")))
        .put("upgradeStrategy", new JsonObject()
            .put("minimumHealthCapacity", BenchOptions.SERVICES_MINIMUM_HEALTH_CAPACITY)
            .put("maximumOverCapacity", BenchOptions.SERVICES_MAXIMUM_OVER_CAPACITY));
  }

  /** Simulated agents whose tasks run until killed: past the end of any run. */
  private static AgentOptions agentOptions(BenchOptions options, int index, Path root) {
    long forever = (long) (options.getMaxSeconds() * 1000) + TimeUnit.HOURS.toMillis(1);
    return new AgentOptions()
        .setHostname("bench-agent-" + index)
        .setWorkDir(root.resolve("agent-" + index).toString())
        .setResources(options.getAgentResources())
        .setExecutorMode(ExecutorMode.SIMULATED)
        .setSimulatedTaskDurationMillis(forever)
        .setCheckpoint(false);
  }

  /** Undeploys in reverse: framework, agents, master, API server (each group within the close timeout). */
  private static void undeploy(Vertx vertx, List<String> deployed) {
    List<String> ids;
    synchronized (deployed) {
      ids = new ArrayList<>(deployed);
    }
    Collections.reverse(ids);
    for (String id : ids) {
      try {
        vertx.undeploy(id).await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("undeploying {} error={}", id, e.toString());
      }
    }
  }

  private static <T> T await(Future<T> future, long deadlineNanos, String what) throws Exception {
    long left = deadlineNanos - System.nanoTime();
    try {
      return future.await(Math.max(1, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("--max-seconds reached while " + what);
    }
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }
}
