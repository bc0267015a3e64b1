package io.meso.services.runtime;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.app.json.AppStatus;
import io.meso.services.app.json.AppWriter;
import io.meso.services.placement.OfferStatistics;
import io.meso.v1.TaskState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The runtime's read-only JSON for the /v2 API: tasks (§4 of the Marathon facts, with
 * marathon-client's extra names {@code agentId} and health {@code taskId}), an app's status
 * fields (and the last autoscale decision under {@code autoscale.lastDecision}), queue items (§5). Reads {@link Services}; call on the framework's event loop.
 */
public final class RuntimeJson {

  private final Services services;
  private final java.util.function.Function<PathId, JsonObject> autoscaleDecisions;

  /** @param autoscaleDecisions an app's last autoscale decision as JSON, or null */
  RuntimeJson(Services services, java.util.function.Function<PathId, JsonObject> autoscaleDecisions) {
    this.services = services;
    this.autoscaleDecisions = autoscaleDecisions;
  }

  /** The live tasks of {@code appId}, every app's if null. */
  public JsonArray tasks(PathId appId) {
    JsonArray out = new JsonArray();
    services.instances(appId).forEach(i -> out.add(task(i)));
    return out;
  }

  /** The task with id {@code taskId}, or null. */
  public JsonObject task(String taskId) {
    return services.instanceByTask(taskId).map(RuntimeJson::task).orElse(null);
  }

  /** The live tasks in one of {@code states} (all if empty). */
  public JsonArray tasksIn(List<TaskState> states) {
    JsonArray out = new JsonArray();
    services.instances(null).stream().filter(i -> states.isEmpty() || states.contains(i.state))
        .forEach(i -> out.add(task(i)));
    return out;
  }

  /** An app with its status fields; with {@code embedTasks} also its tasks and last failure. */
  public JsonObject app(App app, boolean embedTasks, boolean embedFailure) {
    int staged = 0;
    int running = 0;
    int healthy = 0;
    int unhealthy = 0;
    for (Instance i : services.instances(app.id())) {
      if (i.state == TaskState.TASK_STAGING || i.state == TaskState.TASK_STARTING) {
        staged++;
      } else if (i.state == TaskState.TASK_RUNNING) {
        running++;
      }
      if (Boolean.TRUE.equals(i.healthy)) {
        healthy++;
      } else if (Boolean.FALSE.equals(i.healthy)) {
        unhealthy++;
      }
    }
    JsonObject failure = embedFailure
        ? services.lastFailure(app.id()).map(TaskFailure::toJson).orElse(null) : null;
    JsonObject out = AppWriter.render(app, new AppStatus(staged, running, healthy, unhealthy,
        services.deployments().deploymentsOf(app.id()), embedTasks ? tasks(app.id()) : null, failure));
    JsonObject decision = app.autoscale() == null ? null : autoscaleDecisions.apply(app.id());
    if (decision != null) {
      // Read-only, beside the policy; the app's reader ignores it when a client sends it back.
      out.getJsonObject("autoscale").put("lastDecision", decision);
    }
    return out;
  }

  /** The queue items, {@code {"queue":[..]}}. */
  public JsonObject queue(boolean embedLastUnusedOffers, Instant now) {
    JsonArray items = new JsonArray();
    for (LaunchQueue.Entry e : services.queue().entries()) {
      if (e.count <= 0) {
        continue;
      }
      Instant until = services.queue().delayedUntil(e.app, now).orElse(null);
      JsonObject item = new JsonObject()
          .put("app", AppWriter.render(e.app))
          .put("count", e.count)
          .put("role", TaskInfos.ROLE)
          .put("delay", new JsonObject()
              .put("timeLeftSeconds", until == null ? 0 : Duration.between(now, until).toSeconds())
              .put("overdue", until == null))
          .put("since", AppWriter.timestamp(e.since))
          .put("processedOffersSummary", summary(e.statistics.summary()));
      if (embedLastUnusedOffers) {
        JsonArray unused = new JsonArray();
        for (OfferStatistics.UnusedOffer u : e.statistics.lastUnusedOffers()) {
          unused.add(new JsonObject()
              .put("offer", new JsonObject().put("id", u.offer().getId().getValue())
                  .put("agentId", u.offer().getAgentId().getValue())
                  .put("hostname", u.offer().getHostname()))
              .put("reason", new JsonArray(u.reasons().stream().map(Enum::name).toList()))
              .put("timestamp", AppWriter.timestamp(u.timestamp())));
        }
        item.put("lastUnusedOffers", unused);
      }
      items.add(item);
    }
    return new JsonObject().put("queue", items);
  }

  private static JsonObject summary(OfferStatistics.ProcessedOffersSummary s) {
    JsonObject o = new JsonObject()
        .put("processedOffersCount", s.processedOffersCount())
        .put("unusedOffersCount", s.unusedOffersCount());
    s.lastUnusedOfferAt().ifPresent(t -> o.put("lastUnusedOfferAt", AppWriter.timestamp(t)));
    s.lastUsedOfferAt().ifPresent(t -> o.put("lastUsedOfferAt", AppWriter.timestamp(t)));
    return o.put("rejectSummaryLastOffers", steps(s.rejectSummaryLastOffers()))
        .put("rejectSummaryLaunchAttempt", steps(s.rejectSummaryLaunchAttempt()));
  }

  private static JsonArray steps(List<OfferStatistics.DeclinedOfferStep> steps) {
    JsonArray out = new JsonArray();
    steps.forEach(st -> out.add(new JsonObject().put("reason", st.reason().name())
        .put("declined", st.declined()).put("processed", st.processed())));
    return out;
  }

  static JsonObject task(Instance i) {
    JsonObject o = new JsonObject()
        .put("id", i.taskId.getValue())
        .put("appId", i.app.id().toString())
        .put("host", i.host)
        .put("ports", new JsonArray(i.hostPorts))
        .put("servicePorts", new JsonArray(TaskInfos.servicePorts(i.app)))
        .put("slaveId", i.agentId.getValue())
        .put("agentId", i.agentId.getValue())
        .put("state", i.state.name())
        .put("stagedAt", AppWriter.timestamp(i.stagedAt));
    if (i.startedAt != null) {
      o.put("startedAt", AppWriter.timestamp(i.startedAt));
    }
    o.put("version", AppWriter.timestamp(i.app.version()));
    o.put("ipAddresses", new JsonArray());
    if (!i.app.healthChecks().isEmpty() && i.healthy != null) {
      JsonObject h = new JsonObject().put("alive", i.healthy)
          .put("consecutiveFailures", i.consecutiveFailures)
          .put("instanceId", i.id).put("taskId", i.taskId.getValue());
      putTime(h, "firstSuccess", i.firstSuccess);
      putTime(h, "lastSuccess", i.lastSuccess);
      putTime(h, "lastFailure", i.lastFailure);
      h.put("lastFailureCause", i.lastFailureCause);
      o.put("healthCheckResults", new JsonArray().add(h));
    } else {
      o.put("healthCheckResults", new JsonArray());
    }
    return o.put("role", TaskInfos.ROLE);
  }

  private static void putTime(JsonObject o, String key, Instant t) {
    o.put(key, t == null ? null : AppWriter.timestamp(t));
  }
}
