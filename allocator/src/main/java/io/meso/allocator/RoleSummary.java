package io.meso.allocator;

import java.util.List;

/**
 * A role as the allocator sees it, for the operator API: its weight, the weighted dominant share
 * of its whole subtree (what its parent's sorter orders it by), what its own frameworks hold,
 * and those frameworks. {@code active} is false for a path that only has a weight set, or is
 * only an ancestor of roles with frameworks.
 */
public record RoleSummary(String role, double weight, double share, Resources allocated, List<String> frameworks,
    boolean active) {
  public RoleSummary {
    frameworks = List.copyOf(frameworks);
  }
}
