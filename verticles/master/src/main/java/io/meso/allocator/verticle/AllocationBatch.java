package io.meso.allocator.verticle;

import io.meso.allocator.Allocation;
import java.util.List;

/**
 * The offers one allocation run decided, sent local-only to
 * {@link io.meso.codecs.Addresses#ALLOCATIONS}; {@code runNanos} is how long the run took.
 */
public record AllocationBatch(List<Allocation> allocations, long runNanos) {
  public AllocationBatch {
    allocations = List.copyOf(allocations);
  }
}
