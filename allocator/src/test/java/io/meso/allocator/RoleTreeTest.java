package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Hierarchical roles: shares roll up the tree, weights apply at every level. */
class RoleTreeTest {

  private final AllocatorHarness h = new AllocatorHarness();

  /**
   * Cluster cpus:10 = agent "used" (cpus:6, all in use) + agent "free" (cpus:4). eng/ml (fml)
   * holds cpus:1, eng/web (fweb) cpus:2, ops (fops) cpus:3. Shares, unweighted: eng/ml 0.1,
   * eng/web 0.2, eng = 0.1 + 0.2 = 0.3 (rolled up), ops 0.3. The root orders eng and ops; the
   * winner's subtree then orders its children. The free agent goes to the first role of the
   * depth-first DRF order.
   */
  @ParameterizedTest(name = "weights eng={0} ops={1} eng/ml={2} -> {3}")
  @CsvSource(textBlock = """
      # eng 0.3 = ops 0.3: tie broken by name, eng first; in eng: ml 0.1 < web 0.2
      1,   1,   1,   fml, eng/ml
      # ops 0.3/2 = 0.15 < eng 0.3: ops, whatever eng's children weigh
      1,   2,   1,   fops, ops
      # eng 0.3/2 = 0.15 < ops 0.3; in eng: ml 0.1 < web 0.2
      2,   1,   1,   fml, eng/ml
      # eng 0.15 < ops 0.3; in eng: web 0.2 < ml 0.1/0.25 = 0.4
      2,   1,   0.25, fweb, eng/web
      # ops 0.3 < eng 0.3/0.9 = 0.333
      0.9, 1,   1,   fops, ops
      """)
  void sharesRollUpAndWeightsApplyPerLevel(double eng, double ops, double ml, String winner, String role) {
    h.allocator.updateWeights(Map.of("eng", eng, "ops", ops, "eng/ml", ml));
    h.framework("fml", "eng/ml").framework("fweb", "eng/web").framework("fops", "ops");
    h.agent("used", "cpus:6", Map.of("fml", Resources.parse("cpus:1"), "fweb", Resources.parse("cpus:2"),
        "fops", Resources.parse("cpus:3")));
    h.agent("free", "cpus:4");
    assertThat(h.allocator.roleShare("eng")).isCloseTo(0.3 / eng, within(1e-9));
    assertThat(h.allocator.roleShare("ops")).isCloseTo(0.3 / ops, within(1e-9));
    assertThat(h.allocator.roleShare("eng/ml")).isCloseTo(0.1 / ml, within(1e-9));
    assertThat(h.allocator.roleShare("eng/web")).isCloseTo(0.2, within(1e-9));
    assertThat(h.run()).containsExactly(winner + "/" + role + "@free=cpus:4");
  }

  /**
   * A role with frameworks of its own and children: eng (feng) holds cpus:1, eng/ml (fml)
   * cpus:3, ops (fops) cpus:2 of cpus:10. eng rolls up to 0.4 > ops 0.2: agent 1 (cpus:1) to
   * ops (now 0.3); agent 2 to ops again (0.3 < 0.4; now 0.4); agent 3: tie 0.4, eng by name;
   * inside eng, its own frameworks (0.1) come before eng/ml (0.3).
   */
  @Test
  void aRoleAndItsChildrenShareTheRolesSubtree() {
    h.framework("feng", "eng").framework("fml", "eng/ml").framework("fops", "ops");
    h.agent("used", "cpus:6", Map.of("feng", Resources.parse("cpus:1"), "fml", Resources.parse("cpus:3"),
        "fops", Resources.parse("cpus:2")));
    h.agent("a1", "cpus:1").agent("a2", "cpus:1").agent("a3", "cpus:1").agent("a4", "cpus:1");
    assertThat(h.allocator.roleShare("eng")).isCloseTo(0.4, within(1e-9));
    assertThat(h.run()).containsExactly("fops/ops@a1=cpus:1", "fops/ops@a2=cpus:1", "feng/eng@a3=cpus:1",
        // eng 0.5 > ops 0.4
        "fops/ops@a4=cpus:1");
    assertThat(h.allocator.roleShare("eng")).isCloseTo(0.5, within(1e-9));
    assertThat(h.allocator.roleShare("eng/ml")).isCloseTo(0.3, within(1e-9));
  }

  @Test
  void weightsChangeAtRuntimeAndRolesAreListed() {
    h.framework("fml", "eng/ml").framework("fops", "ops");
    h.agent("used", "cpus:3", Map.of("fml", Resources.parse("cpus:2"), "fops", Resources.parse("cpus:1")));
    h.agent("free", "cpus:4");
    // Of cpus:7, eng 2/7 > ops 1/7: ops would get the free agent
    assertThat(h.allocator.roleShare("eng")).isCloseTo(2.0 / 7, within(1e-9));
    h.allocator.updateWeights(Map.of("eng", 4.0, "qa", 3.0));
    // eng (2/7)/4 = 1/14 < ops 1/7
    assertThat(h.run()).containsExactly("fml/eng/ml@free=cpus:4");
    Map<String, RoleSummary> roles = h.allocator.roles();
    assertThat(roles.keySet()).containsExactly("eng", "eng/ml", "ops", "qa");
    assertThat(roles.get("eng").active()).isFalse(); // an ancestor only
    assertThat(roles.get("eng").weight()).isEqualTo(4.0);
    assertThat(roles.get("eng/ml").allocated()).isEqualTo(Resources.parse("cpus:6"));
    assertThat(roles.get("eng/ml").frameworks()).containsExactly("fml");
    assertThat(roles.get("qa").active()).isFalse();
    assertThat(roles.get("qa").weight()).isEqualTo(3.0);
    // Once its only framework leaves and gives everything back, the role and its empty ancestor go.
    h.allocator.removeFramework("fml");
    assertThat(h.allocator.roles().keySet()).containsExactly("eng", "ops", "qa"); // eng: weight set
    assertThat(h.allocator.roles().get("eng").share()).isZero();
  }

  /**
   * Static reservations go to their role and its descendants only: cpus(eng):2 may be offered to
   * eng/ml, never to ops or to engineering (a name that merely starts with "eng").
   */
  @Test
  void reservationsAreOfferedToTheRoleAndItsDescendantsOnly() {
    h.framework("fops", "ops").framework("fengineering", "engineering").framework("fml", "eng/ml");
    h.agent("used", "cpus:1", Map.of("fml", Resources.parse("cpus:1")));
    h.agent("r", "cpus(eng):2;cpus:1");
    // Of cpus:4, eng holds 0.25, the others 0: engineering (first by name) takes the unreserved
    // cpu; ops finds only eng's reservation (skipped, reserved for another role); eng/ml gets it.
    assertThat(h.run()).containsExactly("fengineering/engineering@r=cpus:1", "fml/eng/ml@r=cpus(eng):2");
    assertThat(Resources.parse("cpus(eng):2;cpus:1").allocatableTo("eng/ml/x"))
        .isEqualTo(Resources.parse("cpus(eng):2;cpus:1"));
    assertThat(Resources.parse("cpus(eng/ml):2;cpus:1").allocatableTo("eng"))
        .isEqualTo(Resources.parse("cpus:1"));
    assertThat(h.skips("fops", SkipReason.RESERVED_FOR_OTHER_ROLE)).isEqualTo(1);
  }

  /** Skips are counted per framework and, for role-specific reasons, per (framework, role). */
  @Test
  void skipCountsAreSplitByRole() {
    h.allocator.addFramework("multi", new FrameworkSpec(Set.of("eng/ml", "ops"), Set.of("ops"), false), Map.of(),
        true);
    h.agent("a1", "cpus:1");
    assertThat(h.run()).containsExactly("multi/eng/ml@a1=cpus:1");
    h.decline("multi", "a1", 60);
    // eng/ml: filtered; ops: suppressed from the start.
    assertThat(h.fullRun()).isEmpty();
    Map<String, Map<SkipReason, Long>> byRole = h.allocator.skipCountsByRole().get("multi");
    assertThat(byRole.get("eng/ml")).containsEntry(SkipReason.FILTERED, 1L).doesNotContainKey(SkipReason.SUPPRESSED);
    // Run 1 stopped after eng/ml took the whole agent: ops was only looked at in run 2.
    assertThat(byRole.get("ops")).containsEntry(SkipReason.SUPPRESSED, 1L);
    assertThat(h.skips("multi", SkipReason.SUPPRESSED)).isEqualTo(1);
    assertThat(h.skips("multi", SkipReason.FILTERED)).isEqualTo(1);
  }
}
