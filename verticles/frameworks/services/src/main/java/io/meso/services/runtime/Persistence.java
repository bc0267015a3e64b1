package io.meso.services.runtime;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.deploy.Deployment;
import io.meso.services.store.ServicesStore;
import io.meso.services.store.StoredApp;
import io.meso.services.store.StoredDeployment;
import io.meso.services.store.StoredInstance;
import io.meso.services.store.StoredLaunches;
import io.meso.services.store.StoredState;
import io.meso.v1.AgentID;
import io.meso.v1.TaskID;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between {@link Services} and the {@link ServicesStore}: saves the records that changed (what
 * {@link Services#drainChanges} names), and on a new leader puts a stored state back into a fresh
 * {@link Services}: apps and their versions, instances (with their app version), waiting launches
 * and delays, then every running deployment taken up where it was. Runs on the framework's event
 * loop.
 */
final class Persistence {

  private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);

  private final Services services;
  private final ServicesStore store;

  Persistence(Services services, ServicesStore store) {
    this.services = services;
    this.store = store;
  }

  /** Saves every record that changed since the last call; the writes leave in the background. */
  void save() {
    Services.Changes c = services.drainChanges();
    if (c.isEmpty()) {
      return;
    }
    for (PathId id : c.apps()) {
      Optional<App> app = services.app(id);
      if (app.isPresent()) {
        store.save(new StoredApp(app.get(), services.storedVersions(id)));
      } else {
        store.removeApp(id);
      }
    }
    for (String id : c.deployments()) {
      Optional<Deployment> d = services.deployments().get(id);
      if (d.isPresent()) {
        store.save(new StoredDeployment(d.get().plan(), d.get().progress()));
      } else {
        store.removeDeployment(id);
      }
    }
    for (String id : c.instances()) {
      Instance i = services.instance(id);
      if (i != null) {
        store.save(stored(i));
      } else {
        store.removeInstance(id);
      }
    }
    for (PathId id : c.launches()) {
      StoredLaunches l = services.queue().stored(id);
      if (l != null) {
        store.save(l);
      } else {
        store.removeLaunches(id);
      }
    }
  }

  /**
   * Puts {@code state} back into the (fresh) services. An instance whose app version is stored
   * nowhere is left out (its task is killed as unknown once reconciled); a deployment that cannot
   * be taken up is dropped, and its apps converge to their definitions without it.
   */
  void restore(StoredState state) {
    Map<PathId, Map<Instant, App>> known = new HashMap<>();
    state.apps().stream()
        .sorted(Comparator.comparing((StoredApp a) -> a.versions().isEmpty() ? a.current().version()
            : a.versions().get(0).version()))
        .forEach(a -> {
          services.restoreApp(a.current(), a.versions());
          a.versions().forEach(v -> remember(known, v));
          remember(known, a.current());
        });
    for (StoredDeployment d : state.deployments()) {
      d.plan().original().values().forEach(a -> remember(known, a));
      d.plan().target().values().forEach(a -> remember(known, a));
    }
    for (StoredInstance s : state.instances()) {
      App app = known.getOrDefault(s.appId(), Map.of()).get(s.appVersion());
      if (app == null) {
        LOG.error("stored instance {} runs version {} of {}, which is stored nowhere; leaving it out", s.instanceId(),
            s.appVersion(), s.appId());
        continue;
      }
      try {
        services.restoreInstance(instance(s, app));
      } catch (IllegalArgumentException e) {
        LOG.error("cannot take up stored instance {}: {}", s.instanceId(), e.getMessage());
      }
    }
    for (StoredLaunches l : state.launches()) {
      App queued = l.queued() == null ? null : known.getOrDefault(l.appId(), Map.of()).get(l.queued().appVersion());
      services.queue().restore(l, queued, services.app(l.appId()).orElse(null));
    }
    state.deployments().stream().sorted(Comparator.comparing(d -> d.plan().version())).forEach(d -> {
      try {
        services.resumeDeployment(d.plan(), d.progress());
        LOG.info("deployment={} taken up at step {} of {}", d.plan().id(), d.progress().step(),
            d.plan().steps().size());
      } catch (IllegalArgumentException e) {
        LOG.error("cannot take up deployment={}: {}; its apps converge without it", d.plan().id(), e.getMessage());
      }
    });
    services.convergeAll();
  }

  private static void remember(Map<PathId, Map<Instant, App>> known, App app) {
    known.computeIfAbsent(app.id(), k -> new HashMap<>()).putIfAbsent(app.version(), app);
  }

  static StoredInstance stored(Instance i) {
    return new StoredInstance(i.id, i.taskId.getValue(), i.app.id(), i.app.version(), i.agentId.getValue(), i.agent,
        i.hostPorts, i.stagedAt, i.state, i.startedAt, i.since, i.healthy, i.firstSuccess, i.lastSuccess,
        i.lastFailure, i.lastFailureCause, i.consecutiveFailures, i.killGoal.name(), i.inactive);
  }

  static Instance instance(StoredInstance s, App app) {
    Instance.KillGoal goal;
    try {
      goal = Instance.KillGoal.valueOf(s.killGoal());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("killGoal is '" + s.killGoal() + "'; expected one of "
          + List.of(Instance.KillGoal.values()), e);
    }
    Instance i = new Instance(s.instanceId(), TaskID.newBuilder().setValue(s.taskId()).build(), app,
        AgentID.newBuilder().setValue(s.agentId()).build(), s.agent().hostname(), s.agent(), s.hostPorts(),
        s.stagedAt());
    i.state = s.state();
    i.startedAt = s.startedAt();
    i.since = s.since() != null ? s.since() : s.stagedAt();
    i.healthy = s.healthy();
    i.firstSuccess = s.firstSuccess();
    i.lastSuccess = s.lastSuccess();
    i.lastFailure = s.lastFailure();
    i.lastFailureCause = s.lastFailureCause();
    i.consecutiveFailures = s.consecutiveFailures();
    i.killGoal = goal;
    i.inactive = s.inactive();
    return i;
  }
}
