package io.meso.allocator.verticle;

import io.meso.allocator.Allocator;

/**
 * A read of the {@link Allocator}'s state, as a local-only request to
 * {@link io.meso.codecs.Addresses#ALLOCATOR}: the allocator verticle answers on its own event
 * loop, so the reader gets a consistent snapshot without touching the core from another thread.
 */
public enum AllocatorQuery {
  /** {@link Allocator#roles()}: a {@code SortedMap<String, RoleSummary>}. */
  ROLES {
    @Override
    Object ask(Allocator allocator) {
      return allocator.roles();
    }
  },
  /** {@link Allocator#quotas()}: a {@code Map<String, Quota>}. */
  QUOTAS {
    @Override
    Object ask(Allocator allocator) {
      return allocator.quotas();
    }
  },
  /** {@link Allocator#skipCounts()} and {@link Allocator#skipCountsByRole()}: a {@link SkipReport}. */
  SKIP_COUNTS {
    @Override
    Object ask(Allocator allocator) {
      return new SkipReport(allocator.skipCounts(), allocator.skipCountsByRole());
    }
  };

  /** Skip counts by framework, and their role-specific part by framework and role. */
  public record SkipReport(java.util.Map<String, java.util.Map<io.meso.allocator.SkipReason, Long>> byFramework,
      java.util.Map<String, java.util.Map<String, java.util.Map<io.meso.allocator.SkipReason, Long>>> byRole) {}

  abstract Object ask(Allocator allocator);
}
