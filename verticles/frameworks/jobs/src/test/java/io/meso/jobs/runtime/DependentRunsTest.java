package io.meso.jobs.runtime;

import static io.meso.jobs.runtime.Harness.cronJob;
import static io.meso.jobs.runtime.Harness.dependentJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.jobs.job.Job;
import io.meso.jobs.job.JobValidationException;
import io.meso.v1.TaskState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Dependent jobs at run time: a child runs after every parent completed since its last run
 * (a diamond), softError lets a failure count, the edge counts live in the registry so a new
 * leader continues them, and the graph refuses cycles and rewires children of a deleted job.
 */
class DependentRunsTest {

  static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
  static final Instant DUE = Instant.parse("2025-03-03T10:05:00Z");

  /** a (every 5 minutes) → b, c → d. */
  static Harness diamond() {
    Harness h = new Harness(T0);
    h.submit(cronJob("a", "*/5 * * * *"));
    h.submit(dependentJob("b", "a"));
    h.submit(dependentJob("c", "a"));
    h.submit(dependentJob("d", "b", "c"));
    return h;
  }

  /** The diamond at DUE: a and b finished, c running; d waits for c. */
  static Harness joinHalfWay() {
    Harness h = diamond();
    h.at(DUE);
    h.offerPlenty();
    h.runTo(task("a"), TaskState.TASK_FINISHED);
    h.offerPlenty();
    h.runTo(task("b"), TaskState.TASK_FINISHED);
    h.status(task("c"), TaskState.TASK_RUNNING);
    return h;
  }

  static String task(String job) {
    return TaskIds.of(job, DUE, 0);
  }

  @Test
  void aDiamondRunsTheJoinOnceBothBranchesSucceeded() {
    Harness h = diamond();
    h.at(DUE);
    h.offerPlenty();
    h.runTo(task("a"), TaskState.TASK_FINISHED);
    assertThat(h.storedClaims()).as("children at the parent run's instant")
        .containsOnlyKeys(Claim.key("b", DUE), Claim.key("c", DUE));

    h.offerPlenty();
    h.runTo(task("b"), TaskState.TASK_FINISHED);
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("c", DUE));
    assertThat(h.registry.get(Sections.EDGES)).containsOnlyKeys("b/d");

    h.runTo(task("c"), TaskState.TASK_FINISHED);
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("d", DUE));
    assertThat(h.registry.get(Sections.EDGES)).as("d started: its edges are back to 0").isEmpty();
    assertThat(h.storedClaims().get(Claim.key("d", DUE)).trigger()).isEqualTo(Claim.Trigger.DEPENDENCY);
  }

  @Test
  void edgeCountsSurviveALeaderChange() {
    Harness h = joinHalfWay();

    h.newLeader(); // Chronos kept edge counts in memory: its new leader never ran d (Ch#811)
    h.reconciled(task("c"), TaskState.TASK_RUNNING);
    h.status(task("c"), TaskState.TASK_FINISHED);
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("d", DUE));
  }

  @Test
  void aParentsEndThatComesAgainAfterAFailoverIsNotCountedTwiceOnTheJoinsEdge() {
    Harness h = joinHalfWay();
    byte[] cClaim = h.registry.get(Sections.CLAIMS).get(Claim.key("c", DUE));
    h.status(task("c"), TaskState.TASK_FINISHED);
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("d", DUE));
    assertThat(h.registry.get(Sections.EDGES)).isEmpty();

    // What the registry held when the leader died: c's end counted on the edges (d claimed, its
    // edges back to 0), and neither c's history nor the removal of its claim stored yet.
    h.registry.get(Sections.RUNS).remove("c");
    h.registry.get(Sections.CLAIMS).put(Claim.key("c", DUE), cClaim);
    h.registry.get(Sections.EDGES).put("c/d", StateJson.edge(new io.meso.jobs.graph.EdgeState("c", "d", 0,
        java.util.List.of(task("c")))));

    h.newLeader();
    h.status(task("c"), TaskState.TASK_FINISHED); // the agent resends the unacknowledged update
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("d", DUE));
    assertThat(h.registry.get(Sections.EDGES)).as("c's end counted once, d started since").isEmpty();

    // d runs; then b alone completes again: d waits for c.
    h.offerPlenty();
    h.runTo(task("d"), TaskState.TASK_FINISHED);
    Instant next = DUE.plus(java.time.Duration.ofMinutes(5));
    h.at(next);
    h.offerPlenty();
    h.runTo(TaskIds.of("a", next, 0), TaskState.TASK_FINISHED);
    h.offerPlenty();
    h.runTo(TaskIds.of("b", next, 0), TaskState.TASK_FINISHED);
    assertThat(h.storedClaims()).as("only c is left to run").containsOnlyKeys(Claim.key("c", next));
    h.runTo(TaskIds.of("c", next, 0), TaskState.TASK_FINISHED);
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("d", next));
  }

  @Test
  void aFailedBranchHoldsTheJoinBack() {
    Harness h = diamond();
    h.at(DUE);
    h.offerPlenty();
    h.runTo(task("a"), TaskState.TASK_FINISHED);
    h.offerPlenty();
    h.runTo(task("b"), TaskState.TASK_FINISHED);
    h.runTo(task("c"), TaskState.TASK_FAILED);
    assertThat(h.storedClaims()).isEmpty();
  }

  @Test
  void withSoftErrorAFailedParentStillReleasesItsChildren() {
    Harness h = new Harness(T0);
    h.submit(cronJob("soft", "*/5 * * * *").put("softError", true));
    h.submit(cronJob("hard", "*/5 * * * *"));
    h.submit(dependentJob("after-soft", "soft"));
    h.submit(dependentJob("after-hard", "hard"));
    h.at(DUE);
    h.offerPlenty();
    h.runTo(TaskIds.of("soft", DUE, 0), TaskState.TASK_FAILED);
    h.runTo(TaskIds.of("hard", DUE, 0), TaskState.TASK_FAILED);
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("after-soft", DUE));
  }

  @Test
  void markingAJobSuccessfulReleasesItsChildren() {
    Harness h = diamond();
    h.clock.set(DUE.plusSeconds(10));
    assertThat(h.scheduler.markSuccess("a")).isTrue();
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("b", DUE.plusSeconds(10)), Claim.key("c", DUE.plusSeconds(10)));
    assertThat(h.storedJob("a").successCount()).isEqualTo(1);
    assertThat(h.scheduler.markSuccess("nope")).isFalse();
  }

  @Test
  void aDisabledChildIsNotRun() {
    Harness h = new Harness(T0);
    h.submit(cronJob("a", "*/5 * * * *"));
    h.submit(dependentJob("b", "a").put("disabled", true));
    h.at(DUE);
    h.offerPlenty();
    h.runTo(TaskIds.of("a", DUE, 0), TaskState.TASK_FINISHED);
    assertThat(h.storedClaims()).isEmpty();
  }

  @Test
  void aCycleIsRefusedNamingIt() {
    Harness h = diamond();
    assertThatThrownBy(() -> h.submit(dependentJob("b", "d")))
        .isInstanceOf(JobValidationException.class)
        .hasMessageContaining("parents").hasMessageContaining("b -> d -> b");
  }

  @Test
  void aDependentJobNeedsTheDependencyEndpointAndExistingParents() {
    Harness h = new Harness(T0);
    Job child = h.scheduler.parse(dependentJob("child", "missing").encode());
    assertThatThrownBy(() -> h.scheduler.submit(child, JobScheduler.Endpoint.DEPENDENT))
        .isInstanceOf(JobValidationException.class).hasMessageContaining("parent job 'missing' does not exist");
    assertThatThrownBy(() -> h.scheduler.submit(child, JobScheduler.Endpoint.SCHEDULED))
        .isInstanceOf(JobValidationException.class).hasMessageStartingWith("parents: ");
    Job scheduled = h.scheduler.parse(cronJob("s", "* * * * *").encode());
    assertThatThrownBy(() -> h.scheduler.submit(scheduled, JobScheduler.Endpoint.DEPENDENT))
        .isInstanceOf(JobValidationException.class).hasMessageStartingWith("parents: ");
  }

  @Test
  void deletingAScheduledParentGivesItsChildItsSchedule() {
    Harness h = diamond();
    h.scheduler.delete("a");
    assertThat(h.storedJob("b").kind()).isEqualTo(Job.Kind.CRON);
    assertThat(h.storedJob("b").cron()).isEqualTo("*/5 * * * *");
    assertThat(h.storedJob("d").parents()).containsExactly("b", "c");
    h.at(DUE);
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("b", DUE), Claim.key("c", DUE));
  }

  @Test
  void replacingADependentJobResetsItsEdges() {
    Harness h = diamond();
    h.at(DUE);
    h.offerPlenty();
    h.runTo(task("a"), TaskState.TASK_FINISHED);
    h.offerPlenty();
    h.runTo(task("b"), TaskState.TASK_FINISHED);
    assertThat(h.registry.get(Sections.EDGES)).containsOnlyKeys("b/d");
    h.submit(dependentJob("d", "b", "c"));
    assertThat(h.registry.get(Sections.EDGES)).isEmpty();
  }
}
