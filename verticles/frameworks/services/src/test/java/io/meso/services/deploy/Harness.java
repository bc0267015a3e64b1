package io.meso.services.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.deploy.Command.KillInstances;
import io.meso.services.deploy.Command.StartInstances;
import io.meso.services.deploy.InstanceStatus.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays the runtime around one {@link Deployment}: records every command, keeps the instances the
 * runtime would have, and lets a test report facts one at a time. Launches are not carried out by
 * themselves: a test decides when a requested instance shows up running.
 */
final class Harness {

  final Deployment deployment;
  final List<Command> log = new ArrayList<>();
  /** Every fact reported, in order. */
  final List<Fact> facts = new ArrayList<>();
  final Map<String, InstanceStatus> instances = new LinkedHashMap<>();
  private final Map<PathId, Integer> pendingStarts = new HashMap<>();
  private final List<String> kills = new ArrayList<>();
  private final List<String> confirmed = new ArrayList<>();
  private int nextId;
  private Instant clock = Apps.T2;

  Harness(DeploymentPlan plan, List<InstanceStatus> initial) {
    deployment = new Deployment(plan);
    initial.forEach(s -> instances.put(s.id(), s));
    record(deployment.start(initial));
  }

  /** {@code count} running instances of {@code app} at its version, started a minute apart. */
  static List<InstanceStatus> running(App app, int count, String prefix) {
    List<InstanceStatus> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new InstanceStatus(prefix + i, app.id(), app.version(), Condition.RUNNING,
          Apps.T0.plusSeconds(60L * i), null));
    }
    return out;
  }

  /** Reports {@code fact}; returns the commands it caused. */
  List<Command> fact(Fact fact) {
    facts.add(fact);
    if (fact instanceof Fact.InstanceChanged c) {
      if (c.instance().condition().terminal()) {
        instances.remove(c.instance().id());
      } else {
        instances.put(c.instance().id(), c.instance());
      }
    }
    List<Command> out = deployment.handle(fact);
    record(out);
    return out;
  }

  /** One requested instance of {@code app} shows up running; returns its id. */
  String launchRunning(App app) {
    int pending = pendingStarts.getOrDefault(app.id(), 0);
    assertThat(pending).as("launches requested for %s and not yet carried out", app.id()).isPositive();
    pendingStarts.put(app.id(), pending - 1);
    String id = "new" + nextId++;
    clock = clock.plusSeconds(1);
    fact(new Fact.InstanceChanged(new InstanceStatus(id, app.id(), app.version(), Condition.RUNNING, clock, null)));
    return id;
  }

  List<Command> healthy(String id) {
    InstanceStatus s = instances.get(id);
    return fact(new Fact.HealthChanged(s.appId(), id, s.version(), true));
  }

  List<Command> readiness(String id, boolean ready) {
    InstanceStatus s = instances.get(id);
    return fact(new Fact.ReadinessChanged(s.appId(), s.version(),
        new ReadinessCheckResult("readiness", id, ready, null)));
  }

  List<Command> end(String id, Condition terminal) {
    InstanceStatus s = instances.get(id);
    return fact(new Fact.InstanceChanged(s.with(terminal, clock)));
  }

  /** Every requested kill not yet confirmed ends as KILLED. */
  void confirmKills() {
    for (String id : List.copyOf(kills)) {
      if (!confirmed.contains(id) && instances.containsKey(id)) {
        confirmed.add(id);
        end(id, Condition.KILLED);
      }
    }
  }

  /** Launches requested for {@code app} and not yet carried out. */
  int pending(App app) {
    return pendingStarts.getOrDefault(app.id(), 0);
  }

  /** Every kill requested so far, in order. */
  List<String> kills() {
    return List.copyOf(kills);
  }

  /** Live instances of {@code app} still meant to run: not asked to die. */
  long alive(App app) {
    return instances.values().stream().filter(s -> s.appId().equals(app.id()) && !kills.contains(s.id())).count();
  }

  /** Live instances at {@code app}'s version. */
  long atVersion(App app) {
    return instances.values().stream()
        .filter(s -> s.appId().equals(app.id()) && s.version().equals(app.version())).count();
  }

  @SuppressWarnings("unchecked")
  <T extends Command> List<T> commands(Class<T> type) {
    return (List<T>) log.stream().filter(type::isInstance).toList();
  }

  private void record(List<Command> out) {
    log.addAll(out);
    for (Command c : out) {
      if (c instanceof StartInstances s) {
        pendingStarts.merge(s.app().id(), s.count(), Integer::sum);
      } else if (c instanceof KillInstances k) {
        kills.addAll(k.instanceIds());
      }
    }
  }
}
