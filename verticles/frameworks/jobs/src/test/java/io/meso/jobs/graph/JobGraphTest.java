package io.meso.jobs.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.jobs.job.Job;
import io.meso.jobs.job.JobDefaults;
import io.meso.jobs.job.JobJson;
import io.meso.jobs.job.JobValidationException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobGraphTest {
  static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

  static Job scheduled(String name) {
    return JobJson.parse("{\"name\":\"" + name + "\",\"schedule\":\"R/2024-01-01T00:00:00Z/P1D\"}",
        JobDefaults.CHRONOS, NOW);
  }

  static Job dependent(String name, String... parents) {
    return JobJson.parse("{\"name\":\"" + name + "\",\"parents\":[\""
        + String.join("\",\"", parents) + "\"]}", JobDefaults.CHRONOS, NOW);
  }

  /** a → b, a → c, b → d, c → d. */
  static List<Job> diamond() {
    return List.of(dependent("d", "b", "c"), dependent("b", "a"), scheduled("a"),
        dependent("c", "a"));
  }

  @Test
  void dotMatchesJgraphtsExporterWithScheduledJobsFirst() {
    assertThat(JobGraph.of(diamond()).dot()).isEqualTo("digraph G {\n"
        + "  1 [ label=\"a\" ];\n"
        + "  2 [ label=\"d\" ];\n"
        + "  3 [ label=\"b\" ];\n"
        + "  4 [ label=\"c\" ];\n"
        + "  3 -> 2;\n"
        + "  4 -> 2;\n"
        + "  1 -> 3;\n"
        + "  1 -> 4;\n"
        + "}\n");
  }

  @Test
  void csvMatchesChronosExporter() {
    Job ok = JobJson.parse("{\"name\":\"a\",\"lastSuccess\":\"2024-01-02T00:00:00.000Z\","
        + "\"lastError\":\"2024-01-01T00:00:00.000Z\"}", JobDefaults.CHRONOS, NOW);
    Job bad = JobJson.parse("{\"name\":\"b\",\"parents\":[\"a\"],\"lastError\":"
        + "\"2024-01-01T00:00:00.000Z\"}", JobDefaults.CHRONOS, NOW);
    Job later = JobJson.parse("{\"name\":\"c\",\"parents\":[\"a\"],\"lastSuccess\":"
        + "\"2024-01-01T00:00:00.000Z\",\"lastError\":\"2024-01-02T00:00:00.000+01:00\"}",
        JobDefaults.CHRONOS, NOW);
    String csv = JobGraph.of(List.of(ok, bad, later, scheduled("fresh")))
        .csv(n -> n.equals("b") ? "2 running" : "idle");
    assertThat(csv).isEqualTo("node,a,success,idle\nnode,fresh,fresh,idle\n"
        + "node,b,failure,2 running\nnode,c,failure,idle\nlink,a,b\nlink,a,c\n");
  }

  @Test
  void dependentJobsWithMissingParentsAreLeftOutLikeChronos() {
    JobGraph g = JobGraph.of(List.of(scheduled("a"), dependent("b", "a", "ghost"),
        dependent("c", "b"), dependent("d", "a")));
    assertThat(g.jobs()).extracting(Job::name).containsExactly("a", "d");
    assertThat(g.edges()).containsExactly(new JobGraph.Edge("a", "d"));
  }

  @Test
  void cyclesAreRefusedNamingTheCycle() {
    List<Job> existing = List.of(scheduled("x"), dependent("a", "x"), dependent("b", "a"),
        dependent("c", "b"));
    assertThatThrownBy(() -> JobGraph.checkSubmit(dependent("a", "c"), existing))
        .isInstanceOfSatisfying(JobValidationException.class, e -> {
          assertThat(e.field()).isEqualTo("parents");
          assertThat(e.getMessage()).isEqualTo("parents: 'c' is not valid: the dependencies "
              + "would form a cycle: a -> b -> c -> a");
        });
    assertThatThrownBy(() -> JobGraph.checkSubmit(dependent("b", "a", "b"), existing))
        .hasMessageEndingWith("would form a cycle: b -> b");
    List<Job> twoCycle = List.of(scheduled("x"), dependent("b", "a"));
    assertThatThrownBy(() -> JobGraph.checkSubmit(dependent("a", "b"), twoCycle))
        .hasMessageEndingWith("would form a cycle: a -> b -> a");
    JobGraph.checkSubmit(dependent("a", "x"), existing);
    JobGraph.checkSubmit(dependent("d", "a", "c"), existing);
    JobGraph.checkSubmit(scheduled("a"), existing);
  }

  @Test
  void missingAndEmptyParentsAreRefused() {
    assertThatThrownBy(() -> JobGraph.checkSubmit(dependent("a", "nope"), List.of()))
        .hasMessage("parents: 'nope' is not valid: parent job 'nope' does not exist");
    Job noParents = JobJson.parse("{\"name\":\"a\",\"parents\":[]}", JobDefaults.CHRONOS, NOW);
    assertThatThrownBy(() -> JobGraph.checkSubmit(noParents, List.of()))
        .hasMessageContaining("a dependent job needs a parent");
  }

  @Test
  void deleteRewiresChildrenLikeChronos() {
    JobGraph g = JobGraph.of(List.of(scheduled("a"), scheduled("z"), dependent("b", "a"),
        dependent("c", "b", "z")));
    List<Job> afterB = g.childrenAfterDelete("b");
    assertThat(afterB).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("c");
      assertThat(c.parents()).containsExactly("z", "a");
    });
    List<Job> afterA = g.childrenAfterDelete("a");
    assertThat(afterA).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(Job.Kind.ISO);
      assertThat(c.schedule()).isEqualTo("R/2024-01-01T00:00:00Z/P1D");
    });
    assertThat(g.childrenAfterDelete("c")).isEmpty();
  }
}
