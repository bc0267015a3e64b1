package io.meso.jobs.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When dependent jobs become due, as an immutable value: Chronos's
 * {@code JobGraph.getExecutableChildren} and {@code resetDependencyInvocations}, with the same
 * semantics:
 *
 * <ul>
 *   <li>A parent <em>completes</em> when a run succeeds (or is marked successful), or when its
 *       last retry fails and the parent has {@code softError} ({@code JobScheduler
 *       .handleFailedTask}: "if (job.softError) processDependencies").
 *   <li>A child with one parent is due after every completion of that parent.
 *   <li>A child with several parents counts completions per edge; it is due when the completing
 *       edge's count reaches the minimum over all its edges, i.e. when every parent has
 *       completed since the child last started (again at each further full round).
 *   <li>When the child starts (or is marked successful) its edges drop back to 0.
 * </ul>
 *
 * Whether a due child is launched (disabled, concurrency) is the runtime's call, as in Chronos.
 */
public final class Dependencies {
  private final JobGraph graph;
  private final Map<List<String>, EdgeState> edges;

  private Dependencies(JobGraph graph, Map<List<String>, EdgeState> edges) {
    this.graph = graph;
    this.edges = edges;
  }

  /** The state for {@code graph}, taking counts and marks from {@code persisted} (others start at 0). */
  public static Dependencies of(JobGraph graph, Collection<EdgeState> persisted) {
    Map<List<String>, EdgeState> edges = new LinkedHashMap<>();
    for (JobGraph.Edge e : graph.edges()) {
      edges.put(List.of(e.parent(), e.child()), new EdgeState(e.parent(), e.child(), 0));
    }
    for (EdgeState s : persisted) {
      List<String> key = List.of(s.parent(), s.child());
      if (edges.containsKey(key)) {
        edges.put(key, s);
      }
    }
    return new Dependencies(graph, edges);
  }

  /** What a parent's end changed: the new state and the children now due, in graph order. */
  public record Transition(Dependencies state, List<String> dueChildren) {}

  /** A run of {@code parent} ended for good, with no run to mark (marked successful by hand). */
  public Transition parentFinished(String parent, boolean succeeded, boolean softError) {
    return parentFinished(parent, null, Set.of(), succeeded, softError);
  }

  /**
   * The run {@code run} of {@code parent} ended for good (after its retries). An edge that
   * counted {@code run} already (its end comes again after a failover) is not counted again; the
   * child is then due only if it was due then and has not started since (a count above 0 that is
   * the minimum): claiming the child at the parent run's instant again is harmless, the runtime
   * claims each (child, instant) once.
   *
   * @param run the run's task id, or null for a completion without a run
   * @param live the parent's runs whose claims are still stored: marks of the others are dropped
   * @param succeeded the run succeeded (or was marked successful)
   * @param softError the parent's {@code softError}: a failure still counts as completion
   */
  public Transition parentFinished(String parent, String run, Set<String> live, boolean succeeded,
      boolean softError) {
    if (!succeeded && !softError) {
      return new Transition(this, List.of());
    }
    Map<List<String>, EdgeState> next = new LinkedHashMap<>(edges);
    List<String> due = new ArrayList<>();
    for (String child : graph.children(parent)) {
      List<String> parents = graph.parents(child);
      if (parents.size() == 1) {
        due.add(child);
        continue;
      }
      List<String> key = List.of(parent, child);
      EdgeState edge = next.get(key);
      boolean again = run != null && edge.counted().contains(run);
      long count = again ? edge.completions() : edge.completions() + 1;
      if (!again) {
        List<String> marks = new ArrayList<>();
        for (String m : edge.counted()) {
          if (live.contains(m)) {
            marks.add(m);
          }
        }
        if (run != null) {
          marks.add(run);
        }
        next.put(key, new EdgeState(parent, child, count, marks));
      }
      long min = parents.stream().mapToLong(p -> next.get(List.of(p, child)).completions()).min().orElse(0);
      if (count == min && (!again || count > 0)) {
        due.add(child);
      }
    }
    return new Transition(new Dependencies(graph, next), due);
  }

  /** {@code child} started (or was marked successful): its edges start counting again (marks stay). */
  public Dependencies childStarted(String child) {
    Map<List<String>, EdgeState> next = new LinkedHashMap<>(edges);
    for (String p : graph.parents(child)) {
      EdgeState e = next.get(List.of(p, child));
      next.put(List.of(p, child), new EdgeState(p, child, 0, e.counted()));
    }
    return new Dependencies(graph, next);
  }

  /**
   * The run {@code run} of {@code parent} is done with (its claim is gone): its marks are dropped.
   * Returns this state when no edge marks it.
   */
  public Dependencies unmark(String parent, String run) {
    Map<List<String>, EdgeState> next = null;
    for (String child : graph.children(parent)) {
      EdgeState e = edges.get(List.of(parent, child));
      if (e != null && e.counted().contains(run)) {
        if (next == null) {
          next = new LinkedHashMap<>(edges);
        }
        List<String> marks = new ArrayList<>(e.counted());
        marks.remove(run);
        next.put(List.of(parent, child), new EdgeState(parent, child, e.completions(), marks));
      }
    }
    return next == null ? this : new Dependencies(graph, next);
  }

  /** Every edge's state, for the registry. */
  public List<EdgeState> edges() {
    return new ArrayList<>(edges.values());
  }
}
