package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HierarchicalAllocatorTest {

  private final AllocatorHarness h = new AllocatorHarness();

  /**
   * Cluster cpus:10;mem:40 = agent "used" (cpus:5;mem:14, all in use) + agent "free"
   * (cpus:5;mem:26). Role a (framework fa) holds cpus:2;mem:10: share max(0.2, 0.25) = 0.25;
   * role b (framework fb) holds cpus:3;mem:4: share max(0.3, 0.1) = 0.3; each divided by its
   * weight. The role with the lower weighted share gets the free agent.
   */
  @ParameterizedTest(name = "weights a={0} b={1} -> {2}")
  @CsvSource(textBlock = """
      # a 0.25 < b 0.3
      1,    1,    fa
      # b 0.3/2 = 0.15 < a 0.25
      1,    2,    fb
      # a 0.25/2 = 0.125 < b 0.15
      2,    2,    fa
      # b 0.3/1.25 = 0.24 < a 0.25
      1,    1.25, fb
      # a 0.25/1.1 = 0.227 < b 0.3/1.2 = 0.25
      1.1,  1.2,  fa
      """)
  void rolesServedInWeightedDrfOrder(double weightA, double weightB, String winner) {
    h.allocator.updateWeights(Map.of("a", weightA, "b", weightB));
    h.framework("fa", "a").framework("fb", "b");
    h.agent("used", "cpus:5;mem:14", Map.of(
        "fa", Resources.parse("cpus:2;mem:10"), "fb", Resources.parse("cpus:3;mem:4")));
    h.agent("free", "cpus:5;mem:26");
    assertThat(h.allocator.roleShare("a")).isCloseTo(0.25 / weightA, within(1e-9));
    assertThat(h.allocator.roleShare("b")).isCloseTo(0.3 / weightB, within(1e-9));
    String role = winner.equals("fa") ? "a" : "b";
    assertThat(h.run()).containsExactly(winner + "/" + role + "@free=cpus:5;mem:26");
  }

  @Test
  void frameworksWithinARoleInDrfOrderAndSharesUpdateBetweenAgents() {
    // Total cpus:4. fa holds 1/4 = 0.25, fb 0: a1 to fb (now 0.25); tie, fa first by name:
    // a2 to fa (now 0.5); fb 0.25 < 0.5: a3 to fb. Both end at 2/4 = 0.5.
    h.framework("fa", "r").framework("fb", "r");
    h.agent("a0", "cpus:1", Map.of("fa", Resources.parse("cpus:1")));
    h.agent("a1", "cpus:1").agent("a2", "cpus:1").agent("a3", "cpus:1");
    assertThat(h.run()).containsExactly("fb/r@a1=cpus:1", "fa/r@a2=cpus:1", "fb/r@a3=cpus:1");
    assertThat(h.allocator.dominantShare("fa")).isEqualTo(0.5);
    assertThat(h.allocator.dominantShare("fb")).isEqualTo(0.5);
  }

  @Test
  void nothingIsOfferedTwiceAndRecoveredResourcesComeBack() {
    h.framework("f", "r").agent("a", "cpus:4;mem:64");
    assertThat(h.run()).containsExactly("f/r@a=cpus:4;mem:64");
    assertThat(h.fullRun()).isEmpty();
    assertThat(h.skips("f", SkipReason.NO_FREE_RESOURCES)).isEqualTo(1);
    h.recover("f", "a", "cpus:1;mem:32", 0);
    assertThat(h.allocator.allocated("f", "a")).isEqualTo(Resources.parse("cpus:3;mem:32"));
    assertThat(h.run()).containsExactly("f/r@a=cpus:1;mem:32");
  }

  @Test
  void removedFrameworkFreesItsResourcesForOthers() {
    h.framework("f1", "r").agent("a", "cpus:4;mem:64");
    assertThat(h.run()).containsExactly("f1/r@a=cpus:4;mem:64");
    h.framework("f2", "r");
    assertThat(h.run()).isEmpty();
    h.allocator.removeFramework("f1");
    assertThat(h.allocator.allocated("f1", "a")).isEqualTo(Resources.EMPTY);
    assertThat(h.run()).containsExactly("f2/r@a=cpus:4;mem:64");
  }

  @Test
  void removedAgentReturnsItsShareAndReAddedAgentStartsClean() {
    h.framework("f", "r").agent("a", "cpus:4;mem:64").agent("b", "cpus:4;mem:64");
    h.run();
    assertThat(h.allocator.dominantShare("f")).isEqualTo(1.0);
    h.decline("f", "a", 3600);
    h.allocator.removeAgent("a");
    assertThat(h.allocator.dominantShare("f")).isEqualTo(1.0); // b: 4 of 4 cpus
    h.allocator.removeAgent("b");
    assertThat(h.allocator.dominantShare("f")).isZero();
    h.agent("a", "cpus:4;mem:64");
    assertThat(h.run()).containsExactly("f/r@a=cpus:4;mem:64"); // the old filter is gone
  }

  @Test
  void declineFilterHoldsOnlyForSubsetsAndUntilItExpires() {
    h.framework("f", "r").agent("a", "cpus:4;mem:64");
    assertThat(h.run()).containsExactly("f/r@a=cpus:4;mem:64");
    h.decline("f", "a", 5);
    assertThat(h.advance(1).fullRun()).isEmpty();
    assertThat(h.skips("f", SkipReason.FILTERED)).isEqualTo(1);
    assertThat(h.advance(3.5).fullRun()).isEmpty(); // 4.5 s after the decline
    assertThat(h.advance(0.5).fullRun()).containsExactly("f/r@a=cpus:4;mem:64"); // 5 s: expired
  }

  @Test
  void declineFilterDoesNotHoldWhenTheOfferIsNotASubset() {
    h.framework("f", "r").agent("a", "cpus:4;mem:64");
    h.run();
    h.recover("f", "a", "cpus:2;mem:32", 60); // f keeps cpus:2;mem:32, refuses cpus:2;mem:32
    assertThat(h.fullRun()).isEmpty();
    h.recover("f", "a", "cpus:1", 0); // now cpus:3;mem:32 is free: more than was refused
    assertThat(h.run()).containsExactly("f/r@a=cpus:3;mem:32");
  }

  @Test
  void declineFilterHoldsAtLeastOneAllocationInterval() {
    h.framework("f", "r").agent("a", "cpus:4;mem:64");
    h.run();
    h.decline("f", "a", 0.1); // max(0.1 s, interval 1 s) = 1 s
    assertThat(h.advance(0.5).fullRun()).isEmpty();
    assertThat(h.advance(0.5).fullRun()).containsExactly("f/r@a=cpus:4;mem:64");
  }

  @Test
  void filteredAgentCostsNothingUntilSomethingChanges() {
    h.framework("f", "r").agent("a", "cpus:4;mem:64");
    h.run();
    h.decline("f", "a", 60);
    assertThat(h.fullRun()).isEmpty(); // evaluated: FILTERED counted, agent memoised
    assertThat(h.fullRun()).isEmpty();
    assertThat(h.fullRun()).isEmpty();
    assertThat(h.allocator.unchangedAgentSkips()).isEqualTo(2);
    assertThat(h.skips("f", SkipReason.FILTERED)).isEqualTo(1);
    h.allocator.reviveOffers("f", Set.of()); // clears the filter and the memo
    assertThat(h.run()).containsExactly("f/r@a=cpus:4;mem:64");
  }

  @Test
  void aFrameworkChangeReChecksOnlyThatFrameworksPairs() {
    h.framework("f", "r").framework("g", "r").agent("a", "cpus:4;mem:64").agent("b", "cpus:4;mem:64");
    assertThat(h.run()).containsExactly("f/r@a=cpus:4;mem:64", "g/r@b=cpus:4;mem:64");
    h.decline("f", "a", 60);
    h.decline("g", "b", 60);
    // a: f filtered (f: 1), g takes it; b: f first at share 0 takes it (g not looked at).
    assertThat(h.fullRun()).containsExactly("g/r@a=cpus:4;mem:64", "f/r@b=cpus:4;mem:64");
    h.decline("g", "a", 60);
    h.decline("f", "b", 60);
    assertThat(h.fullRun()).isEmpty(); // both agents walked: f and g filtered on each
    assertThat(h.skips("f", SkipReason.FILTERED)).isEqualTo(3);
    assertThat(h.skips("g", SkipReason.FILTERED)).isEqualTo(2);
    h.allocator.deactivateFramework("g");
    h.allocator.activateFramework("g");
    long hits = h.allocator.unchangedAgentSkips();
    assertThat(h.run()).isEmpty(); // only g's pairs re-checked, on both agents
    assertThat(h.allocator.unchangedAgentSkips()).isEqualTo(hits + 2);
    assertThat(h.skips("f", SkipReason.FILTERED)).isEqualTo(3);
    assertThat(h.skips("g", SkipReason.FILTERED)).isEqualTo(4);
    h.allocator.reviveOffers("g", Set.of());
    assertThat(h.run()).containsExactly("g/r@a=cpus:4;mem:64", "g/r@b=cpus:4;mem:64");
  }

  @Test
  void suppressAndRevive() {
    h.framework("f", "r1", "r2").agent("a", "cpus:4;mem:64");
    h.allocator.suppressOffers("f", Set.of("r1"));
    assertThat(h.run()).containsExactly("f/r2@a=cpus:4;mem:64");
    assertThat(h.skips("f", SkipReason.SUPPRESSED)).isEqualTo(1);
    h.decline("f", "a", 3600);
    h.allocator.suppressOffers("f", Set.of());
    assertThat(h.fullRun()).isEmpty();
    h.allocator.reviveOffers("f", Set.of("r2")); // clears r2's filter too
    assertThat(h.run()).containsExactly("f/r2@a=cpus:4;mem:64");
  }

  @Test
  void suppressedFromTheStartByTheSpec() {
    h.allocator.addFramework("f", new FrameworkSpec(Set.of("r"), Set.of("r"), false), Map.of(), true);
    h.agent("a", "cpus:1");
    assertThat(h.run()).isEmpty();
    h.allocator.updateFramework("f", FrameworkSpec.of("r"));
    assertThat(h.run()).containsExactly("f/r@a=cpus:1");
  }

  @Test
  void gpuAgentsOnlyToGpuAwareFrameworks() {
    h.framework("plain", "r").agent("gpu", "cpus:4;gpus:1").agent("cpu", "cpus:4");
    assertThat(h.run()).containsExactly("plain/r@cpu=cpus:4");
    assertThat(h.skips("plain", SkipReason.GPU_GATED)).isEqualTo(1);
    h.gpuFramework("aware", "r");
    assertThat(h.run()).containsExactly("aware/r@gpu=cpus:4;gpus:1");
  }

  @ParameterizedTest(name = "{0} offered: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      cpus:0.01             | true
      mem:32                | true
      cpus:0.009;mem:31     | false
      disk:1000             | false
      ports:[1-100]         | false
      cpus:0.001;mem:32     | true
      """)
  void minimumAllocatable(String free, boolean offered) {
    h.framework("f", "r").agent("a", free);
    assertThat(h.run()).hasSize(offered ? 1 : 0);
    assertThat(h.skips("f", SkipReason.BELOW_MIN_ALLOCATABLE)).isEqualTo(offered ? 0 : 1);
  }

  @Test
  void minimumAllocatableIsConfigurable() {
    AllocatorHarness zero = new AllocatorHarness(new AllocatorOptions().setMinAllocatableCpus(0).setMinAllocatableMemMb(0));
    zero.framework("f", "r").agent("a", "disk:10");
    assertThat(zero.run()).containsExactly("f/r@a=disk:10");
  }

  @Test
  void inactiveAgentsAndFrameworksAreNotOffered() {
    h.allocator.addFramework("f", FrameworkSpec.of("r"), Map.of(), false);
    h.agent("a", "cpus:1");
    assertThat(h.run()).isEmpty();
    assertThat(h.skips("f", SkipReason.INACTIVE_FRAMEWORK)).isEqualTo(1);
    h.allocator.deactivateAgent("a");
    h.allocator.activateFramework("f");
    assertThat(h.run()).isEmpty();
    assertThat(h.skips("f", SkipReason.INACTIVE_AGENT)).isEqualTo(1);
    h.allocator.activateAgent("a");
    assertThat(h.run()).containsExactly("f/r@a=cpus:1");
  }

  @Test
  void reservedResourcesOnlyToTheirRole() {
    h.framework("ops", "ops").framework("eng", "eng");
    h.agent("a", "cpus:4;cpus(eng):2;mem:64");
    // Both roles at share 0: eng first by name, and it takes the unreserved part too.
    assertThat(h.run()).containsExactly("eng/eng@a=cpus:4;cpus(eng):2;mem:64");
    h.recover("eng", "a", "cpus:4;mem:64", 0);
    // eng now holds cpus(eng):2 (share 2/6), ops 0: ops gets the unreserved part only.
    assertThat(h.run()).containsExactly("ops/ops@a=cpus:4;mem:64");
    h.recover("eng", "a", "cpus(eng):2", 0);
    h.recover("ops", "a", "cpus:4;mem:64", 3600);
    // Both at 0 again (ops's decline filter does not matter): eng first by name takes all.
    assertThat(h.run()).containsExactly("eng/eng@a=cpus:4;cpus(eng):2;mem:64");
  }

  @Test
  void reservedForAnotherRoleIsCountedAndSplitOffersInOneRun() {
    h.framework("ops", "ops").agent("onlyEng", "cpus(eng):2;mem(eng):64");
    assertThat(h.run()).isEmpty();
    assertThat(h.skips("ops", SkipReason.RESERVED_FOR_OTHER_ROLE)).isEqualTo(1);
    h.framework("eng", "eng").agent("mixed", "cpus:1;mem:32;cpus(eng):2");
    // Totals cpus:5;mem:96. onlyEng to eng (first by name at 0); then eng holds
    // max(2/5, 64/96) = 0.67 and ops 0: ops gets mixed's unreserved part and eng the
    // reservation left over, in the same run.
    assertThat(h.run()).containsExactly(
        "eng/eng@onlyEng=cpus(eng):2;mem(eng):64", "ops/ops@mixed=cpus:1;mem:32", "eng/eng@mixed=cpus(eng):2");
  }

  @Test
  void usageReportedBeforeTheFrameworkReturnsIsAttributedWhenItDoes() {
    h.agent("a", "cpus:4;mem:64", Map.of("f", Resources.parse("cpus:3;mem:32")));
    assertThat(h.allocator.allocated("f", "a")).isEqualTo(Resources.parse("cpus:3;mem:32"));
    h.allocator.addFramework("f", FrameworkSpec.of("r"), Map.of("a", Resources.parse("cpus:3;mem:32")), true);
    assertThat(h.allocator.dominantShare("f")).isEqualTo(0.75);
    assertThat(h.run()).containsExactly("f/r@a=cpus:1;mem:32");
    h.allocator.removeFramework("f");
    assertThat(h.allocator.allocated("f", "a")).isEqualTo(Resources.EMPTY);
  }

  @Test
  void usageBeyondTheAgentIsClamped() {
    h.agent("a", "cpus:2", Map.of("f", Resources.parse("cpus:3")));
    h.framework("g", "r");
    assertThat(h.allocator.allocated("f", "a")).isEqualTo(Resources.parse("cpus:2"));
    assertThat(h.run()).isEmpty();
  }

  @Test
  void leavingARoleKeepsItsAllocationUntilRecovered() {
    h.framework("f", "a").agent("x", "cpus:1");
    h.run();
    h.allocator.updateFramework("f", FrameworkSpec.of("b"));
    assertThat(h.allocator.allocated("f", "x")).isEqualTo(Resources.parse("cpus:1"));
    h.recover("f", "x", "cpus:1", 0);
    assertThat(h.run()).containsExactly("f/b@x=cpus:1");
  }

  @Test
  void badCallsNameWhatIsWrong() {
    assertThatThrownBy(() -> h.allocator.activateFramework("nope"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("framework 'nope' is not known to the allocator");
    assertThatThrownBy(() -> h.allocator.updateWeights(Map.of("r", -1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight of role 'r' is -1.0; expected a positive finite number");
    h.agent("a", "cpus:1");
    assertThatThrownBy(() -> h.agent("a", "cpus:1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent 'a' is already added");
  }
}
