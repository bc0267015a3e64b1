package io.meso.services.deploy;

import io.meso.services.app.App;
import io.meso.services.deploy.Command.CheckReadiness;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which new instances of an app count as up during a start or a restart, Marathon's
 * {@code ReadinessBehavior}. An instance counts once it is both healthy and ready:
 *
 * <ul>
 *   <li>healthy: with health checks, when a check says so; without, when it is running;
 *   <li>ready: with readiness checks, when a check answers ready (checks start when the instance
 *       runs); without, when it is healthy.
 * </ul>
 *
 * Each method returns true when its fact made the instance count for the first time, the moment a
 * restart may kill one more old instance. Only facts about the app's new version are fed in.
 * {@link #count()} is asked after every fact, so the instances that count are kept as they change
 * rather than counted again (which made a deployment of n instances cost n² steps).
 */
final class ReadinessTracker {

  private final App app;
  private final boolean healthChecks;
  private final boolean readinessChecks;
  private final Set<String> healthy = new LinkedHashSet<>();
  private final Set<String> ready = new LinkedHashSet<>();
  private final Set<String> checking = new LinkedHashSet<>();
  /** The instances both healthy and ready: what {@link #count()} counts. */
  private final Set<String> up = new LinkedHashSet<>();
  private final Map<String, ReadinessCheckResult> results = new LinkedHashMap<>();

  ReadinessTracker(App app) {
    this.app = app;
    this.healthChecks = !app.healthChecks().isEmpty();
    this.readinessChecks = !app.readinessChecks().isEmpty();
  }

  /** A new instance is running. */
  boolean running(String id, List<Command> out) {
    if (readinessChecks && !ready.contains(id) && checking.add(id)) {
      out.add(new CheckReadiness(app, id));
    }
    if (healthChecks) {
      return false;
    }
    return mark(id, !readinessChecks);
  }

  /** A new instance's health checks gave a verdict. */
  boolean health(String id, boolean verdict) {
    if (!healthChecks || !verdict || healthy.contains(id)) {
      return false;
    }
    return mark(id, !readinessChecks);
  }

  /** A readiness check of a new instance answered. */
  boolean readiness(ReadinessCheckResult result) {
    results.put(result.taskId(), result);
    if (!result.ready() || ready.contains(result.taskId())) {
      return false;
    }
    boolean before = counts(result.taskId());
    ready.add(result.taskId());
    return !before && refresh(result.taskId());
  }

  /**
   * A new instance found already there when the action began (a restart picked up again): it is
   * healthy if it has no health checks or they said so; ready if the app has no readiness checks,
   * else its checks are started when it runs. Never signals.
   */
  void reconcile(InstanceStatus s, List<Command> out) {
    if (!healthChecks || Boolean.TRUE.equals(s.healthy())) {
      healthy.add(s.id());
    }
    if (!readinessChecks) {
      ready.add(s.id());
    } else if (s.condition() == InstanceStatus.Condition.RUNNING && checking.add(s.id())) {
      out.add(new CheckReadiness(app, s.id()));
    }
    refresh(s.id());
  }

  /** A new instance ended: it no longer counts. */
  void terminated(String id) {
    healthy.remove(id);
    ready.remove(id);
    checking.remove(id);
    results.remove(id);
    up.remove(id);
  }

  /** New instances both healthy and ready. */
  int count() {
    return up.size();
  }

  /** The latest readiness answer per new instance, for the deployment's JSON. */
  List<ReadinessCheckResult> results() {
    return new ArrayList<>(results.values());
  }

  /** What {@link #restore} needs to put this tracker back (the readiness answers are not kept). */
  DeploymentProgress.Readiness state() {
    return new DeploymentProgress.Readiness(List.copyOf(healthy), List.copyOf(ready), List.copyOf(checking));
  }

  /**
   * Puts back a tracker's {@link #state} on a new leader. The readiness checks that were running
   * are started again for the instances that still run and are not ready yet.
   */
  void restore(DeploymentProgress.Readiness state, InstanceView view, List<Command> out) {
    healthy.addAll(state.healthy());
    ready.addAll(state.ready());
    checking.addAll(state.checking());
    healthy.forEach(this::refresh);
    for (String id : state.checking()) {
      if (!ready.contains(id) && view.isRunning(id)) {
        out.add(new CheckReadiness(app, id));
      }
    }
  }

  private boolean counts(String id) {
    return up.contains(id);
  }

  /** Records whether {@code id} counts now (after healthy or ready changed); returns whether it does. */
  private boolean refresh(String id) {
    if (healthy.contains(id) && ready.contains(id)) {
      up.add(id);
      return true;
    }
    up.remove(id);
    return false;
  }

  private boolean mark(String id, boolean alsoReady) {
    boolean before = counts(id);
    healthy.add(id);
    if (alsoReady) {
      ready.add(id);
    }
    return !before && refresh(id);
  }
}
