package io.meso.api.operator;

import io.meso.proto.GetTaskUsageRequest;
import io.meso.proto.GetTaskUsageResponse;
import io.meso.v1.FrameworkID;
import io.meso.v1.ResourceStatistics;
import io.meso.v1.TaskID;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /tasks/<task id>/usage[?minutes=N][&framework_id=F]}, a Meso addition (Mesos has
 * no history of usage; its agent's {@code GET_CONTAINERS} and {@code /monitor/statistics} give
 * one sample now): one task's usage over the last minutes, oldest sample first, for the web
 * UI's usage chart.
 *
 * <p>Where the series comes from: the task's agent samples its running tasks every few seconds
 * into a bounded ring per task and keeps an ended task's ring for one window. The master keeps
 * nothing; for each request it forwards one GetTaskUsage to that one agent. So the cost is on
 * the agent that runs the task, and on the master only while someone looks.
 *
 * <p>Each sample: {@code timestamp} (seconds since the epoch), {@code cpus_user_time_secs},
 * {@code cpus_system_time_secs}, {@code cpus_limit}, {@code cpus_nr_throttled},
 * {@code mem_rss_bytes}, {@code mem_limit_bytes}, {@code disk_used_bytes} (Mesos's
 * ResourceStatistics names), and, from the sample before it, {@code cpus_used} (cpu seconds per
 * second, i.e. cores busy) and {@code cpus_utilisation} ({@code cpus_used / cpus_limit}, 1.0 = the
 * whole limit); the oldest sample kept has no predecessor and so neither field.
 *
 * <p>Answers: 200 with the series; 400 JSON naming a bad {@code minutes}; 404 JSON naming an
 * unknown task; 503 JSON when the task's agent is not reachable or no master answers. Errors are
 * {@code {"error": "...", "task_id": "..."}}.
 */
final class TaskUsageEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(TaskUsageEndpoint.class);
  /** Upper bound of {@code minutes}: an agent keeps less than this at any sane setting. */
  static final int MAX_MINUTES = 24 * 60;

  private final MasterClient master;

  TaskUsageEndpoint(MasterClient master) {
    this.master = master;
  }

  void mount(Router router) {
    router.get("/tasks/:taskId/usage").handler(this::usage);
  }

  private void usage(RoutingContext ctx) {
    String taskId = ctx.pathParam("taskId");
    if (taskId == null || taskId.isBlank()) {
      error(ctx, 400, "task id is missing; expected /tasks/<task id>/usage", "");
      return;
    }
    String rawMinutes = ctx.request().getParam("minutes");
    Integer minutes = null;
    if (rawMinutes != null && !rawMinutes.isEmpty()) {
      try {
        minutes = Integer.parseInt(rawMinutes);
      } catch (NumberFormatException e) {
        minutes = -1;
      }
      if (minutes < 1 || minutes > MAX_MINUTES) {
        error(ctx, 400, "query parameter minutes is '" + truncate(rawMinutes) + "'; expected an integer from 1 to "
            + MAX_MINUTES + " (or none: all the agent keeps)", taskId);
        return;
      }
    }
    GetTaskUsageRequest.Builder request = GetTaskUsageRequest.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue(taskId));
    String frameworkId = ctx.request().getParam("framework_id");
    if (frameworkId != null && !frameworkId.isEmpty()) {
      request.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
    }
    Integer window = minutes;
    master.as(ctx).<GetTaskUsageResponse>call("GetTaskUsage", request.build())
        .onSuccess(r -> Replies.json(ctx, 200, render(r, window, System.currentTimeMillis() / 1000.0)))
        .onFailure(e -> {
          int status = MasterClient.status(e);
          if (status >= 500) {
            LOG.info("task usage failed task_id={} status={} cause={}", taskId, status, MasterClient.message(e));
          }
          error(ctx, status, MasterClient.message(e), taskId);
        });
  }

  /** The response's JSON; only samples newer than {@code minutes} before {@code now} when given. */
  static JsonObject render(GetTaskUsageResponse r, Integer minutes, double nowSeconds) {
    List<ResourceStatistics> all = r.getSamplesList();
    double since = minutes == null ? Double.NEGATIVE_INFINITY : nowSeconds - minutes * 60.0;
    JsonArray samples = new JsonArray();
    for (int i = 0; i < all.size(); i++) {
      ResourceStatistics s = all.get(i);
      if (s.getTimestamp() < since) {
        continue;
      }
      JsonObject sample = new JsonObject()
          .put("timestamp", s.getTimestamp())
          .put("cpus_user_time_secs", s.getCpusUserTimeSecs())
          .put("cpus_system_time_secs", s.getCpusSystemTimeSecs())
          .put("cpus_nr_throttled", s.getCpusNrThrottled())
          .put("mem_rss_bytes", s.getMemRssBytes())
          .put("disk_used_bytes", s.getDiskUsedBytes());
      if (s.hasCpusLimit()) {
        sample.put("cpus_limit", s.getCpusLimit());
      }
      if (s.hasMemLimitBytes()) {
        sample.put("mem_limit_bytes", s.getMemLimitBytes());
      }
      if (i > 0) {
        ResourceStatistics p = all.get(i - 1);
        double seconds = s.getTimestamp() - p.getTimestamp();
        // Per field first: an unchanged cpu time is exactly 0, not a rounding residue of the sums.
        double cpu = (s.getCpusUserTimeSecs() - p.getCpusUserTimeSecs())
            + (s.getCpusSystemTimeSecs() - p.getCpusSystemTimeSecs());
        if (seconds > 0) {
          double used = Math.max(0, cpu / seconds);
          sample.put("cpus_used", used);
          if (s.getCpusLimit() > 0) {
            sample.put("cpus_utilisation", used / s.getCpusLimit());
          }
        }
      }
      samples.add(sample);
    }
    JsonObject out = new JsonObject()
        .put("task_id", r.getTaskId().getValue())
        .put("framework_id", r.getFrameworkId().getValue())
        .put("agent_id", r.getAgentId().getValue())
        .put("state", r.getState().name())
        .put("interval_seconds", r.getIntervalSeconds())
        .put("max_samples", r.getMaxSamples());
    if (minutes != null) {
      out.put("minutes", minutes);
    }
    return out.put("samples", samples);
  }

  private static void error(RoutingContext ctx, int status, String message, String taskId) {
    Replies.json(ctx, status, new JsonObject().put("error", message).put("task_id", taskId));
  }

  private static String truncate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
