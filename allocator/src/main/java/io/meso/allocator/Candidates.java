package io.meso.allocator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The agents the next allocation run visits: those that may have more to offer since the last
 * run (added, activated, undrained, resources given back), in the order they were marked; or
 * every agent, when something may have made any agent offerable to someone (a framework added,
 * activated or revived, a quota changed). A run on a quiet cluster so visits no agent at all.
 */
final class Candidates {

  private final List<AgentState> marked = new ArrayList<>();
  private boolean all;

  void mark(AgentState a) {
    if (!a.candidate) {
      a.candidate = true;
      marked.add(a);
    }
  }

  void markAll() {
    all = true;
  }

  boolean any() {
    return all || !marked.isEmpty();
  }

  /** The agents a run visits, out of all the allocator's {@code agents} (may include removed ones). */
  Collection<AgentState> toVisit(Collection<AgentState> agents) {
    return all ? agents : marked;
  }

  /** After a run: no agent is a candidate any more. */
  void clear() {
    for (AgentState a : marked) {
      a.candidate = false;
    }
    marked.clear();
    all = false;
  }
}
