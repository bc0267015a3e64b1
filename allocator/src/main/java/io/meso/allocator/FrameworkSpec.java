package io.meso.allocator;

import java.util.Set;

/**
 * What the allocator needs to know about a framework: the roles it subscribes with, the roles
 * suppressed from the start, and whether it accepts GPU agents (the GPU_RESOURCES capability).
 */
public record FrameworkSpec(Set<String> roles, Set<String> suppressedRoles, boolean gpuAware) {
  public FrameworkSpec {
    roles = Set.copyOf(roles);
    suppressedRoles = Set.copyOf(suppressedRoles);
  }

  public static FrameworkSpec of(String... roles) {
    return new FrameworkSpec(Set.of(roles), Set.of(), false);
  }
}
