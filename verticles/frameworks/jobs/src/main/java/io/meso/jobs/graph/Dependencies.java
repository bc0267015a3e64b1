package io.meso.jobs.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  private final Map<List<String>, Long> counts;

  private Dependencies(JobGraph graph, Map<List<String>, Long> counts) {
    this.graph = graph;
    this.counts = counts;
  }

  /** The state for {@code graph}, taking counts from {@code persisted} (others start at 0). */
  public static Dependencies of(JobGraph graph, Collection<EdgeState> persisted) {
    Map<List<String>, Long> counts = new LinkedHashMap<>();
    for (JobGraph.Edge e : graph.edges()) {
      counts.put(List.of(e.parent(), e.child()), 0L);
    }
    for (EdgeState s : persisted) {
      List<String> key = List.of(s.parent(), s.child());
      if (counts.containsKey(key)) {
        counts.put(key, s.completions());
      }
    }
    return new Dependencies(graph, counts);
  }

  /** What a parent's end changed: the new state and the children now due, in graph order. */
  public record Transition(Dependencies state, List<String> dueChildren) {}

  /**
   * A run of {@code parent} ended for good (after its retries).
   *
   * @param succeeded the run succeeded (or was marked successful)
   * @param softError the parent's {@code softError}: a failure still counts as completion
   */
  public Transition parentFinished(String parent, boolean succeeded, boolean softError) {
    if (!succeeded && !softError) {
      return new Transition(this, List.of());
    }
    Map<List<String>, Long> next = new LinkedHashMap<>(counts);
    List<String> due = new ArrayList<>();
    for (String child : graph.children(parent)) {
      List<String> parents = graph.parents(child);
      if (parents.size() == 1) {
        due.add(child);
        continue;
      }
      List<String> key = List.of(parent, child);
      long count = next.get(key) + 1;
      next.put(key, count);
      long min = parents.stream().mapToLong(p -> next.get(List.of(p, child))).min().orElse(0);
      if (count == min) {
        due.add(child);
      }
    }
    return new Transition(new Dependencies(graph, next), due);
  }

  /** {@code child} started (or was marked successful): its edges start counting again. */
  public Dependencies childStarted(String child) {
    Map<List<String>, Long> next = new LinkedHashMap<>(counts);
    for (String p : graph.parents(child)) {
      next.put(List.of(p, child), 0L);
    }
    return new Dependencies(graph, next);
  }

  /** Every edge's state, for the registry. */
  public List<EdgeState> edges() {
    List<EdgeState> out = new ArrayList<>();
    counts.forEach((k, v) -> out.add(new EdgeState(k.get(0), k.get(1), v)));
    return out;
  }
}
