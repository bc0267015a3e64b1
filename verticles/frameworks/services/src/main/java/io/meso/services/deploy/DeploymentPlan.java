package io.meso.services.deploy;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The steps that take a set of apps from {@code original} to {@code target}, built as Marathon's
 * {@code core/deployment/DeploymentPlan.scala} builds them:
 *
 * <ol>
 *   <li>stop every app that is not in the target;
 *   <li>start every app that is not in the original, with 0 instances;
 *   <li>for each dependency level ({@link DependencyLevels}), lowest first, one step over the apps
 *       that are new or changed: a new app, a scale-only change or a change to 0 instances is a
 *       {@code ScaleApplication}; any other change (config, or a new version as after a restart)
 *       is a {@code RestartApplication}.
 * </ol>
 *
 * Empty steps are dropped. Immutable; apps are keyed by their absolute id.
 *
 * @param id the deployment id, a UUID
 * @param original the apps before
 * @param target the apps after
 * @param steps the steps, run one after the other
 * @param version the deployment's version, the target's timestamp
 */
public record DeploymentPlan(String id, Map<PathId, App> original, Map<PathId, App> target,
    List<DeploymentStep> steps, Instant version) {

  public DeploymentPlan {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    original = Collections.unmodifiableMap(new LinkedHashMap<>(original));
    target = Collections.unmodifiableMap(new LinkedHashMap<>(target));
    steps = List.copyOf(steps);
  }

  /** The plan from {@code original} to {@code target} under a fresh random id. */
  public static DeploymentPlan of(Map<PathId, App> original, Map<PathId, App> target, Instant version) {
    return of(UUID.randomUUID().toString(), original, target, version, Map.of());
  }

  /**
   * The plan from {@code original} to {@code target}.
   *
   * @param toKill per app, instances to kill first when that app scales (sentenced by the user)
   * @throws CyclicDependencyException if the target's dependencies form a cycle
   */
  public static DeploymentPlan of(String id, Map<PathId, App> original, Map<PathId, App> target,
      Instant version, Map<PathId, List<String>> toKill) {
    DependencyLevels.checkAcyclic(target);
    List<DeploymentStep> steps = new ArrayList<>();
    steps.add(new DeploymentStep(sorted(original.values().stream()
        .filter(a -> !target.containsKey(a.id())).map(DeploymentAction::stop).toList())));
    steps.add(new DeploymentStep(sorted(target.values().stream()
        .filter(a -> !original.containsKey(a.id())).map(DeploymentAction::start).toList())));
    List<PathId> changed = target.values().stream()
        .filter(a -> !a.equals(original.get(a.id()))).map(App::id).toList();
    for (List<App> level : DependencyLevels.of(target, changed).values()) {
      List<DeploymentAction> actions = new ArrayList<>();
      for (App next : level) {
        DeploymentAction action = action(original.get(next.id()), next,
            toKill.getOrDefault(next.id(), List.of()));
        if (action != null) {
          actions.add(action);
        }
      }
      steps.add(new DeploymentStep(actions));
    }
    steps.removeIf(s -> s.actions().isEmpty());
    return new DeploymentPlan(id, original, target, steps, version);
  }

  /** What one level does to {@code next}, coming from {@code old} (null when new); null for nothing. */
  private static DeploymentAction action(App old, App next, List<String> toKill) {
    if (old == null) {
      return DeploymentAction.scale(next, List.of());
    }
    AppChange change = AppChange.between(old, next);
    if (change == AppChange.SCALE_ONLY || next.instances() == 0) {
      return DeploymentAction.scale(next, toKill);
    }
    if (change == AppChange.CONFIG || !Objects.equals(old.version(), next.version())
        || !Objects.equals(old.versionInfo(), next.versionInfo())) {
      return DeploymentAction.restart(next);
    }
    return null;
  }

  private static List<DeploymentAction> sorted(List<DeploymentAction> actions) {
    return actions.stream().sorted(Comparator.comparing(a -> a.app().id().toString())).toList();
  }

  /** The ids of every app some action of this plan touches, sorted. */
  public SortedSet<PathId> affectedApps() {
    return steps.stream().flatMap(s -> s.actions().stream()).map(a -> a.app().id())
        .collect(Collectors.toCollection(() -> new TreeSet<>(Comparator.comparing(PathId::toString))));
  }

  /** True if this plan and {@code other} touch a common app, so they may not run at once. */
  public boolean conflictsWith(DeploymentPlan other) {
    Set<PathId> mine = affectedApps();
    return other.affectedApps().stream().anyMatch(mine::contains);
  }

  /**
   * {@code current} with this plan's changes undone, Marathon's {@code DeploymentPlanReverter}: an
   * app this plan changed or removed gets its original definition back (with its original
   * version, so instances of that version count as already replaced); an app this plan added is
   * removed. Apps this plan did not change keep what {@code current} says, so concurrent changes to
   * other apps survive.
   */
  public Map<PathId, App> revert(Map<PathId, App> current) {
    Map<PathId, App> out = new LinkedHashMap<>(current);
    Set<PathId> ids = new TreeSet<>(Comparator.comparing(PathId::toString));
    ids.addAll(original.keySet());
    ids.addAll(target.keySet());
    for (PathId appId : ids) {
      App before = original.get(appId);
      App after = target.get(appId);
      if (Objects.equals(before, after)) {
        continue;
      }
      if (before != null) {
        out.put(appId, before);
      } else {
        out.remove(appId);
      }
    }
    return out;
  }
}
