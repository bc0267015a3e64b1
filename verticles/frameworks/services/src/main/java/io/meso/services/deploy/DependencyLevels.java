package io.meso.services.deploy;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The dependency order of a set of apps, as Marathon's {@code DeploymentPlan.runSpecsGroupedByLongestPath}
 * computes it: an app's level is the number of apps on the longest chain of {@code dependencies}
 * that starts at it (1 for an app that depends on nothing), so every app's dependencies sit on
 * lower levels and are deployed in earlier steps.
 *
 * <p>A dependency names an app, or a group: then the app depends on every app under that path.
 * A dependency that names nothing among the apps is ignored, as Marathon's graph has no vertex
 * for it. The graph is the whole target's, so an unchanged app still lifts its dependents. An app
 * that depends on itself (directly or through its own group) is a cycle, as in Marathon.
 */
final class DependencyLevels {

  private static final Comparator<PathId> BY_ID = Comparator.comparing(PathId::toString);

  private final Map<PathId, App> apps;
  private final Map<PathId, List<PathId>> edges = new HashMap<>();
  private final Map<PathId, Integer> depth = new HashMap<>();

  private DependencyLevels(Map<PathId, App> apps) {
    this.apps = apps;
    for (App app : apps.values()) {
      List<PathId> to = new ArrayList<>();
      for (PathId dep : app.dependencies()) {
        for (PathId candidate : apps.keySet()) {
          if (under(candidate, dep) && !to.contains(candidate)) {
            to.add(candidate);
          }
        }
      }
      to.sort(BY_ID);
      edges.put(app.id(), to);
    }
  }

  /**
   * The apps of {@code selected} grouped by level, lowest first, each level sorted by id.
   *
   * @param apps every app of the target, which defines the graph
   * @param selected the ids to place
   * @throws CyclicDependencyException if the graph of {@code apps} has a cycle
   */
  static SortedMap<Integer, List<App>> of(Map<PathId, App> apps, Iterable<PathId> selected) {
    DependencyLevels graph = new DependencyLevels(apps);
    graph.checkAcyclic();
    SortedMap<Integer, List<App>> levels = new TreeMap<>();
    for (PathId id : selected) {
      App app = apps.get(id);
      if (app != null) {
        levels.computeIfAbsent(graph.depth(id), l -> new ArrayList<>()).add(app);
      }
    }
    levels.values().forEach(l -> l.sort(Comparator.comparing(a -> a.id().toString())));
    return levels;
  }

  /** Throws if the dependencies of {@code apps} form a cycle. */
  static void checkAcyclic(Map<PathId, App> apps) {
    new DependencyLevels(apps).checkAcyclic();
  }

  /** True if {@code id} is {@code dep} or lies under the group {@code dep}. */
  private static boolean under(PathId id, PathId dep) {
    List<String> s = id.segments();
    List<String> d = dep.segments();
    return !d.isEmpty() && s.size() >= d.size() && s.subList(0, d.size()).equals(d);
  }

  private void checkAcyclic() {
    Map<PathId, Integer> state = new HashMap<>(); // absent: unseen, 1: on the path, 2: done
    List<PathId> ids = new ArrayList<>(apps.keySet());
    ids.sort(BY_ID);
    for (PathId id : ids) {
      List<PathId> path = new ArrayList<>();
      List<PathId> cycle = visit(id, state, path);
      if (cycle != null) {
        throw new CyclicDependencyException(cycle);
      }
    }
  }

  /** Depth-first search; returns the first cycle met, closed (first id repeated), or null. */
  private List<PathId> visit(PathId id, Map<PathId, Integer> state, List<PathId> path) {
    Integer s = state.get(id);
    if (s != null && s == 2) {
      return null;
    }
    if (s != null) {
      List<PathId> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
      cycle.add(id);
      return cycle;
    }
    state.put(id, 1);
    path.add(id);
    for (PathId next : edges.get(id)) {
      List<PathId> cycle = visit(next, state, path);
      if (cycle != null) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    state.put(id, 2);
    return null;
  }

  /** Apps on the longest dependency chain starting at {@code id}, itself included. */
  private int depth(PathId id) {
    Integer known = depth.get(id);
    if (known != null) {
      return known;
    }
    int d = 1;
    for (PathId next : edges.get(id)) {
      d = Math.max(d, 1 + depth(next));
    }
    depth.put(id, d);
    return d;
  }
}
