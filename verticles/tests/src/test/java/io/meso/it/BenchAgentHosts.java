package io.meso.it;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.agent.GatewayLink;
import io.meso.cluster.MesoCluster;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the failover and scale benchmarks' simulated agents live, in either of two modes.
 * Member mode (the default): the agents share {@code count} Hazelcast lite members in the
 * benchmark's JVM, as before. Gateway mode ({@code -Dmeso.bench.gateway=true}): every master
 * runs its agent gateway ({@code --agent-gateway-port}), the agents live on {@code count}
 * non-clustered Vert.x instances ({@code MesoCluster.startLocal}) and reach the masters through
 * the gateways of all three ({@code AgentOptions.setGateways}); the framework stays an event-bus
 * client on a lite member of its own. Both modes count the agents' registration messages, so a
 * storm of repeated (re-)registrations would show.
 */
final class BenchAgentHosts {

  /** Agents through the masters' gateways rather than as lite members. */
  static final boolean GATEWAY = Boolean.getBoolean("meso.bench.gateway");

  /** The masters' gateway ports (gateway mode), one per master, free when chosen. */
  final List<Integer> gatewayPorts = new ArrayList<>();
  /** The Vert.x instances hosting agents. */
  final List<Vertx> agentHosts = new ArrayList<>();
  /** The clustered Vert.x the framework uses (a lite member; in member mode also an agent host). */
  Vertx frameworkNode;
  /** Every Vert.x this opened, for the tear-down. */
  final List<Vertx> all = new ArrayList<>();
  /** RegisterAgent / ReregisterAgent messages the agents sent (attempts, answered or not). */
  final AtomicInteger registrations = new AtomicInteger();
  final AtomicInteger reregistrations = new AtomicInteger();
  final List<AgentVerticle> agents = new ArrayList<>();
  static final boolean DEBUG_SENT = Boolean.getBoolean("meso.bench.debugSent");
  final java.util.Map<String, AtomicInteger> sent = new java.util.concurrent.ConcurrentHashMap<>();

  BenchAgentHosts(int masters) throws IOException {
    if (GATEWAY) {
      for (int i = 0; i < masters; i++) {
        gatewayPorts.add(MesoProcess.freePort());
      }
    }
  }

  String mode() {
    return GATEWAY ? "gateway" : "member";
  }

  /** The `meso master` arguments master {@code i} needs in this mode. */
  List<String> masterArgs(int i) {
    return GATEWAY ? List.of("--agent-gateway-port", Integer.toString(gatewayPorts.get(i))) : List.of();
  }

  /** Joins the framework's lite member and starts the agents' {@code count} hosts. */
  void start(String cluster, String join, int count) throws Exception {
    if (GATEWAY) {
      List<Vertx> framework = FailoverBenchmark.joinLiteMembers(cluster, join, 1);
      all.addAll(framework);
      frameworkNode = framework.get(0);
      for (int n = 0; n < Math.max(1, count); n++) {
        Vertx local = MesoCluster.startLocal(new VertxOptions());
        all.add(local);
        agentHosts.add(local);
      }
    } else {
      List<Vertx> members = FailoverBenchmark.joinLiteMembers(cluster, join, count);
      all.addAll(members);
      agentHosts.addAll(members);
      frameworkNode = members.get(0);
    }
    for (Vertx host : agentHosts) {
      host.eventBus().addOutboundInterceptor(ctx -> {
        Object body = ctx.body();
        if (DEBUG_SENT) {
          sent.computeIfAbsent(ctx.message().address() + " " + (body == null ? "null" : body.getClass().getSimpleName()),
              k -> new AtomicInteger()).incrementAndGet();
        }
        if (body instanceof RegisterAgentMessage) {
          registrations.incrementAndGet();
        } else if (body instanceof ReregisterAgentMessage) {
          reregistrations.incrementAndGet();
        }
        ctx.next();
      });
    }
  }

  /** The agent's options in this mode (the gateways of all masters, in master order). */
  AgentOptions configure(AgentOptions options) {
    if (GATEWAY) {
      options.setGateways(gatewayPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }
    return options;
  }

  /** Deploys agent {@code i} on its host (round robin) and remembers it. */
  io.vertx.core.Future<String> deploy(int i, AgentVerticle agent) {
    agents.add(agent);
    return agentHosts.get(i % agentHosts.size()).deployVerticle(agent).compose(id -> agent.registered());
  }

  /** Gateway mode: how many agents are admitted through master {@code i}'s gateway now. */
  int connectedThrough(int master) {
    if (!GATEWAY) {
      return 0;
    }
    GatewayLink.Endpoint endpoint = new GatewayLink.Endpoint("127.0.0.1", gatewayPorts.get(master));
    int n = 0;
    for (AgentVerticle a : agents) {
      if (a.gateway() != null && endpoint.equals(a.gateway().connectedTo())) {
        n++;
      }
    }
    return n;
  }

  /** Gateway mode: each agent's admissions so far (a snapshot to compare against later). */
  int[] welcomes() {
    int[] w = new int[agents.size()];
    for (int i = 0; i < w.length; i++) {
      GatewayLink link = agents.get(i).gateway();
      w[i] = link == null ? 0 : link.welcomes();
    }
    return w;
  }

  /** "moved agents / extra admissions / not admitted now" since {@code before}, for the report. */
  String movesSince(int[] before) {
    if (!GATEWAY) {
      return "n/a (members)";
    }
    int moved = 0;
    int extra = 0;
    int unconnected = 0;
    int[] now = welcomes();
    for (int i = 0; i < now.length; i++) {
      if (now[i] > before[i]) {
        moved++;
        extra += now[i] - before[i];
      }
      if (agents.get(i).gateway().connectedTo() == null) {
        unconnected++;
      }
    }
    return moved + " agents moved gateway (" + extra + " admissions), " + unconnected + " not admitted now";
  }

  /** Stops the masters, closes every Vert.x this opened and deletes the agents' work dirs. */
  void stopAll(List<MesoProcess> masters, Path root) throws Exception {
    FailoverBenchmark.stopAll(masters, all, root);
  }

  /**
   * The leader's {@code master/tasks_running} and {@code master/tasks_lost} from {@code /metrics/snapshot}
   * on {@code httpPort}, once running reaches {@code expected} or after {@code seconds}: "running R, lost L".
   */
  static String leaderTasks(int httpPort, long expected, int seconds) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.util.regex.Pattern running = java.util.regex.Pattern.compile("\"master/tasks_running\"\\s*:\\s*([0-9.]+)");
    java.util.regex.Pattern lost = java.util.regex.Pattern.compile("\"master/tasks_lost\"\\s*:\\s*([0-9.]+)");
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    String last = "no answer";
    while (System.nanoTime() < end) {
      try {
        String body = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics/snapshot"))
            .timeout(java.time.Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher r = running.matcher(body);
        java.util.regex.Matcher l = lost.matcher(body);
        double n = r.find() ? Double.parseDouble(r.group(1)) : -1;
        last = String.format("running %.0f, lost %s", n, l.find() ? l.group(1) : "?");
        if (n >= expected) {
          return last;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    return last + " (after " + seconds + " s)";
  }

  /** CPU time (user + system) of a process so far, in seconds, from /proc (clock ticks of 10 ms). */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ": state is field 3, utime field 14 and stime field 15 (1-based): indexes 11 and 12 here
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }
}
