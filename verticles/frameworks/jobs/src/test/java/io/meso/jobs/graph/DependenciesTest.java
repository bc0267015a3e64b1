package io.meso.jobs.graph;

import static io.meso.jobs.graph.JobGraphTest.dependent;
import static io.meso.jobs.graph.JobGraphTest.scheduled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DependenciesTest {
  private final JobGraph diamond = JobGraph.of(JobGraphTest.diamond());

  @Test
  void singleParentChildRunsAfterEverySuccess() {
    Dependencies d = Dependencies.of(diamond, List.of());
    Dependencies.Transition t = d.parentFinished("a", true, false);
    assertThat(t.dueChildren()).containsExactly("b", "c");
    assertThat(t.state().parentFinished("a", true, false).dueChildren())
        .containsExactly("b", "c");
  }

  @Test
  void diamondChildWaitsForBothParents() {
    Dependencies d = Dependencies.of(diamond, List.of());
    Dependencies.Transition b = d.parentFinished("b", true, false);
    assertThat(b.dueChildren()).isEmpty();
    Dependencies.Transition bAgain = b.state().parentFinished("b", true, false);
    assertThat(bAgain.dueChildren()).isEmpty();
    Dependencies.Transition c = bAgain.state().parentFinished("c", true, false);
    assertThat(c.dueChildren()).containsExactly("d");
    Dependencies started = c.state().childStarted("d");
    assertThat(started.edges()).extracting(EdgeState::completions).containsOnly(0L);
    assertThat(started.parentFinished("c", true, false).dueChildren()).isEmpty();
  }

  @Test
  void aRunsEndSeenAgainIsCountedOnceAndItsMarkOutlivesTheChildsStart() {
    Dependencies d = Dependencies.of(diamond, List.of());
    Dependencies.Transition b1 = d.parentFinished("b", "b-1", Set.of("b-1"), true, false);
    Dependencies.Transition again = b1.state().parentFinished("b", "b-1", Set.of("b-1"), true, false);
    assertThat(again.dueChildren()).isEmpty();
    assertThat(again.state().edges()).contains(new EdgeState("b", "d", 1, List.of("b-1")));

    Dependencies.Transition c1 = again.state().parentFinished("c", "c-1", Set.of("c-1"), true, false);
    assertThat(c1.dueChildren()).containsExactly("d");
    assertThat(c1.state().parentFinished("c", "c-1", Set.of("c-1"), true, false).dueChildren())
        .as("due again before d started: claiming d at c-1's instant again is harmless").containsExactly("d");
    Dependencies started = c1.state().childStarted("d");
    Dependencies.Transition late = started.parentFinished("c", "c-1", Set.of("c-1"), true, false);
    assertThat(late.dueChildren()).as("d started since").isEmpty();
    assertThat(late.state().edges()).contains(new EdgeState("c", "d", 0, List.of("c-1")));

    // Marks go with their runs' claims: unmarked by hand, or dropped as no longer live.
    assertThat(started.unmark("c", "c-1").edges()).contains(new EdgeState("c", "d", 0));
    assertThat(started.unmark("c", "other")).isSameAs(started);
    assertThat(started.parentFinished("c", "c-2", Set.of("c-2"), true, false).state().edges())
        .contains(new EdgeState("c", "d", 1, List.of("c-2")));
  }

  @Test
  void failureCountsOnlyWithSoftError() {
    Dependencies d = Dependencies.of(diamond, List.of());
    assertThat(d.parentFinished("a", false, false).dueChildren()).isEmpty();
    assertThat(d.parentFinished("a", false, true).dueChildren()).containsExactly("b", "c");
    Dependencies afterB = d.parentFinished("b", false, true).state();
    assertThat(afterB.parentFinished("c", true, false).dueChildren()).containsExactly("d");
    assertThat(d.parentFinished("b", false, false).state().parentFinished("c", true, false)
        .dueChildren()).isEmpty();
  }

  @Test
  void edgeStateSurvivesARoundTripThroughTheRegistry() {
    Dependencies d = Dependencies.of(diamond, List.of()).parentFinished("b", true, false)
        .state();
    List<EdgeState> stored = d.edges();
    assertThat(stored).contains(new EdgeState("b", "d", 1), new EdgeState("c", "d", 0));
    Dependencies restored = Dependencies.of(diamond, stored);
    assertThat(restored.parentFinished("c", true, false).dueChildren()).containsExactly("d");
    Dependencies fresh = Dependencies.of(diamond, List.of());
    assertThat(fresh.parentFinished("c", true, false).dueChildren()).isEmpty();
  }

  @Test
  void staleEdgesAreIgnoredAndCountsCannotBeNegative() {
    JobGraph g = JobGraph.of(List.of(scheduled("a"), dependent("b", "a")));
    Dependencies d = Dependencies.of(g, List.of(new EdgeState("x", "b", 5)));
    assertThat(d.edges()).containsExactly(new EdgeState("a", "b", 0));
    assertThatThrownBy(() -> new EdgeState("a", "b", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
