package io.meso.services.runtime;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import io.meso.services.app.json.AppUpdates;
import io.meso.services.app.json.Rejection;
import io.meso.services.app.json.UpdateResult;
import io.meso.services.deploy.Cancellation;
import io.meso.services.deploy.Command;
import io.meso.services.deploy.Deployment;
import io.meso.services.deploy.DeploymentEvents;
import io.meso.services.deploy.DeploymentPlan;
import io.meso.services.deploy.DeploymentProgress;
import io.meso.services.deploy.DeploymentRegistry;
import io.meso.services.deploy.Fact;
import io.meso.services.deploy.InstanceStatus;
import io.meso.services.deploy.Outcome;
import io.meso.services.deploy.ReadinessCheckResult;
import io.meso.services.deploy.Submission;
import io.meso.services.placement.AgentFacts;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps, their stored versions, live instances, launch queue and deployments of the services
 * framework, and every change to them: the /v2 API's changes become deployments
 * ({@link DeploymentRegistry}), whose commands are carried out here; task facts from the framework
 * feed the deployments and restart instances that died outside one. What needs the master goes
 * out through {@link Effects}. Not thread-safe: the framework's event loop owns it.
 */
public final class Services {

  private static final Logger LOG = LoggerFactory.getLogger(Services.class);

  /** What the services ask of the framework. */
  interface Effects {
    /** Publish an event on {@code /v2/events}. */
    void publish(io.vertx.core.json.JsonObject event);

    /** Run {@code action} on the event loop after {@code delay}. */
    void after(java.time.Duration delay, Runnable action);

    /** Kill the task of {@code instance}. */
    void kill(Instance instance);

    /** Instances wait for offers: make sure offers come. */
    void offersWanted();

    /** Waiting launches are held back until {@code at}: ask for offers again then. */
    void offersWantedAt(Instant at);

    /**
     * Run the readiness check of {@code app} against {@code instance}, reporting each answer on the
     * event loop, while {@code wanted} holds.
     */
    void checkReadiness(App app, Instance instance, java.util.function.Consumer<ReadinessCheckResult> report,
        java.util.function.BooleanSupplier wanted);
  }

  private final Effects effects;
  private final Map<PathId, App> apps = new LinkedHashMap<>();
  private final Map<PathId, TreeMap<Instant, App>> versions = new LinkedHashMap<>();
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final Map<PathId, TaskFailure> lastFailures = new LinkedHashMap<>();
  private final LaunchQueue queue = new LaunchQueue();
  private final DeploymentRegistry deployments = new DeploymentRegistry();
  /** What changed since the framework last saved ({@link #drainChanges}). */
  private final Set<String> changedInstances = new LinkedHashSet<>();
  private final Set<PathId> changedApps = new LinkedHashSet<>();
  private final Set<String> changedDeployments = new LinkedHashSet<>();

  Services(Effects effects) {
    this.effects = effects;
  }

  // ---- reading ----

  /** Every app, by id order of creation. */
  public List<App> apps() {
    return List.copyOf(apps.values());
  }

  public Optional<App> app(PathId id) {
    return Optional.ofNullable(apps.get(id));
  }

  /** The stored versions of an app, oldest first; empty if there is no such app. */
  public List<Instant> versions(PathId id) {
    TreeMap<Instant, App> v = versions.get(id);
    return v == null || !apps.containsKey(id) ? List.of() : List.copyOf(v.keySet());
  }

  public Optional<App> version(PathId id, Instant version) {
    TreeMap<Instant, App> v = versions.get(id);
    return v == null || !apps.containsKey(id) ? Optional.empty() : Optional.ofNullable(v.get(version));
  }

  /** The live instances of {@code appId} (every app if null). */
  List<Instance> instances(PathId appId) {
    return instances.values().stream().filter(i -> appId == null || i.app.id().equals(appId)).toList();
  }

  Optional<Instance> instanceByTask(String taskId) {
    String instanceId = TaskIds.instanceIdOf(taskId);
    Instance i = instanceId == null ? null : instances.get(instanceId);
    return i != null && i.taskId.getValue().equals(taskId) ? Optional.of(i) : Optional.empty();
  }

  Optional<TaskFailure> lastFailure(PathId appId) {
    return Optional.ofNullable(lastFailures.get(appId));
  }

  public DeploymentRegistry deployments() {
    return deployments;
  }

  LaunchQueue queue() {
    return queue;
  }

  // ---- saving, and taking over from the leader before (see Persistence) ----

  /** Ids of what changed since the last call, to save: instances, apps, deployments, launch queues. */
  record Changes(Set<String> instances, Set<PathId> apps, Set<String> deployments,
      Set<PathId> launches) {
    boolean isEmpty() {
      return instances.isEmpty() && apps.isEmpty() && deployments.isEmpty() && launches.isEmpty();
    }
  }

  Changes drainChanges() {
    Changes c = new Changes(Set.copyOf(changedInstances), Set.copyOf(changedApps),
        Set.copyOf(changedDeployments), queue.drainChanged());
    changedInstances.clear();
    changedApps.clear();
    changedDeployments.clear();
    return c;
  }

  /** The live instance with this id, or null. */
  Instance instance(String instanceId) {
    return instances.get(instanceId);
  }

  /** Every stored version of an app, oldest first (the current one included). */
  List<App> storedVersions(PathId id) {
    TreeMap<Instant, App> v = versions.get(id);
    return v == null ? List.of() : List.copyOf(v.values());
  }

  /** Puts back an app and its versions as the leader before stored them. */
  void restoreApp(App current, List<App> all) {
    apps.put(current.id(), current);
    TreeMap<Instant, App> v = versions.computeIfAbsent(current.id(), k -> new TreeMap<>());
    all.forEach(a -> v.put(a.version(), a));
    v.put(current.version(), current);
  }

  /**
   * Puts back an instance as the leader before stored it; an unreachable one is given the app's
   * unreachableStrategy again, counted from now.
   */
  void restoreInstance(Instance instance) {
    instances.put(instance.id, instance);
    if (instance.condition() == InstanceStatus.Condition.UNREACHABLE && !instance.inactive) {
      unreachable(instance);
    }
  }

  /**
   * Takes up a stored deployment where the leader before left it (instances restored first) and
   * carries out what that asks for now.
   */
  void resumeDeployment(DeploymentPlan plan, DeploymentProgress progress) {
    List<Command> out = new ArrayList<>();
    Deployment d = Deployment.resume(plan, progress, statuses(), out);
    deployments.adopt(d);
    changedDeployments.add(d.id());
    run(new Outcome(d, out));
  }

  /** After taking over: queues what an app without a deployment lacks (nothing if the store was whole). */
  void convergeAll() {
    List.copyOf(apps.keySet()).forEach(this::converge);
  }

  // ---- changes from the API ----

  /** POST /v2/apps: a new app (already parsed and valid), deployed from 0. */
  public Change create(App app, boolean force, Instant now) {
    if (apps.containsKey(app.id())) {
      return Change.Refused.of(409, "An app with id [" + app.id() + "] already exists.");
    }
    Instant at = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    App stamped = app.withVersion(at, io.meso.services.app.VersionInfo.forNewConfig(at));
    return deploy(with(stamped), force, stamped, true, Map.of());
  }

  /** PUT (partial or not) and PATCH of one app. */
  public Change update(PathId id, String body, boolean partialUpdate, boolean patch, boolean force, Instant now) {
    App current = apps.get(id);
    if (current == null && patch) {
      return notFound(id);
    }
    UpdateResult result = AppUpdates.apply(current, id, body, partialUpdate, now);
    if (result instanceof Rejection r) {
      return new Change.Refused(r.status(), r.body());
    }
    if (result instanceof UpdateResult.Created c) {
      return deploy(with(c.app()), force, c.app(), true, Map.of());
    }
    if (result instanceof UpdateResult.Updated u) {
      return deploy(with(u.app()), force, u.app(), false, Map.of());
    }
    Instant version = ((UpdateResult.Rollback) result).version();
    Optional<App> old = version(id, version);
    if (old.isEmpty()) {
      return Change.Refused.of(404, "App '" + id + "' does not exist in version "
          + io.meso.services.app.json.AppWriter.timestamp(version));
    }
    App back = AppChange.stamp(current, old.get(), now);
    return deploy(with(back), force, back, false, Map.of());
  }

  /** DELETE /v2/apps/{id}: the app leaves; its instances are killed by the deployment. */
  public Change delete(PathId id, boolean force, Instant now) {
    if (!apps.containsKey(id)) {
      return notFound(id);
    }
    Map<PathId, App> target = new LinkedHashMap<>(apps);
    target.remove(id);
    return deploy(target, force, null, false, Map.of(), now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  /** POST /v2/apps/{id}/restart: a new version that replaces every instance. */
  public Change restart(PathId id, boolean force, Instant now) {
    App current = apps.get(id);
    if (current == null) {
      return notFound(id);
    }
    App restarted = AppChange.restarted(current, now);
    return deploy(with(restarted), force, restarted, false, Map.of());
  }

  /** Scales {@code appId} down by killing exactly {@code victims} (DELETE tasks with scale=true). */
  public Change scaleDownKilling(PathId appId, List<String> victimInstanceIds, boolean force, Instant now) {
    App current = apps.get(appId);
    if (current == null) {
      return notFound(appId);
    }
    App scaled = AppChange.stamp(current,
        current.withInstances(Math.max(0, current.instances() - victimInstanceIds.size())), now);
    return deploy(with(scaled), force, scaled, false, Map.of(appId, victimInstanceIds));
  }

  /**
   * Deploys {@code target} as one deployment stamped {@code version}: every app as it should be
   * after it (apps left out are removed, unchanged ones are left alone). The changes of several
   * apps at once: groups and the array forms of PUT/PATCH /v2/apps, whose callers build and
   * validate the target.
   */
  public Change deployAll(Map<PathId, App> target, boolean force, Instant version) {
    return deploy(target, force, null, false, Map.of(), version.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  /** Kills these instances without scaling: each is replaced (DELETE tasks without scale). */
  void killForRestart(List<Instance> victims) {
    for (Instance i : victims) {
      if (i.killGoal == Instance.KillGoal.NONE) {
        i.killGoal = Instance.KillGoal.RESTART;
      }
      kill(i);
    }
  }

  /** Asks for the kill of {@code instance}, whose kill goal is set; the goal is saved before the kill leaves. */
  private void kill(Instance instance) {
    changedInstances.add(instance.id);
    effects.kill(instance);
  }

  /** DELETE /v2/deployments/{id}. */
  public Cancellation cancel(String deploymentId, boolean force, Instant now) {
    Cancellation c = deployments.cancel(deploymentId, force, apps, now, statuses());
    if (c instanceof Cancellation.Stopped s) {
      run(s.cancelled());
      s.cancelled().deployment().plan().affectedApps().forEach(this::converge);
    } else if (c instanceof Cancellation.Reverted r) {
      accepted(r.revert().started().deployment().plan(), r.revert());
    }
    return c;
  }

  /** DELETE /v2/queue/{id}/delay: true if the app was waiting. */
  public boolean resetDelay(PathId appId) {
    boolean waiting = queue.resetDelay(appId);
    if (waiting) {
      effects.offersWanted();
    }
    return waiting;
  }

  private Map<PathId, App> with(App app) {
    Map<PathId, App> target = new LinkedHashMap<>(apps);
    target.put(app.id(), app);
    return target;
  }

  private Change deploy(Map<PathId, App> target, boolean force, App app, boolean created,
      Map<PathId, List<String>> toKill) {
    return deploy(target, force, app, created, toKill, app.version());
  }

  private Change deploy(Map<PathId, App> target, boolean force, App app, boolean created,
      Map<PathId, List<String>> toKill, Instant version) {
    DeploymentPlan plan;
    try {
      plan = DeploymentPlan.of(java.util.UUID.randomUUID().toString(), apps, target, version, toKill);
    } catch (io.meso.services.deploy.CyclicDependencyException e) {
      return Change.Refused.of(422, e.getMessage());
    }
    Submission s = deployments.submit(plan, force, statuses());
    if (s instanceof Submission.Locked locked) {
      return new Change.Refused(locked.status(), locked.body());
    }
    Submission.Accepted accepted = (Submission.Accepted) s;
    accepted(plan, accepted);
    return new Change.Deployed(app, accepted, created);
  }

  /** A deployment runs: its target is what is stored now; its apps' queued launches are its own. */
  private void accepted(DeploymentPlan plan, Submission.Accepted accepted) {
    for (PathId id : plan.original().keySet()) {
      if (!plan.target().containsKey(id)) {
        apps.remove(id);
        versions.remove(id);
        changedApps.add(id);
      }
    }
    plan.target().forEach((id, app) -> {
      if (!app.equals(apps.get(id))) {
        changedApps.add(id);
      }
      apps.put(id, app);
      versions.computeIfAbsent(id, k -> new TreeMap<>()).put(app.version(), app);
    });
    plan.affectedApps().forEach(queue::purge);
    accepted.cancelled().forEach(this::run);
    run(accepted.started());
  }

  private Change notFound(PathId id) {
    return Change.Refused.of(404, "App '" + id + "' does not exist");
  }

  private List<InstanceStatus> statuses() {
    return instances.values().stream().map(Instance::status).toList();
  }

  // ---- deployment commands ----

  private void run(Outcome outcome) {
    String id = outcome.deployment().id();
    changedDeployments.add(id);
    DeploymentPlan plan = outcome.deployment().plan();
    for (Command c : outcome.commands()) {
      if (c instanceof Command.StartInstances s) {
        queue.add(s.app(), s.count(), Instant.now());
        effects.offersWanted();
      } else if (c instanceof Command.KillInstances k) {
        for (String iid : k.instanceIds()) {
          Instance i = instances.get(iid);
          if (i != null) {
            i.killGoal = Instance.KillGoal.DECOMMISSION;
            kill(i);
          }
        }
      } else if (c instanceof Command.CheckReadiness r) {
        Instance i = instances.get(r.instanceId());
        if (i != null) {
          PathId appId = r.app().id();
          effects.checkReadiness(r.app(), i,
              result -> handle(new Fact.ReadinessChanged(appId, r.app().version(), result)),
              () -> instances.containsKey(i.id) && !deployments.deploymentsOf(appId).isEmpty());
        }
      } else if (c instanceof Command.ResetLaunchDelay d) {
        queue.resetDelay(d.appId());
      } else if (c instanceof Command.AppStopped a) {
        queue.forget(a.appId());
        lastFailures.remove(a.appId());
        LOG.info("app {} stopped deployment={}", a.appId(), id);
        effects.publish(event("app_terminated_event").put("appId", a.appId().toString()));
      } else if (c instanceof Command.StepStarted st) {
        effects.publish(DeploymentEvents.info(plan, st.step(), Instant.now()));
      } else if (c instanceof Command.StepFinished st) {
        effects.publish(DeploymentEvents.stepSuccess(plan, st.step(), Instant.now()));
      } else if (c instanceof Command.DeploymentFinished) {
        LOG.info("deployment={} finished", id);
        effects.publish(DeploymentEvents.success(plan, Instant.now()));
      } else if (c instanceof Command.DeploymentFailed f) {
        LOG.info("deployment={} failed: {}", id, f.reason());
        effects.publish(DeploymentEvents.failed(plan, f.reason(), Instant.now()));
      }
    }
  }

  /** An event's common fields: {@code eventType} and {@code timestamp}. */
  static io.vertx.core.json.JsonObject event(String type) {
    return new io.vertx.core.json.JsonObject().put("eventType", type)
        .put("timestamp", io.meso.services.app.json.AppWriter.timestamp(Instant.now()));
  }

  private void handle(Fact fact) {
    // A fact may move a deployment on without a command (one more instance healthy): save them all.
    changedDeployments.addAll(deployments.deploymentsOf(fact.appId()));
    deployments.handle(fact).forEach(this::run);
  }

  // ---- facts from the framework ----

  /** Matches an offer against the waiting instances; the tasks to launch on it (maybe none). */
  List<TaskInfo> offer(Offer offer, Instant now) {
    List<TaskInfo> tasks = new ArrayList<>();
    for (LaunchQueue.Launch l : queue.match(offer, now, this::placed)) {
      String instanceId = TaskIds.newInstanceId(l.app().id());
      String taskId = TaskIds.taskId(instanceId, 1);
      Instance i = new Instance(instanceId, TaskID.newBuilder().setValue(taskId).build(), l.app(),
          offer.getAgentId(), offer.getHostname(), AgentFacts.of(offer), l.match().hostPorts(), now);
      instances.put(instanceId, i);
      changedInstances.add(instanceId);
      tasks.add(TaskInfos.task(l.app(), taskId, l.match()));
      handle(new Fact.InstanceChanged(i.status()));
    }
    return tasks;
  }

  /**
   * Where the app's reachable instances run, of any version and even while being killed, as
   * Marathon's {@code TaskLauncherActor} hands its constraints every instance that is not lost: an
   * old instance still holds its host until it is gone (so UNIQUE stays unique during a scale or
   * an upgrade).
   */
  private List<AgentFacts> placed(App app) {
    return instances.values().stream()
        .filter(i -> i.app.id().equals(app.id()) && i.live() && !i.inactive
            && i.condition() != InstanceStatus.Condition.UNREACHABLE)
        .map(i -> i.agent).toList();
  }

  /** The agent said something about {@code instance}; it has been applied to it already. */
  void changed(Instance instance, InstanceStatus before, String message, Instant now) {
    changedInstances.add(instance.id);
    InstanceStatus after = instance.status();
    if (after.condition() != before.condition()) {
      handle(new Fact.InstanceChanged(after));
    }
    if (instance.healthy != null && !instance.healthy.equals(before.healthy()) && !after.condition().terminal()) {
      handle(new Fact.HealthChanged(instance.app.id(), instance.id, instance.app.version(), instance.healthy));
      effects.publish(event("health_status_changed_event").put("appId", instance.app.id().toString())
          .put("instanceId", instance.id).put("taskId", instance.taskId.getValue())
          .put("version", io.meso.services.app.json.AppWriter.timestamp(instance.app.version()))
          .put("alive", instance.healthy));
    }
    if (after.condition().terminal()) {
      ended(instance, message, now);
    } else if (after.condition() == InstanceStatus.Condition.UNREACHABLE
        && before.condition() != InstanceStatus.Condition.UNREACHABLE) {
      unreachable(instance);
    } else if (instance.inactive && after.condition() != InstanceStatus.Condition.UNREACHABLE) {
      cameBack(instance);
    }
  }

  /**
   * The agent of {@code instance} is out of touch. Unless the app's unreachableStrategy is
   * disabled, after inactiveAfterSeconds the instance stops counting and is replaced; after
   * expungeAfterSeconds it is forgotten (and killed, should it come back).
   */
  private void unreachable(Instance instance) {
    io.meso.services.app.UnreachableStrategy strategy = instance.app.unreachableStrategy();
    if (strategy.disabled()) {
      return;
    }
    effects.after(java.time.Duration.ofSeconds(strategy.inactiveAfterSeconds()), () -> {
      if (instances.get(instance.id) == instance && instance.condition() == InstanceStatus.Condition.UNREACHABLE) {
        LOG.info("instance {} of {} unreachable for {}s: replacing it", instance.id, instance.app.id(),
            strategy.inactiveAfterSeconds());
        instance.inactive = true;
        changedInstances.add(instance.id);
        converge(instance.app.id());
      }
    });
    effects.after(java.time.Duration.ofSeconds(Math.max(strategy.inactiveAfterSeconds(), strategy.expungeAfterSeconds())),
        () -> {
          if (instances.get(instance.id) == instance && instance.condition() == InstanceStatus.Condition.UNREACHABLE) {
            LOG.info("instance {} of {} expunged after {}s unreachable", instance.id, instance.app.id(),
                strategy.expungeAfterSeconds());
            instances.remove(instance.id);
            instance.killGoal = Instance.KillGoal.DECOMMISSION;
            kill(instance);
          }
        });
  }

  /** A replaced instance is back: it is killed if the app has its count without it. */
  private void cameBack(Instance instance) {
    instance.inactive = false;
    changedInstances.add(instance.id);
    App app = apps.get(instance.app.id());
    long counted = instances.values().stream()
        .filter(i -> i.app.id().equals(instance.app.id()) && i.meantToRun()).count();
    if (app == null || counted > app.instances()) {
      LOG.info("instance {} of {} is back but was replaced: killing it", instance.id, instance.app.id());
      instance.killGoal = Instance.KillGoal.DECOMMISSION;
      kill(instance);
    }
  }

  private void ended(Instance instance, String message, Instant now) {
    instances.remove(instance.id);
    PathId appId = instance.app.id();
    boolean failure = instance.killGoal == Instance.KillGoal.NONE
        && instance.state != io.meso.v1.TaskState.TASK_FINISHED;
    if (failure) {
      lastFailures.put(appId, new TaskFailure(instance, message, now));
    }
    if (instance.killGoal == Instance.KillGoal.NONE && apps.containsKey(appId)) {
      Instant until = queue.launchFailed(instance.app, now);
      LOG.info("instance {} of {} ended {} ({}); next launch not before {}", instance.id, appId,
          instance.state, message, until);
      effects.offersWantedAt(until);
    }
    if (instance.killGoal != Instance.KillGoal.DECOMMISSION) {
      converge(appId);
    }
  }

  /**
   * Outside a deployment, queues what {@code appId} lacks of its instance count (a deployment
   * replaces what it needs itself).
   */
  private void converge(PathId appId) {
    App app = apps.get(appId);
    if (app == null || !deployments.deploymentsOf(appId).isEmpty()) {
      return;
    }
    long live = instances.values().stream().filter(i -> i.app.id().equals(appId) && i.meantToRun()).count();
    int missing = app.instances() - (int) live - queue.waiting(appId);
    if (missing > 0) {
      queue.add(app, missing, Instant.now());
      effects.offersWanted();
    }
  }
}
