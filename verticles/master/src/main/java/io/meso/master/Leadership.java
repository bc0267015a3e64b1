package io.meso.master;

import io.meso.codecs.Addresses;
import io.meso.ha.Registry;
import io.meso.v1.FrameworkInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master's part in high availability (io.meso.ha): taking over as leader (claiming the
 * registry and restoring the {@link MasterState} from it), stepping down, and keeping the
 * registry up to date while it leads, either fire and forget ({@link #write}, for the state's
 * {@link Effects#toRegistry}) or for an operator call that must not succeed unless stored
 * ({@link #persist}). A master that is not a standby has no registry and writes nothing.
 */
final class Leadership {

  /** The master's lines keep the category they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(MasterVerticle.class);

  private final MasterVerticle m;
  private final MasterState state;
  private Registry registry;
  private volatile long fence = -1;
  private volatile boolean leading;
  private boolean deposed;
  private Consumer<String> onDeposed = why -> { };
  private long reregisterTimeoutMillis = 10_000;
  /**
   * The value this leader last wrote (or claimed) per "section/key" of the agents and frameworks
   * sections, so that an unchanged entry is not written again: after a failover every agent
   * re-registers with the AgentInfo the registry already holds, and skipping those writes spares
   * the new leader (and the backups on the other masters) thousands of replicated writes while it
   * is busiest. Event-loop confined.
   */
  private final Map<String, byte[]> registryValues = new HashMap<>();

  Leadership(MasterVerticle master, MasterState state) {
    this.m = master;
    this.state = state;
  }

  void standby(Registry registry, Consumer<String> onDeposed) {
    this.registry = registry;
    this.onDeposed = onDeposed;
  }

  boolean isLeading() {
    return leading;
  }

  void setLeading(boolean leading) {
    this.leading = leading;
  }

  long fence() {
    return fence;
  }

  void setReregisterTimeoutMillis(long millis) {
    this.reregisterTimeoutMillis = millis;
  }

  /** See {@link MasterVerticle#lead}. Blocking: the election thread. */
  Future<Void> lead(long fence, Context context) {
    Map<String, Map<String, byte[]>> claimed = claimAll(fence, Registry.FRAMEWORKS, Registry.AGENTS,
        Reservations.REGISTRY_SECTION, Registry.ROLES, Registry.MAINTENANCE, Registry.GONE);
    Map<String, byte[]> frameworkEntries = claimed.get(Registry.FRAMEWORKS);
    Map<String, byte[]> agentEntries = claimed.get(Registry.AGENTS);
    Map<String, byte[]> reservationEntries = claimed.get(Reservations.REGISTRY_SECTION);
    Map<String, byte[]> roleEntries = claimed.get(Registry.ROLES);
    Map<String, byte[]> maintenanceEntries = claimed.get(Registry.MAINTENANCE);
    Promise<Void> led = Promise.promise();
    context.runOnContext(v -> {
      this.fence = fence;
      m.replication.lead(fence);
      // What the registry holds now: a re-registering agent whose entry is unchanged is not written again.
      registryValues.clear();
      frameworkEntries.forEach((id, value) -> registryValues.put(Registry.FRAMEWORKS + "/" + id, value));
      agentEntries.forEach((id, value) -> registryValues.put(Registry.AGENTS + "/" + id, value));
      state.agentLifecycle.restoreReservations(reservationEntries);
      // Weights, quotas and draining agents reach the allocator before any framework or agent does.
      m.policies.restore(roleEntries, maintenanceEntries, m.allocator);
      restoreFrameworks(frameworkEntries);
      m.goneAgents.restore(claimed.get(Registry.GONE));
      awaitAgents(m.goneAgents.without(agentEntries));
      m.registerLeaderConsumers().onComplete(ar -> {
        if (ar.succeeded()) {
          String address = m.options.getHostname() + ":" + m.options.getPort();
          LOG.info("leading master id={} fence={} frameworks={} agents_expected={}", state.masterId, fence,
              frameworkEntries.size(), agentEntries.size());
          m.bus.publish(Addresses.MASTER_ELECTED, address);
        }
        led.handle(ar);
      });
    });
    return led.future();
  }

  /**
   * Claims the registry sections side by side (each claim is a few blocking round trips, so one
   * after the other they delayed a failover by most of a second). Blocking: the election thread.
   */
  private Map<String, Map<String, byte[]>> claimAll(long fence, String... sections) {
    ExecutorService pool = Executors.newFixedThreadPool(sections.length, r -> {
      Thread t = new Thread(r, "meso-registry-claim");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, CompletableFuture<Map<String, byte[]>>> claiming = new LinkedHashMap<>();
      for (String section : sections) {
        claiming.put(section, CompletableFuture.supplyAsync(() -> registry.claim(fence, section), pool));
      }
      Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
      for (Map.Entry<String, CompletableFuture<Map<String, byte[]>>> e : claiming.entrySet()) {
        try {
          out.put(e.getKey(), e.getValue().join());
        } catch (CompletionException ex) {
          throw ex.getCause() instanceof RuntimeException re ? re : ex;
        }
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }

  /** See {@link MasterVerticle#stepDown}; on the master's context. */
  void stepDown(String why) {
    if (deposed) {
      return;
    }
    deposed = true;
    LOG.error("master id={} is no longer the leader (or cannot stand for election): {}", state.masterId, why);
    leading = false;
    fence = -1;
    m.state.replicaFeed.stop();
    m.unregisterLeaderConsumers();
    onDeposed.accept(why);
  }

  private void restoreFrameworks(Map<String, byte[]> entries) {
    entries.forEach((id, value) -> {
      try {
        RegistryEntries.Entry entry = RegistryEntries.decode(value);
        state.restoreFramework(id, FrameworkInfo.parseFrom(entry.message()), entry.label());
      } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
        LOG.error("skipping unreadable registry entry framework={}: {}", id, e.getMessage());
      }
    });
  }

  /**
   * Agents admitted before the failover: those not re-registered within the timeout (extended
   * while re-registrations are still arriving, see {@link AgentManager#expectReregistrations})
   * are recorded unreachable.
   */
  private void awaitAgents(Map<String, byte[]> entries) {
    if (entries.isEmpty()) {
      m.replica.clear();
      return;
    }
    state.agentLifecycle.awaitAfterFailover(entries);
    long since = System.nanoTime();
    m.agentManager.expectReregistrations(entries, reregisterTimeoutMillis, () -> {
      // What is left of the copy is of agents that did not come back in time: they re-register in full.
      m.replica.clear();
      long waited = (System.nanoTime() - since) / 1_000_000;
      for (String id : entries.keySet()) {
        state.agentLifecycle.reregistrationTimedOut(id, entries.get(id), waited);
      }
    });
  }

  /**
   * Writes the registry for an operator call that must not succeed unless it is stored: completes
   * (on this master's context) once written, or fails with a 503 CallException saying why (a
   * newer leader also makes this master step down). Succeeds at once without a registry.
   */
  Future<Void> persist(String section, String key, byte[] value, Context context) {
    if (registry == null) {
      return Future.succeededFuture();
    }
    long token = fence;
    if (!leading || token < 0) {
      return Future.failedFuture(new CallException(503, "this master is not the leader; nothing was changed"));
    }
    CompletionStage<Boolean> written;
    try {
      written = registry.put(token, section, key, value);
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    return Future.fromCompletionStage(written, context).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("registry write failed section={} key={}: {}", section, key, ar.cause().toString());
        return Future.failedFuture(new CallException(503, "the registry write of " + section + "/" + key
            + " failed (" + ar.cause().getMessage() + "); nothing was changed, retry"));
      }
      if (!ar.result()) {
        m.stepDown("a newer leader holds " + section + "/" + key + " (this master's fence " + token + ")");
        return Future.failedFuture(new CallException(503, "this master is no longer the leader (a newer leader "
            + "was elected); nothing was changed, retry on the new leader"));
      }
      return Future.succeededFuture();
    });
  }

  /** Fire and forget: writes {@code section/key} unless unchanged (agents and frameworks) or not leading. */
  void write(String section, String key, byte[] value, Context context) {
    if (registry == null || !leading) {
      return;
    }
    String cacheKey = section + "/" + key;
    boolean cached = Registry.AGENTS.equals(section) || Registry.FRAMEWORKS.equals(section);
    if (cached) {
      byte[] previous = value == null ? registryValues.remove(cacheKey) : registryValues.put(cacheKey, value);
      if (value != null && Arrays.equals(previous, value)) {
        return;
      }
    }
    long token = fence;
    registry.put(token, section, key, value).whenComplete((ok, err) -> {
      if (err != null) {
        LOG.warn("registry write failed section={} key={}: {}", section, key, err.toString());
        if (cached) {
          // Not known to be stored: the next write of this entry must not be skipped.
          context.runOnContext(v -> registryValues.remove(cacheKey, value));
        }
      } else if (!ok) {
        m.stepDown("a newer leader wrote " + section + "/" + key + " (this master's fence " + token + ")");
      }
    });
  }
}
