package io.meso.jobs.graph;

import io.meso.jobs.job.Job;
import io.meso.jobs.job.JobValidationException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The dependency DAG of a set of jobs (Chronos's {@code graph/JobGraph.scala}), immutable.
 * Vertices are in Chronos's registration order: scheduled (ISO and cron) jobs first, then
 * dependent jobs, each in the order given. As in Chronos's scheduler loop, a dependent job
 * whose parents are not all present is left out of the graph (and so are its descendants).
 */
public final class JobGraph {
  /** A parent→child edge. */
  public record Edge(String parent, String child) {}

  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final List<Edge> edges = new ArrayList<>();
  private final Map<String, List<String>> children = new HashMap<>();

  private JobGraph(Collection<Job> all) {
    Map<String, Job> byName = new LinkedHashMap<>();
    all.forEach(j -> byName.put(j.name(), j));
    Set<String> present = new HashSet<>(byName.keySet());
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Job j : byName.values()) {
        if (present.contains(j.name()) && j.parents() != null
            && (j.parents().isEmpty() || !present.containsAll(j.parents()))) {
          present.remove(j.name());
          changed = true;
        }
      }
    }
    for (boolean dependent : new boolean[] {false, true}) {
      for (Job j : byName.values()) {
        if (present.contains(j.name()) && (j.parents() != null) == dependent) {
          jobs.put(j.name(), j);
        }
      }
    }
    for (Job j : jobs.values()) {
      if (j.parents() != null) {
        for (String p : j.parents()) {
          edges.add(new Edge(p, j.name()));
          children.computeIfAbsent(p, k -> new ArrayList<>()).add(j.name());
        }
      }
    }
  }

  /** The graph of {@code jobs}. */
  public static JobGraph of(Collection<Job> jobs) {
    return new JobGraph(jobs);
  }

  /**
   * Checks that {@code candidate} may be stored next to {@code existing} (which may contain an
   * older version of it): a dependent job needs at least one parent, every parent must exist
   * (Chronos accepted a missing parent on create and silently dropped the job later), and the
   * parents must not lead back to the job.
   *
   * @throws JobValidationException naming the cycle, e.g. "a -> b -> a"
   */
  public static void checkSubmit(Job candidate, Collection<Job> existing) {
    if (candidate.parents() == null) {
      return;
    }
    Map<String, List<String>> parents = new HashMap<>();
    for (Job j : existing) {
      parents.put(j.name(), j.parents() == null ? List.of() : j.parents());
    }
    parents.put(candidate.name(), candidate.parents());
    if (candidate.parents().isEmpty()) {
      throw new JobValidationException("parents", "[]", "a dependent job needs a parent");
    }
    for (String p : candidate.parents()) {
      if (!parents.containsKey(p)) {
        throw new JobValidationException("parents", p, "parent job '" + p + "' does not exist");
      }
    }
    Optional<List<String>> cycle = cycleThrough(candidate.name(), parents);
    if (cycle.isPresent()) {
      throw new JobValidationException("parents", String.join(",", candidate.parents()),
          "the dependencies would form a cycle: " + String.join(" -> ", cycle.get()));
    }
  }

  /**
   * A cycle through {@code start}, following child→parent links and written parent→child,
   * e.g. [a, b, a] for "a is b's parent and b is a's parent".
   */
  static Optional<List<String>> cycleThrough(String start, Map<String, List<String>> parents) {
    List<String> path = new ArrayList<>();
    path.add(start);
    Set<String> dead = new HashSet<>();
    if (search(start, start, parents, path, dead)) {
      List<String> cycle = new ArrayList<>(path);
      Collections.reverse(cycle);
      return Optional.of(cycle);
    }
    return Optional.empty();
  }

  private static boolean search(String start, String at, Map<String, List<String>> parents,
      List<String> path, Set<String> dead) {
    for (String p : parents.getOrDefault(at, List.of())) {
      if (p.equals(start)) {
        path.add(p);
        return true;
      }
      if (dead.add(p)) {
        path.add(p);
        if (search(start, p, parents, path, dead)) {
          return true;
        }
        path.remove(path.size() - 1);
      }
    }
    return false;
  }

  /** The jobs in the graph, in vertex order. */
  public Collection<Job> jobs() {
    return List.copyOf(jobs.values());
  }

  /** The edges, in the order dependent jobs and their parents were given. */
  public List<Edge> edges() {
    return List.copyOf(edges);
  }

  /** The children of {@code name} that are in the graph. */
  public List<String> children(String name) {
    return List.copyOf(children.getOrDefault(name, List.of()));
  }

  /** The parents of {@code name} (empty for a scheduled job or one not in the graph). */
  public List<String> parents(String name) {
    Job j = jobs.get(name);
    return j == null || j.parents() == null ? List.of() : j.parents();
  }

  /**
   * What deleting {@code name} does to its children (Chronos's
   * {@code JobManagementResource.delete}): a child of a dependent job gets the deleted job's
   * parents instead of it; a child of a scheduled job becomes a scheduled job with the
   * deleted job's schedule (or cron) and zone. Returns the changed children.
   */
  public List<Job> childrenAfterDelete(String name) {
    Job gone = jobs.get(name);
    List<Job> out = new ArrayList<>();
    if (gone == null) {
      return out;
    }
    for (String c : children(name)) {
      Job child = jobs.get(c);
      if (gone.parents() != null) {
        List<String> ps = new ArrayList<>();
        child.parents().stream().filter(p -> !p.equals(name)).forEach(ps::add);
        gone.parents().stream().filter(p -> !ps.contains(p)).forEach(ps::add);
        out.add(child.withTrigger(ps, null, null, child.scheduleTimeZone()));
      } else {
        out.add(child.withTrigger(null, gone.schedule(), gone.cron(), gone.scheduleTimeZone()));
      }
    }
    return out;
  }

  /**
   * GET /graph/dot: what jgrapht's DOTExporter wrote for Chronos (integer ids from 1 in vertex
   * order, the job name as label, no edge labels).
   */
  public String dot() {
    Map<String, Integer> ids = new HashMap<>();
    StringBuilder b = new StringBuilder("digraph G {\n");
    for (String name : jobs.keySet()) {
      ids.put(name, ids.size() + 1);
      b.append("  ").append(ids.get(name)).append(" [ label=\"").append(name).append("\" ];\n");
    }
    for (Edge e : edges) {
      b.append("  ").append(ids.get(e.parent())).append(" -> ").append(ids.get(e.child()))
          .append(";\n");
    }
    return b.append("}\n").toString();
  }

  /**
   * GET /graph/csv (Chronos's {@code jobs/graph/Exporter.scala}): a
   * {@code node,<name>,<success|failure|fresh>,<state>} line per job, then a
   * {@code link,<parent>,<child>} line per edge.
   *
   * @param runState the job's current state: idle, queued or "N running"
   */
  public String csv(Function<String, String> runState) {
    StringBuilder b = new StringBuilder();
    for (Job j : jobs.values()) {
      b.append("node,").append(j.name()).append(',').append(lastState(j)).append(',')
          .append(runState.apply(j.name())).append('\n');
    }
    for (Edge e : edges) {
      b.append("link,").append(e.parent()).append(',').append(e.child()).append('\n');
    }
    return b.toString();
  }

  /** success, failure or fresh, from lastSuccess and lastError ({@code Exporter.getLastState}). */
  public static String lastState(Job j) {
    if (j.lastSuccess().isEmpty() && j.lastError().isEmpty()) {
      return "fresh";
    }
    if (j.lastSuccess().isEmpty()) {
      return "failure";
    }
    if (j.lastError().isEmpty()) {
      return "success";
    }
    return OffsetDateTime.parse(j.lastSuccess()).isAfter(OffsetDateTime.parse(j.lastError()))
        ? "success" : "failure";
  }
}
