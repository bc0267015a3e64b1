package io.meso.services.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.services.placement.KillSelection.Candidate;
import io.meso.services.placement.KillSelection.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scale-down order, as Marathon's ScalingPropositionTest and KillSelectionTest expect it. */
class KillSelectionTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  static Candidate c(String id, Condition condition, int secondsAfterT) {
    return Candidate.of(id, condition, T.plusSeconds(secondsAfterT));
  }

  static final List<Candidate> RUNNING = List.of(
      c("old", Condition.RUNNING, 0), c("young", Condition.RUNNING, 30), c("mid", Condition.RUNNING, 10));

  @Test
  void youngestFirstKillsTheNewestRunningInstance() {
    assertThat(KillSelection.YOUNGEST_FIRST.pick(RUNNING, 2)).extracting(Candidate::id)
        .containsExactly("young", "mid");
  }

  @Test
  void oldestFirstKillsTheLongestRunningInstance() {
    assertThat(KillSelection.OLDEST_FIRST.pick(RUNNING, 2)).extracting(Candidate::id)
        .containsExactly("old", "mid");
  }

  @Test
  void conditionComesBeforeAge() {
    List<Candidate> mixed = List.of(
        c("running", Condition.RUNNING, 100), c("staging", Condition.STAGING, 0),
        c("lost", Condition.UNREACHABLE, 0), c("starting", Condition.STARTING, 0),
        c("other", Condition.OTHER, 500), c("staging2", Condition.STAGING, 5));
    assertThat(KillSelection.OLDEST_FIRST.order(mixed)).extracting(Candidate::id)
        .containsExactly("lost", "staging", "staging2", "starting", "running", "other");
    assertThat(KillSelection.YOUNGEST_FIRST.order(mixed)).extracting(Candidate::id)
        .containsExactly("lost", "staging2", "staging", "starting", "running", "other");
  }

  @Test
  void anInstanceWithoutATimeGoesFirstAmongItsPeers() {
    List<Candidate> list = List.of(c("a", Condition.RUNNING, 5), Candidate.of("b", Condition.RUNNING, null));
    assertThat(KillSelection.OLDEST_FIRST.pick(list, 1)).extracting(Candidate::id).containsExactly("b");
    assertThat(KillSelection.YOUNGEST_FIRST.pick(list, 1)).extracting(Candidate::id).containsExactly("b");
  }

  @Test
  void pickNeverReturnsMoreThanThereAre() {
    assertThat(KillSelection.DEFAULT.pick(RUNNING, 10)).hasSize(3);
    assertThat(KillSelection.DEFAULT.pick(RUNNING, 0)).isEmpty();
    assertThatThrownBy(() -> KillSelection.DEFAULT.pick(RUNNING, -1)).hasMessageContaining("-1");
  }

  @Test
  void parsesTheJsonNames() {
    assertThat(KillSelection.parse("OLDEST_FIRST")).isEqualTo(KillSelection.OLDEST_FIRST);
    assertThat(KillSelection.DEFAULT).isEqualTo(KillSelection.YOUNGEST_FIRST);
    assertThatThrownBy(() -> KillSelection.parse("RANDOM")).hasMessageContaining("'RANDOM'");
  }
}
