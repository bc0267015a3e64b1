package io.meso.services.runtime;

import io.meso.scheduler.SchedulerClient;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliation after every (re)subscription, Mesos's recommended way: every task the framework
 * knows is asked about explicitly, with its agent (so the master answers even for a task it lost),
 * and every task the master knows for the framework implicitly (unknown ones are killed when their
 * update arrives). The master cannot answer for tasks on agents admitted before a failover that
 * have not re-registered yet: those are asked about again after {@value #FIRST_RETRY_MILLIS} ms,
 * the pause doubling up to a minute, until every one was answered (any update counts) or ended.
 * Runs on the framework's event loop.
 */
final class TaskReconciler {

  private static final Logger LOG = LoggerFactory.getLogger(TaskReconciler.class);

  static final long FIRST_RETRY_MILLIS = 2000;
  static final long MAX_RETRY_MILLIS = 60_000;

  private final Vertx vertx;
  private final Context context;
  private final SchedulerClient client;
  private final Services services;
  private final BooleanSupplier subscribed;
  /** Task ids asked about and not answered yet. */
  private final Set<String> unanswered = new HashSet<>();
  private long timer = -1;

  TaskReconciler(Vertx vertx, Context context, SchedulerClient client, Services services, BooleanSupplier subscribed) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.services = services;
    this.subscribed = subscribed;
  }

  /** The subscription is new: asks about everything. */
  void start() {
    unanswered.clear();
    List<Call.Reconcile.Task> tasks = new ArrayList<>();
    for (Instance i : services.instances(null)) {
      unanswered.add(i.taskId.getValue());
      tasks.add(task(i));
    }
    if (!tasks.isEmpty()) {
      LOG.info("reconciling {} known tasks", tasks.size());
      client.reconcile(tasks).onFailure(err -> LOG.warn("reconcile failed: {}", err.getMessage()));
    }
    client.reconcile(List.of()).onFailure(err -> LOG.warn("reconcile failed: {}", err.getMessage()));
    retryAfter(FIRST_RETRY_MILLIS);
  }

  /** An update for {@code taskId} arrived. */
  void answered(String taskId) {
    unanswered.remove(taskId);
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void retryAfter(long delay) {
    stop();
    timer = vertx.setTimer(delay, t -> context.runOnContext(v -> {
      timer = -1;
      if (!subscribed.getAsBoolean()) {
        return;
      }
      List<Call.Reconcile.Task> left = new ArrayList<>();
      for (String taskId : List.copyOf(unanswered)) {
        Instance i = services.instanceByTask(taskId).orElse(null);
        if (i == null) {
          unanswered.remove(taskId);
        } else {
          left.add(task(i));
        }
      }
      if (!left.isEmpty()) {
        LOG.info("{} tasks not reconciled yet, asking again", left.size());
        client.reconcile(left).onFailure(err -> LOG.warn("reconcile failed: {}", err.getMessage()));
        retryAfter(Math.min(MAX_RETRY_MILLIS, delay * 2));
      }
    }));
  }

  private static Call.Reconcile.Task task(Instance i) {
    return Call.Reconcile.Task.newBuilder().setTaskId(i.taskId).setAgentId(i.agentId).build();
  }
}
