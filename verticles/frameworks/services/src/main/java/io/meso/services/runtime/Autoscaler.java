package io.meso.services.runtime;

import io.meso.scheduler.ApiException;
import io.meso.scheduler.SchedulerClient;
import io.meso.services.app.App;
import io.meso.services.app.AutoscalePolicy;
import io.meso.services.app.PathId;
import io.meso.services.autoscale.AutoscaleDecision;
import io.meso.services.autoscale.CpuUtilization;
import io.meso.services.autoscale.Recommender;
import io.meso.v1.TaskState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scales the apps that have an {@link AutoscalePolicy} by their cpu load. Every interval it asks
 * the master, through the client SDK ({@link SchedulerClient#taskUsage}, the operator call a third
 * party would make, under the framework's principal), for the usage samples of each running
 * instance of those apps, turns them into utilisation ({@link CpuUtilization}), decides the count
 * ({@link Recommender}) and carries a change out as {@code PUT /v2/apps/{id} {"instances": n}} does
 * ({@link Services#update}): a scale deployment, saved before anything is launched or killed, seen
 * by the API, the events and the UI like any other. Each decision is logged and kept as the app's
 * {@code autoscale.lastDecision}.
 *
 * <p>The queries go out in parallel and nothing waits on the event loop; the next round is
 * scheduled only once this one is done, so a slow master never piles rounds up. An instance whose
 * query fails (its agent is gone or silent, the task ended) is unmeasured, which never lets its
 * app scale down. An app with 0 instances, or one a deployment is changing, is left alone for the
 * round (as Kubernetes' HPA leaves a deployment scaled to 0). Decisions and the stabilisation
 * history live in memory: a new leader starts watching afresh.
 */
final class Autoscaler {

  private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);

  private final Vertx vertx;
  private final Context context;
  private final SchedulerClient client;
  private final Services services;
  private final long intervalMillis;
  private final BooleanSupplier active;
  private final Runnable changed;
  private final Map<PathId, Recommender> recommenders = new HashMap<>();
  private final Map<PathId, AutoscaleDecision> decisions = new HashMap<>();
  /** Apps whose usage the master refused (403), warned about once until measured again. */
  private final java.util.Set<PathId> forbidden = new java.util.HashSet<>();
  private long timer = -1;
  private boolean stopped;

  /**
   * @param active true while the framework may act (it leads and has not stopped)
   * @param changed called after a round changed something, so that it is saved
   */
  Autoscaler(Vertx vertx, Context context, SchedulerClient client, Services services, long intervalMillis,
      BooleanSupplier active, Runnable changed) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.services = services;
    this.intervalMillis = intervalMillis;
    this.active = active;
    this.changed = changed;
  }

  void start() {
    context.runOnContext(v -> schedule());
  }

  void stop() {
    context.runOnContext(v -> {
      stopped = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    });
  }

  /** The last decision about {@code appId}'s count, as JSON, or null before the first. */
  JsonObject lastDecision(PathId appId) {
    AutoscaleDecision d = decisions.get(appId);
    return d == null ? null : d.toJson();
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(intervalMillis, t -> context.runOnContext(v -> round()));
    }
  }

  /** What one round measures of one app: its running instances' task ids, asked about in parallel. */
  private record Measuring(App app, List<Future<Measurement>> utilizations) {}

  /** One instance's utilisation, or why there is none ({@code value} empty). */
  private record Measurement(OptionalDouble value, String error) {}

  private void round() {
    timer = -1;
    if (stopped) {
      return;
    }
    forgetRemovedApps();
    if (!active.getAsBoolean()) {
      schedule();
      return;
    }
    List<Measuring> measuring = new ArrayList<>();
    for (App app : services.apps()) {
      if (app.autoscale() != null && app.instances() > 0 && services.deployments().deploymentsOf(app.id()).isEmpty()) {
        measuring.add(new Measuring(app, services.instances(app.id()).stream()
            .filter(i -> i.state == TaskState.TASK_RUNNING && i.meantToRun())
            .map(i -> utilization(app, i))
            .toList()));
      } else if (app.autoscale() != null) {
        decisions.put(app.id(), AutoscaleDecision.unchanged(Instant.now(), app.instances(),
            app.autoscale().targetCpuUtilization(),
            app.instances() == 0 ? "app scaled to 0 instances: autoscaling paused"
                : "a deployment is changing the app: waiting for it to finish"));
      }
    }
    List<Future<Measurement>> all = measuring.stream().flatMap(m -> m.utilizations().stream()).toList();
    Future.join(all).onComplete(ar -> context.runOnContext(v -> {
      try {
        if (!stopped && active.getAsBoolean()) {
          measuring.forEach(this::decide);
          changed.run();
        }
      } catch (RuntimeException e) {
        LOG.error("autoscale round failed", e);
      } finally {
        schedule();
      }
    }));
  }

  /** The instance's utilisation; empty when it cannot be measured (never a failed future). */
  private Future<Measurement> utilization(App app, Instance instance) {
    double lookback = intervalMillis / 1000.0;
    return client.taskUsage(instance.taskId).map(usage -> {
      double stale = Math.max(60, 5 * usage.getIntervalSeconds()) + lookback;
      OptionalDouble u = CpuUtilization.of(usage.getSamplesList(), app.cpus(), lookback, stale,
          System.currentTimeMillis() / 1000.0);
      return new Measurement(u, u.isPresent() ? null : "too few usage samples yet");
    }).otherwise(err -> {
      String why = err instanceof ApiException api ? api.code() + " " + api.getMessage() : String.valueOf(err.getMessage());
      if (err instanceof ApiException api && api.code() == ApiException.FORBIDDEN) {
        // The framework's principal lacks access_sandboxes for the task's user: a setup problem, said once per app.
        if (forbidden.add(app.id())) {
          LOG.warn("autoscale app={}: the master refuses the usage of its tasks: {}", app.id(), why);
        }
      } else {
        LOG.debug("autoscale: no usage for task={} app={}: {}", instance.taskId.getValue(), app.id(), why);
      }
      return new Measurement(OptionalDouble.empty(), why);
    });
  }

  private void decide(Measuring m) {
    // The app as it is now: it may have been changed or removed while the samples came in.
    App app = services.app(m.app().id()).orElse(null);
    if (app == null || !app.equals(m.app()) || !services.deployments().deploymentsOf(app.id()).isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    Recommender recommender = recommenders.get(app.id());
    if (recommender == null || !recommender.policy().equals(app.autoscale())) {
      recommender = new Recommender(app.autoscale(), now);
      recommenders.put(app.id(), recommender);
    }
    List<Double> utilizations = new ArrayList<>();
    String error = null;
    for (Future<Measurement> f : m.utilizations()) {
      Measurement u = f.succeeded() ? f.result() : new Measurement(OptionalDouble.empty(), String.valueOf(f.cause()));
      u.value().ifPresent(utilizations::add);
      if (u.error() != null && error == null) {
        error = u.error();
      }
    }
    if (!utilizations.isEmpty()) {
      forbidden.remove(app.id());
    }
    AutoscaleDecision d = recommender.decide(app.instances(), utilizations, now);
    if (error != null && d.missing() > 0) {
      d = d.because(d.reason() + " (unmeasured: " + error + ")");
    }
    if (d.scales()) {
      Change change = services.update(app.id(), new JsonObject().put("instances", d.desired()).encode(),
          true, false, false, now);
      if (change instanceof Change.Refused r) {
        d = d.because(d.reason() + "; scaling refused: " + r.status() + " " + r.body().encode());
        LOG.warn("autoscale app={} could not scale {} -> {}: {} {}", app.id(), d.instances(), d.desired(),
            r.status(), r.body().encode());
      } else {
        LOG.info("autoscale app={} scales {} -> {}: utilization={} target={} measured={} unmeasured={} "
            + "recommended={} ({})", app.id(), d.instances(), d.desired(), format(d.utilization()), d.target(),
            d.measured(), d.missing(), d.recommended(), d.reason());
      }
    } else {
      LOG.debug("autoscale app={} stays at {}: utilization={} target={} measured={} unmeasured={} recommended={} ({})",
          app.id(), d.instances(), format(d.utilization()), d.target(), d.measured(), d.missing(),
          d.recommended(), d.reason());
    }
    decisions.put(app.id(), d);
  }

  private void forgetRemovedApps() {
    recommenders.keySet().removeIf(id -> services.app(id).map(a -> a.autoscale() == null).orElse(true));
    decisions.keySet().removeIf(id -> services.app(id).map(a -> a.autoscale() == null).orElse(true));
    forbidden.removeIf(id -> services.app(id).isEmpty());
  }

  private static String format(double utilization) {
    return Double.isNaN(utilization) ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f", utilization);
  }
}
