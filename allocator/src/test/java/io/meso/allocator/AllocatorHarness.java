package io.meso.allocator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives a {@link HierarchicalAllocator} with a fake clock and records what each run decided
 * as {@code framework/role@agent=resources} lines, so tests read as scenarios.
 */
final class AllocatorHarness {

  static final long SECOND = 1_000_000_000L;

  final HierarchicalAllocator allocator;
  long now = 1_000 * SECOND;

  AllocatorHarness() {
    this(new AllocatorOptions().setAllocationInterval(Duration.ofSeconds(1)));
  }

  AllocatorHarness(AllocatorOptions options) {
    allocator = new HierarchicalAllocator(options);
  }

  AllocatorHarness agent(String id, String resources) {
    return agent(id, resources, Map.of());
  }

  AllocatorHarness agent(String id, String resources, Map<String, Resources> used) {
    allocator.addAgent(id, new AgentSpec(id + ".example", Resources.parse(resources), Map.of()), used);
    return this;
  }

  AllocatorHarness framework(String id, String... roles) {
    allocator.addFramework(id, FrameworkSpec.of(roles), Map.of(), true);
    return this;
  }

  AllocatorHarness gpuFramework(String id, String... roles) {
    allocator.addFramework(id, new FrameworkSpec(Set.of(roles), Set.of(), true), Map.of(), true);
    return this;
  }

  AllocatorHarness advance(double seconds) {
    now += (long) (seconds * SECOND);
    return this;
  }

  /** One run over the candidates; checks the invariants after it. */
  List<String> run() {
    List<String> lines = new ArrayList<>();
    for (Allocation a : allocator.allocate(now)) {
      lines.add(a.frameworkId() + "/" + a.role() + "@" + a.agentId() + "=" + a.resources());
    }
    allocator.checkInvariants();
    return lines;
  }

  /** A full run, as the interval timer does. */
  List<String> fullRun() {
    allocator.markAllCandidates();
    return run();
  }

  void decline(String frameworkId, String agentId, double refuseSeconds) {
    allocator.recoverResources(frameworkId, agentId, allocator.allocated(frameworkId, agentId), refuseSeconds, now);
  }

  void recover(String frameworkId, String agentId, String resources, double refuseSeconds) {
    allocator.recoverResources(frameworkId, agentId, Resources.parse(resources), refuseSeconds, now);
  }

  long skips(String frameworkId, SkipReason reason) {
    return allocator.skipCounts().getOrDefault(frameworkId, Map.of()).getOrDefault(reason, 0L);
  }
}
