package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decline filter scenarios, each run with the fast walk (DRF order as an array, per-agent filter
 * bitsets indexed by subscription) and with the plain walk (a filter lookup per pair): both
 * must offer exactly the expected and count the expected FILTERED skips.
 *
 * <p>Steps, separated by {@code ;}: {@code fw f r1 r2} (add a framework), {@code roles f r1}
 * (update its roles), {@code rmfw f}, {@code agent a RESOURCES}, {@code rmagent a},
 * {@code decline f a SECONDS} (everything f holds on a), {@code recover f a RESOURCES SECONDS},
 * {@code revive f}, {@code wait SECONDS}, {@code run OFFERS} / {@code full OFFERS} (a run over
 * the candidates / every agent; offers {@code f/r@a=resources} separated by {@code ,}, or
 * {@code -} for none).
 */
class DeclineFilterWalkTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # A subscription index is reused after its framework left: no stale bit filters the newcomer.
      index reuse | fw f r > agent a cpus:4;mem:64 > run f/r@a=cpus:4;mem:64 > decline f a 3600 > full - > rmfw f > fw g r > run g/r@a=cpus:4;mem:64 | g=0
      # Same after a role change: f moves from r to z (its filter in r goes), g takes the index.
      role change | fw f r > agent a cpus:4;mem:64 > run f/r@a=cpus:4;mem:64 > decline f a 3600 > full - > roles f z > fw g r > run g/r@a=cpus:4;mem:64 | g=0
      # g refuses cpus:1 (the new shared object): f's filter is then checked in full (a superset), g's by its bit; then cpus:2 is free: not a subset of g's.
      subset | fw f r > fw g r > agent a cpus:4;mem:64 > run f/r@a=cpus:4;mem:64 > decline f a 3600 > full g/r@a=cpus:4;mem:64 > recover g a cpus:1 3600 > run - > recover g a cpus:1 0 > run g/r@a=cpus:2 | f=3 g=1
      # More free than any filter refused: not a subset, offered in DRF order again.
      superset | fw f r > fw g r > agent a cpus:4;mem:64 > run f/r@a=cpus:4;mem:64 > decline f a 60 > full g/r@a=cpus:4;mem:64 > recover g a cpus:2;mem:32 60 > full - > wait 61 > full f/r@a=cpus:2;mem:32 | f=2 g=1
      # Three frameworks: each run offers to the next one not filtered; the memo ends when the filters expire.
      many | fw f0 r > fw f1 r > fw f2 r > agent a cpus:1 > run f0/r@a=cpus:1 > decline f0 a 60 > full f1/r@a=cpus:1 > decline f1 a 60 > full f2/r@a=cpus:1 > decline f2 a 60 > full - > full - > wait 60 > full f0/r@a=cpus:1 | f0=3 f1=2 f2=1
      # Revive clears the bits: offered at once, and the other frameworks' filters still hold.
      revive | fw f r > fw g r > agent a cpus:4;mem:64 > run f/r@a=cpus:4;mem:64 > decline f a 3600 > full g/r@a=cpus:4;mem:64 > decline g a 3600 > full - > revive g > run g/r@a=cpus:4;mem:64 | f=3 g=1
      # The filter holds at least one allocation interval, and the memo expires with it.
      interval | fw f r > agent a cpus:4;mem:64 > run f/r@a=cpus:4;mem:64 > decline f a 0.1 > full - > full - > wait 0.5 > full - > wait 0.5 > full f/r@a=cpus:4;mem:64 | f=1
      # A removed agent takes its filters along; the re-added agent starts clean.
      agent gone | fw f r > agent a cpus:4;mem:64 > run f/r@a=cpus:4;mem:64 > decline f a 3600 > full - > rmagent a > agent a cpus:4;mem:64 > run f/r@a=cpus:4;mem:64 | f=1
      """)
  void scenario(String name, String steps, String filtered) {
    for (boolean fast : List.of(true, false)) {
      AllocatorHarness h = new AllocatorHarness();
      h.allocator.fastWalk = fast;
      for (String step : steps.split(">")) {
        String[] w = step.trim().split(" ");
        String what = name + (fast ? " (fast walk)" : " (plain walk)") + ": " + step.trim();
        switch (w[0]) {
          case "fw" -> h.framework(w[1], Arrays.copyOfRange(w, 2, w.length));
          case "roles" -> h.allocator.updateFramework(w[1], FrameworkSpec.of(Arrays.copyOfRange(w, 2, w.length)));
          case "rmfw" -> h.allocator.removeFramework(w[1]);
          case "agent" -> h.agent(w[1], w[2]);
          case "rmagent" -> h.allocator.removeAgent(w[1]);
          case "decline" -> h.decline(w[1], w[2], Double.parseDouble(w[3]));
          case "recover" -> h.recover(w[1], w[2], w[3], Double.parseDouble(w[4]));
          case "revive" -> h.allocator.reviveOffers(w[1], Set.of());
          case "wait" -> h.advance(Double.parseDouble(w[1]));
          case "run", "full" -> {
            List<String> offers = w[0].equals("run") ? h.run() : h.fullRun();
            List<String> expected = w[1].equals("-") ? List.of() : List.of(w[1].split(","));
            assertThat(offers).as(what).containsExactlyElementsOf(expected);
          }
          default -> throw new IllegalArgumentException("unknown step " + step);
        }
      }
      for (String kv : filtered.trim().split(" ")) {
        String[] p = kv.split("=");
        assertThat(h.skips(p[0], SkipReason.FILTERED)).as("%s: FILTERED of %s (fast walk %s)", name, p[0], fast)
            .isEqualTo(Long.parseLong(p[1]));
        Map<SkipReason, Long> byRole = h.allocator.skipCountsByRole().getOrDefault(p[0], Map.of()).getOrDefault("r", Map.of());
        assertThat(byRole.getOrDefault(SkipReason.FILTERED, 0L)).as("%s: FILTERED of %s in role r", name, p[0])
            .isEqualTo(Long.parseLong(p[1]));
      }
    }
  }
}
