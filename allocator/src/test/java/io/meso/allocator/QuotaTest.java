package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quota: limits cap a role's subtree (allocation plus reservations); guarantees come first, with headroom. */
class QuotaTest {

  private final AllocatorHarness h = new AllocatorHarness();

  private static Quota limit(double cpus) {
    return new Quota(Map.of(), Map.of("cpus", cpus));
  }

  private static Quota guarantee(double cpus) {
    return new Quota(Map.of("cpus", cpus), Map.of());
  }

  private double cpusOf(String role) {
    return h.allocator.roles().get(role).allocated().scalar("cpus");
  }

  @Test
  void aLimitCapsOffersAndThenSkipsWithAReason() {
    h.allocator.updateQuota("a", limit(3));
    h.framework("fa", "a").agent("a1", "cpus:2;mem:100").agent("a2", "cpus:2;mem:100");
    // a1 whole (cpus 2 of 3); a2 cut to the 1 cpu left, mem untouched.
    assertThat(h.run()).containsExactly("fa/a@a1=cpus:2;mem:100", "fa/a@a2=cpus:1;mem:100");
    assertThat(h.fullRun()).isEmpty();
    assertThat(h.skips("fa", SkipReason.QUOTA_LIMIT)).isEqualTo(1); // a2's last cpu
    h.decline("fa", "a1", 0);
    assertThat(h.run()).containsExactly("fa/a@a1=cpus:2;mem:100");
  }

  /**
   * Limit cpus:3 for a; agent r holds cpus(a):2 reserved plus cpus:2 unreserved. The
   * reservation counts as consumed (2 of 3) whether offered or not, so a gets its reserved 2
   * and only 1 unreserved; b, unlimited, gets the unreserved cpu left.
   */
  @Test
  void reservationsCountTowardTheLimit() {
    h.allocator.updateQuota("a", limit(3));
    h.framework("fa", "a").framework("fb", "b").agent("r", "cpus(a):2;cpus:2");
    assertThat(h.run()).containsExactly("fa/a@r=cpus:1;cpus(a):2", "fb/b@r=cpus:1");
  }

  @Test
  void aParentsLimitCapsItsChildrenTogether() {
    h.allocator.updateQuota("eng", limit(3));
    h.framework("fml", "eng/ml").framework("fweb", "eng/web");
    h.agent("a1", "cpus:2").agent("a2", "cpus:2").agent("a3", "cpus:2");
    List<String> offers = h.run();
    // ml gets a1 (2); web then a2 cut to 1; nothing is left under eng's limit for a3.
    assertThat(offers).containsExactly("fml/eng/ml@a1=cpus:2", "fweb/eng/web@a2=cpus:1");
    assertThat(cpusOf("eng/ml") + cpusOf("eng/web")).isEqualTo(3);
  }

  /**
   * 4 agents cpus:2 (8 in all), roles b (no quota) and g. Without quota, DRF alternates (b first
   * by name): 4 and 4. With g guaranteed 6, stage 1 gives g a1..a3 (6), stage 2 gives b a4;
   * guaranteed 4: stage 1 gives g a1, a2, and stage 2 gives b a3 (b 0 < g 0.5) and a4 (0.25 < 0.5).
   */
  @ParameterizedTest(name = "guarantee g={0} -> g gets {1}, b gets {2}")
  @CsvSource(textBlock = """
      0, 4, 4
      4, 4, 4
      6, 6, 2
      8, 8, 0
      """)
  void guaranteesAreServedFirst(double g, double gCpus, double bCpus) {
    if (g > 0) {
      h.allocator.updateQuota("g", guarantee(g));
    }
    h.framework("fb", "b").framework("fg", "g");
    for (int i = 1; i <= 4; i++) {
      h.agent("a" + i, "cpus:2");
    }
    h.run();
    assertThat(cpusOf("g")).isEqualTo(gCpus);
    assertThat(h.allocator.roles().containsKey("b") ? cpusOf("b") : 0).isEqualTo(bCpus);
  }

  /**
   * g is guaranteed 6 cpus of 8 but its framework suppressed offers: stage 1 cannot serve it,
   * and stage 2 holds the 6 back, so b gets only 2. Once g revives, it gets its 6.
   */
  @Test
  void headroomIsHeldBackForAnUnmetGuarantee() {
    h.allocator.updateQuota("g", guarantee(6));
    h.framework("fb", "b").framework("fg", "g");
    h.allocator.suppressOffers("fg", Set.of());
    for (int i = 1; i <= 4; i++) {
      h.agent("a" + i, "cpus:2");
    }
    assertThat(h.run()).containsExactly("fb/b@a1=cpus:2");
    assertThat(h.skips("fb", SkipReason.QUOTA_LIMIT)).isEqualTo(3);
    assertThat(cpusOf("b")).isEqualTo(2);
    h.allocator.reviveOffers("fg", Set.of());
    h.fullRun();
    assertThat(cpusOf("g")).isEqualTo(6);
  }

  @Test
  void badQuotasAreRefusedWithTheFieldAndValue() {
    assertThatThrownBy(() -> new Quota(Map.of("cpus", 3.0), Map.of("cpus", 2.0)))
        .hasMessageContaining("guarantee of cpus is 3.0, above its limit 2.0");
    assertThatThrownBy(() -> new Quota(Map.of("cpus", -1.0), Map.of()))
        .hasMessageContaining("guarantees.cpus is -1.0");
    assertThatThrownBy(() -> new Quota(Map.of(), Map.of("mem", Double.NaN)))
        .hasMessageContaining("limits.mem is NaN");
    assertThatThrownBy(() -> new Quota(Map.of(), Map.of("mem", Double.POSITIVE_INFINITY)))
        .hasMessageContaining("limits.mem is Infinity");
    assertThatThrownBy(() -> h.allocator.updateQuota("", limit(1))).hasMessageContaining("role is empty");
  }

  // ---- properties ----

  record Cluster(List<Integer> agentCpus, List<Integer> limits, List<Long> seeds) {}

  @Provide
  Arbitrary<Cluster> clusters() {
    return Combinators.combine(
        Arbitraries.integers().between(1, 4).list().ofMinSize(1).ofMaxSize(6),
        // limit per role r0..r2; -1: none
        Arbitraries.integers().between(-1, 8).list().ofSize(3),
        Arbitraries.longs().list().ofMinSize(1).ofMaxSize(25)).as(Cluster::new);
  }

  /** Over random clusters and event sequences (runs, declines, recoveries), no role's consumption passes its limit. */
  @Property(tries = 200)
  void limitsAreNeverExceeded(@ForAll("clusters") Cluster c) {
    AllocatorHarness q = new AllocatorHarness();
    for (int r = 0; r < 3; r++) {
      if (c.limits().get(r) >= 0) {
        q.allocator.updateQuota("r" + r, limit(c.limits().get(r)));
      }
      q.framework("f" + r, "r" + r).framework("f" + r + "b", "r" + r);
    }
    for (int i = 0; i < c.agentCpus().size(); i++) {
      q.agent("a" + i, "cpus:" + c.agentCpus().get(i) + ";mem:64");
    }
    java.util.Random random = new java.util.Random(c.seeds().get(0));
    List<String[]> held = new ArrayList<>();
    for (long step : c.seeds()) {
      if (step % 3 != 0 || held.isEmpty()) {
        for (String line : q.fullRun()) {
          held.add(new String[] {line.substring(0, line.indexOf('/')), line.substring(line.indexOf('@') + 1,
              line.indexOf('='))});
        }
      } else {
        String[] pair = held.remove(random.nextInt(held.size()));
        q.decline(pair[0], pair[1], random.nextBoolean() ? 0 : 5);
      }
      for (int r = 0; r < 3; r++) {
        RoleSummary s = q.allocator.roles().get("r" + r);
        double cpus = s == null ? 0 : s.allocated().scalar("cpus");
        if (c.limits().get(r) >= 0) {
          assertThat(cpus).as("role r%d, limit %d", r, c.limits().get(r)).isLessThanOrEqualTo(c.limits().get(r));
        }
      }
    }
  }

  /** When the guarantees add up to no more than the cluster, one run meets every guarantee. */
  @Property(tries = 200)
  void guaranteesAreMetWhenTheClusterCan(@ForAll("clusters") Cluster c) {
    AllocatorHarness q = new AllocatorHarness();
    int total = c.agentCpus().stream().mapToInt(Integer::intValue).sum();
    int[] guarantees = new int[3];
    int left = total;
    for (int r = 0; r < 3; r++) {
      guarantees[r] = Math.max(0, Math.min(left, c.limits().get(r)));
      left -= guarantees[r];
      if (guarantees[r] > 0) {
        q.allocator.updateQuota("r" + r, guarantee(guarantees[r]));
      }
      q.framework("f" + r, "r" + r);
    }
    q.framework("greedy", "a-greedy"); // first by name, no quota: would take everything under plain DRF
    for (int i = 0; i < c.agentCpus().size(); i++) {
      q.agent("a" + i, "cpus:" + c.agentCpus().get(i) + ";mem:64");
    }
    q.run();
    for (int r = 0; r < 3; r++) {
      RoleSummary s = q.allocator.roles().get("r" + r);
      assertThat(s.allocated().scalar("cpus")).as("role r%d guaranteed %d", r, guarantees[r])
          .isGreaterThanOrEqualTo(guarantees[r]);
    }
  }
}
