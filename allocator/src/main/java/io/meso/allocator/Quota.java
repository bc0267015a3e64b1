package io.meso.allocator;

import java.util.Map;
import java.util.TreeMap;

/**
 * A role's quota over scalar resources, in units ({@code cpus: 2, mem: 4096}).
 *
 * <p>{@code limits} cap what the role's whole subtree consumes (allocated, offered or used,
 * plus everything reserved to roles of the subtree): never exceeded by an offer. {@code
 * guarantees} are served in a first stage of each allocation run, before fair sharing, and
 * while a guarantee is unmet the resources it still needs are held back from other roles
 * (headroom). A resource without a limit is unlimited; without a guarantee, not guaranteed.
 */
public record Quota(Map<String, Double> guarantees, Map<String, Double> limits) {

  public static final Quota NONE = new Quota(Map.of(), Map.of());

  /** Validates: names non-empty, values finite and >= 0, each guarantee at most its limit. */
  public Quota {
    guarantees = check("guarantees", guarantees);
    limits = check("limits", limits);
    for (Map.Entry<String, Double> g : guarantees.entrySet()) {
      Double limit = limits.get(g.getKey());
      if (limit != null && g.getValue() > limit) {
        throw new IllegalArgumentException("guarantee of " + g.getKey() + " is " + g.getValue() + ", above its limit "
            + limit + "; a guarantee must be at most the limit");
      }
    }
  }

  public boolean isEmpty() {
    return guarantees.isEmpty() && limits.isEmpty();
  }

  private static Map<String, Double> check(String field, Map<String, Double> values) {
    Map<String, Double> out = new TreeMap<>();
    values.forEach((name, v) -> {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(field + " has a resource without a name; expected names like cpus or mem");
      }
      if (v == null || !(v >= 0) || v.isInfinite()) {
        throw new IllegalArgumentException(field + "." + name + " is " + v + "; expected a finite number >= 0");
      }
      out.put(name, v);
    });
    return java.util.Collections.unmodifiableMap(out);
  }

  Map<String, Long> millis(Map<String, Double> values) {
    Map<String, Long> out = new java.util.HashMap<>();
    values.forEach((name, v) -> out.put(name, ResourceParser.toMillis(v)));
    return out;
  }
}
