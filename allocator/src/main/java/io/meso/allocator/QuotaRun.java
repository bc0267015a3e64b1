package io.meso.allocator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Quota bookkeeping for one allocation run, built only when some role has a quota (so runs
 * without quota pay nothing). At the start of the run it computes, for every role path with a
 * quota, what its subtree consumes (unreserved scalars held by its frameworks plus every scalar
 * reserved to it on any agent), the unreserved scalars free on active agents ({@code available})
 * and the sum of the unmet guarantees of the outermost guaranteed paths ({@code required}), then
 * keeps them up to date as the run offers.
 *
 * <p>Stage 1 ({@link #guaranteeOffer}): a role under an unmet guarantee is offered the
 * guaranteed scalars up to what is still missing (plus unreserved non-scalars such as ports),
 * within its limits. Stage 2 ({@link #fairOffer}): any role is offered what DRF gives it, cut
 * to its limits' headroom and so that what stays free still covers the other roles' unmet
 * guarantees.
 */
final class QuotaRun {

  private static final class Path {
    final String path;
    final Map<String, Long> guarantee;
    final Map<String, Long> limit;
    final Map<String, Long> consumed = new HashMap<>();
    /** No proper ancestor has a guarantee: this path's unmet guarantee counts in required. */
    boolean outermostGuarantee = true;

    Path(String path, Quota quota) {
      this.path = path;
      this.guarantee = quota.millis(quota.guarantees());
      this.limit = quota.millis(quota.limits());
    }

    long need(String name) {
      Long g = guarantee.get(name);
      return g == null ? 0 : Math.max(0, g - consumed.getOrDefault(name, 0L));
    }
  }

  private final Map<String, Path> paths = new HashMap<>();
  private final Map<String, List<Path>> prefixes = new HashMap<>();
  private final Map<String, Long> available = new HashMap<>();
  private final Map<String, Long> required = new HashMap<>();
  /**
   * Roles whose limits leave less than the minimum allocatable cpus and mem: within a run
   * consumption only grows, so once exhausted a role stays so until the run ends.
   */
  private final java.util.Set<String> exhausted = new java.util.HashSet<>();
  /** Roles whose guarantees (and their ancestors') are met; monotone within a run like {@link #exhausted}. */
  private final java.util.Set<String> met = new java.util.HashSet<>();
  private final long minCpus;
  private final long minMem;

  QuotaRun(Map<String, Quota> quotas, Iterable<FrameworkState> frameworks, Iterable<AgentState> agents,
      long minCpusMillis, long minMemMillis) {
    this.minCpus = minCpusMillis;
    this.minMem = minMemMillis;
    quotas.forEach((path, q) -> paths.put(path, new Path(path, q)));
    for (Path p : paths.values()) {
      for (Path q : prefixes(p.path)) {
        if (q != p && !q.guarantee.isEmpty()) {
          p.outermostGuarantee = false;
        }
      }
    }
    for (FrameworkState fw : frameworks) {
      for (Map<String, Resources> byRole : fw.held.values()) {
        byRole.forEach((role, r) -> consume(role, r));
      }
    }
    for (AgentState a : agents) {
      Resources total = a.spec.total();
      if (total.hasReservations()) {
        for (String role : total.reservationRoles()) {
          List<Path> ps = prefixes(role);
          if (!ps.isEmpty()) {
            total.reservedTo(role).forEachScalar((name, m) -> {
              for (Path p : ps) {
                p.consumed.merge(name, m, Long::sum);
              }
            });
          }
        }
      }
      if (a.active) {
        a.free().forEachUnreservedScalar((name, m) -> available.merge(name, m, Long::sum));
      }
    }
    for (Path p : paths.values()) {
      if (p.outermostGuarantee) {
        for (String name : p.guarantee.keySet()) {
          required.merge(name, p.need(name), Long::sum);
        }
      }
    }
  }

  /** How many roles are {@link #exhausted} so far in this run. */
  int exhaustedRoles() {
    return exhausted.size();
  }

  /** Whether some guarantee is unmet (stage 1 has work). */
  boolean anyNeed() {
    for (long v : required.values()) {
      if (v > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Stage 1: what of {@code offerable} the role is offered toward an unmet guarantee of it or an
   * ancestor, or null when it has none (reserved resources wait for stage 2).
   */
  Resources guaranteeOffer(String role, Resources offerable) {
    List<Path> ps = prefixes(role);
    boolean anyGuarantee = false;
    for (Path p : ps) {
      anyGuarantee |= !p.guarantee.isEmpty();
    }
    if (!anyGuarantee || met.contains(role)) {
      return null;
    }
    boolean needs = false;
    for (Path p : ps) {
      for (String name : p.guarantee.keySet()) {
        needs |= p.need(name) > 0;
      }
    }
    if (!needs) {
      met.add(role); // consumption only grows within a run: it stays met
      return null;
    }
    Map<String, Long> caps = new HashMap<>();
    boolean[] needy = {false};
    offerable.forEachUnreservedScalar((name, m) -> {
      long cap = -1;
      for (Path p : ps) {
        if (p.guarantee.containsKey(name)) {
          long need = p.need(name);
          cap = cap < 0 ? need : Math.min(cap, need);
        }
      }
      if (cap > 0) {
        needy[0] = true;
      }
      caps.put(name, Math.max(0, Math.min(cap < 0 ? 0 : cap, limitHeadroom(ps, name))));
    });
    if (!needy[0]) {
      return null;
    }
    return offerable.unreserved().capUnreservedScalars(caps);
  }

  /** Stage 2: {@code offerable} cut to the role's limits and to the headroom other roles' guarantees need. */
  Resources fairOffer(String role, Resources offerable) {
    if (exhausted.contains(role) && !offerable.hasReservations()) {
      return Resources.EMPTY;
    }
    List<Path> ps = prefixes(role);
    if (!ps.isEmpty() && limitHeadroom(ps, "cpus") < minCpus && limitHeadroom(ps, "mem") < minMem) {
      exhausted.add(role);
      if (!offerable.hasReservations()) {
        return Resources.EMPTY;
      }
    }
    Map<String, Long> caps = new HashMap<>();
    offerable.forEachUnreservedScalar((name, m) -> {
      long cap = limitHeadroom(ps, name);
      long req = required.getOrDefault(name, 0L);
      if (req > 0) {
        Path own = outermostGuaranteed(ps);
        long othersNeed = req - (own == null ? 0 : own.need(name));
        cap = Math.min(cap, available.getOrDefault(name, 0L) - othersNeed);
      }
      if (cap < m) {
        caps.put(name, Math.max(0, cap));
      }
    });
    // Reserved scalars were counted as consumed already: offering them changes no limit.
    return caps.isEmpty() ? offerable : offerable.capUnreservedScalars(caps);
  }

  /** The run offered {@code r} to the role. */
  void offered(String role, Resources r) {
    List<Path> ps = prefixes(role);
    Path own = outermostGuaranteed(ps);
    r.forEachUnreservedScalar((name, m) -> {
      if (own != null && own.guarantee.containsKey(name)) {
        long before = own.need(name);
        long after = Math.max(0, before - m);
        required.merge(name, after - before, Long::sum);
      }
      available.merge(name, -m, Long::sum);
    });
    consume(role, r);
  }

  private void consume(String role, Resources r) {
    List<Path> ps = prefixes(role);
    if (!ps.isEmpty()) {
      r.forEachUnreservedScalar((name, m) -> {
        for (Path p : ps) {
          p.consumed.merge(name, m, Long::sum);
        }
      });
    }
  }

  private static long limitHeadroom(List<Path> ps, String name) {
    long cap = Long.MAX_VALUE;
    for (Path p : ps) {
      Long limit = p.limit.get(name);
      if (limit != null) {
        cap = Math.min(cap, limit - p.consumed.getOrDefault(name, 0L));
      }
    }
    return cap;
  }

  private static Path outermostGuaranteed(List<Path> ps) {
    for (Path p : ps) {
      if (p.outermostGuarantee && !p.guarantee.isEmpty()) {
        return p;
      }
    }
    return null;
  }

  /** The quota'd paths among the role and its ancestors, outermost first. */
  private List<Path> prefixes(String role) {
    List<Path> cached = prefixes.get(role);
    if (cached != null) {
      return cached;
    }
    List<Path> out = new ArrayList<>(2);
    int from = 0;
    while (true) {
      int slash = role.indexOf('/', from);
      String prefix = slash < 0 ? role : role.substring(0, slash);
      Path p = paths.get(prefix);
      if (p != null) {
        out.add(p);
      }
      if (slash < 0) {
        break;
      }
      from = slash + 1;
    }
    prefixes.put(role, out);
    return out;
  }
}
