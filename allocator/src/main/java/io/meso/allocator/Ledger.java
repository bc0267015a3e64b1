package io.meso.allocator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who holds what: the frameworks and agents {@link HierarchicalAllocator} knows, and what each
 * framework holds (offered or used) on each agent in which role. Every change is booked in
 * three places that must agree: on the agent ({@link AgentState#allocated},
 * {@link AgentState#byFramework}), on the framework ({@link FrameworkState#held}) and in the
 * role tree's sorters (the shares). Usage an agent reports for a framework the allocator does
 * not know yet is held, unattributed, until the framework is added (then it is the framework's)
 * or removed (then it is freed). An agent that gets resources back becomes a {@link Candidates
 * candidate} of the next run.
 */
final class Ledger {

  private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);
  private static final String DEFAULT_ROLE = "*";

  final Map<String, FrameworkState> frameworks = new HashMap<>();
  /** Insertion order: the order runs visit agents in. */
  final Map<String, AgentState> agents = new LinkedHashMap<>();
  /** Framework id -> agents holding usage of that not-yet-known framework. */
  private final Map<String, Set<String>> pendingUsage = new HashMap<>();
  private final RoleTree roles;
  private final Candidates candidates;

  Ledger(RoleTree roles, Candidates candidates) {
    this.roles = roles;
    this.candidates = candidates;
  }

  FrameworkState framework(String frameworkId) {
    FrameworkState fw = frameworks.get(frameworkId);
    if (fw == null) {
      throw new IllegalArgumentException("framework '" + frameworkId + "' is not known to the allocator");
    }
    return fw;
  }

  AgentState agent(String agentId) {
    AgentState a = agents.get(agentId);
    if (a == null) {
      throw new IllegalArgumentException("agent '" + agentId + "' is not known to the allocator");
    }
    return a;
  }

  /** The framework's subscription to the role, now subscribed. */
  Subscription subscribe(FrameworkState fw, String role) {
    Subscription sub = roles.subscription(fw, role);
    sub.subscribed = true;
    return sub;
  }

  /**
   * Books a newly added framework's usage: first what agents reported for it before it came
   * (authoritative), then {@code usedByAgent} on the other agents.
   */
  void addUsage(FrameworkState fw, Map<String, Resources> usedByAgent) {
    String frameworkId = fw.id;
    Set<String> pending = pendingUsage.remove(frameworkId);
    if (pending != null) {
      for (String agentId : pending) {
        AgentState a = agents.get(agentId);
        track(fw, a, a.unattributed.remove(frameworkId));
      }
    }
    usedByAgent.forEach((agentId, used) -> {
      AgentState a = agents.get(agentId);
      if (a != null && (pending == null || !pending.contains(agentId))) {
        track(fw, a, take(a, frameworkId, used, "framework " + frameworkId));
      }
    });
  }

  /** Books a newly added agent's usage, by framework (unattributed for frameworks not known yet). */
  void addUsage(AgentState a, Map<String, Resources> usedByFramework) {
    usedByFramework.forEach((frameworkId, used) -> {
      Resources taken = take(a, frameworkId, used, "agent " + a.id);
      FrameworkState fw = frameworks.get(frameworkId);
      if (fw != null) {
        track(fw, a, taken);
      } else if (!taken.isEmpty()) {
        a.unattributed.merge(frameworkId, taken, Resources::plus);
        pendingUsage.computeIfAbsent(frameworkId, k -> new HashSet<>()).add(a.id);
      }
    });
  }

  /** Frees everything a removed framework holds; the agents become candidates. */
  void release(FrameworkState fw) {
    for (Map.Entry<String, Map<String, Resources>> e : List.copyOf(fw.held.entrySet())) {
      AgentState a = agents.get(e.getKey());
      for (Map.Entry<String, Resources> byRole : List.copyOf(e.getValue().entrySet())) {
        untrack(fw, fw.subscriptions.get(byRole.getKey()), a, byRole.getValue());
        give(a, fw.id, byRole.getValue());
      }
      candidates.mark(a);
    }
  }

  /** Frees the usage agents reported for a framework that is removed before it was ever added. */
  void dropPendingUsage(String frameworkId) {
    Set<String> pending = pendingUsage.remove(frameworkId);
    if (pending != null) {
      for (String agentId : pending) {
        AgentState a = agents.get(agentId);
        give(a, frameworkId, a.unattributed.remove(frameworkId));
        candidates.mark(a);
      }
    }
  }

  /** Takes a removed agent (already out of {@link #agents}) off its frameworks' books and the shares. */
  void unbook(AgentState a) {
    for (String frameworkId : a.byFramework.keySet()) {
      FrameworkState fw = frameworks.get(frameworkId);
      if (fw == null) {
        Set<String> pending = pendingUsage.get(frameworkId);
        if (pending != null && pending.remove(a.id) && pending.isEmpty()) {
          pendingUsage.remove(frameworkId);
        }
        continue;
      }
      Map<String, Resources> byRole = fw.held.get(a.id);
      if (byRole != null) {
        for (Map.Entry<String, Resources> e : List.copyOf(byRole.entrySet())) {
          untrack(fw, fw.subscriptions.get(e.getKey()), a, e.getValue());
        }
      }
    }
  }

  /**
   * Frees what of {@code resources} the framework holds on the agent: first its unattributed
   * usage there, then role by role in name order (a framework holding the same resources in two
   * roles gives back from roles in that order), telling {@code givenBack} each role's part.
   * Returns the part it did not hold.
   */
  Resources recover(String frameworkId, AgentState a, Resources resources,
      BiConsumer<Subscription, Resources> givenBack) {
    Resources remaining = resources;
    Resources pending = a.unattributed.get(frameworkId);
    if (pending != null) {
      Resources back = pending.intersection(remaining);
      give(a, frameworkId, back);
      putOrRemove(a.unattributed, frameworkId, pending.minus(back));
      remaining = remaining.minus(back);
    }
    FrameworkState fw = frameworks.get(frameworkId);
    Map<String, Resources> byRole = fw == null ? null : fw.held.get(a.id);
    if (byRole != null) {
      for (Map.Entry<String, Resources> e : new TreeMap<>(byRole).entrySet()) {
        Resources back = e.getValue().intersection(remaining);
        if (back.isEmpty()) {
          continue;
        }
        Subscription sub = fw.subscriptions.get(e.getKey());
        untrack(fw, sub, a, back);
        give(a, frameworkId, back);
        remaining = remaining.minus(back);
        givenBack.accept(sub, back);
      }
    }
    return remaining;
  }

  /** Books an offer made by an allocation run and adds it to {@code out}. */
  void offer(Subscription sub, AgentState a, Resources resources, List<Allocation> out) {
    // resources were computed from a.free(), so no need to clamp like take() does
    a.allocated = a.allocated.plus(resources);
    a.byFramework.merge(sub.framework.id, resources, Resources::plus);
    a.version++;
    track(sub.framework, sub, a, resources);
    out.add(new Allocation(sub.framework.id, sub.role, a.id, resources));
  }

  /** Throws IllegalStateException if an agent's allocation is not its frameworks' sum or exceeds its total. */
  void checkInvariants() {
    for (AgentState a : agents.values()) {
      Resources sum = a.byFramework.values().stream().reduce(Resources.EMPTY, Resources::plus);
      if (!sum.equals(a.allocated) || !a.spec.total().contains(a.allocated)) {
        throw new IllegalStateException("agent " + a.id + ": allocated " + a.allocated + ", frameworks hold " + sum
            + ", total " + a.spec.total());
      }
    }
  }

  /** Adds what of {@code used} is free to what the framework holds on the agent; returns that part. */
  private Resources take(AgentState a, String frameworkId, Resources used, String source) {
    Resources taken = used.intersection(a.free());
    if (!taken.equals(used)) {
      LOG.warn("usage exceeds free resources, keeping the free part source={} agentId={} frameworkId={} used={} free={}",
          source, a.id, frameworkId, used, a.free());
    }
    if (!taken.isEmpty()) {
      a.allocated = a.allocated.plus(taken);
      a.byFramework.merge(frameworkId, taken, Resources::plus);
      a.version++;
    }
    return taken;
  }

  /** Frees resources the framework held on the agent. */
  private void give(AgentState a, String frameworkId, Resources back) {
    if (!back.isEmpty()) {
      a.allocated = a.allocated.minus(back);
      putOrRemove(a.byFramework, frameworkId, a.byFramework.getOrDefault(frameworkId, Resources.EMPTY).minus(back));
      a.version++;
    }
  }

  /** Attributes usage to the framework's roles: reserved parts to their role, the rest to its first role. */
  private void track(FrameworkState fw, AgentState a, Resources used) {
    if (used == null || used.isEmpty()) {
      return;
    }
    Resources rest = used;
    for (String role : used.reservationRoles()) {
      Resources part = used.reservedTo(role);
      track(fw, roles.subscription(fw, role), a, part);
      rest = rest.minus(part);
    }
    if (!rest.isEmpty()) {
      String role = fw.spec.roles().isEmpty() ? DEFAULT_ROLE : new TreeSet<>(fw.spec.roles()).first();
      track(fw, roles.subscription(fw, role), a, rest);
    }
  }

  private void track(FrameworkState fw, Subscription sub, AgentState a, Resources r) {
    Map<String, Resources> byRole = fw.held.computeIfAbsent(a.id, k -> new HashMap<>());
    if (byRole.merge(sub.role, r, Resources::plus) == r) {
      sub.agentsHeld++;
    }
    roles.allocated(sub, a.id, r);
  }

  private void untrack(FrameworkState fw, Subscription sub, AgentState a, Resources r) {
    Map<String, Resources> byRole = fw.held.get(a.id);
    Resources left = byRole.get(sub.role).minus(r);
    putOrRemove(byRole, sub.role, left);
    if (byRole.isEmpty()) {
      fw.held.remove(a.id);
    }
    roles.unallocated(sub, a.id, r);
    if (left.isEmpty()) {
      sub.agentsHeld--;
      roles.dropIfIdle(sub);
    }
  }

  private static void putOrRemove(Map<String, Resources> map, String key, Resources value) {
    if (value.isEmpty()) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }
}
