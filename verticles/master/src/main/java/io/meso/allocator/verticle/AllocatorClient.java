package io.meso.allocator.verticle;

import io.meso.allocator.RoleSummary;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.Map;
import java.util.SortedMap;

/**
 * The master's handle on the allocator verticle: the {@link AllocatorCommands} mutators, each
 * sending an {@link AllocatorCommand} to {@link Addresses#ALLOCATOR}, and the queries. Offers
 * come back as {@link AllocationBatch} messages on {@link Addresses#ALLOCATIONS}. Requires {@link MesoCodecs#register} on the Vert.x instance.
 */
public final class AllocatorClient extends AllocatorCommands {

  private final EventBus bus;

  public AllocatorClient(EventBus bus) {
    super(command -> bus.send(Addresses.ALLOCATOR, command, MesoCodecs.LOCAL));
    this.bus = bus;
  }

  /** Quotas by role path (see {@link io.meso.allocator.Allocator#quotas()}). */
  @SuppressWarnings("unchecked")
  public Future<Map<String, io.meso.allocator.Quota>> quotas() {
    return bus.request(Addresses.ALLOCATOR, AllocatorQuery.QUOTAS, MesoCodecs.LOCAL)
        .map(m -> (Map<String, io.meso.allocator.Quota>) m.body());
  }

  /** Every role the allocator knows, by path (see {@link io.meso.allocator.Allocator#roles()}). */
  @SuppressWarnings("unchecked")
  public Future<SortedMap<String, RoleSummary>> roles() {
    return bus.request(Addresses.ALLOCATOR, AllocatorQuery.ROLES, MesoCodecs.LOCAL)
        .map(m -> (SortedMap<String, RoleSummary>) m.body());
  }

  /**
   * Skip counts by framework id and reason, and by framework, role and reason (see
   * {@link io.meso.allocator.Allocator#skipCounts()}).
   */
  public Future<AllocatorQuery.SkipReport> skipCounts() {
    return bus.request(Addresses.ALLOCATOR, AllocatorQuery.SKIP_COUNTS, MesoCodecs.LOCAL)
        .map(m -> (AllocatorQuery.SkipReport) m.body());
  }
}
