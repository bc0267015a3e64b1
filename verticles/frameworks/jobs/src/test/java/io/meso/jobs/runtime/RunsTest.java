package io.meso.jobs.runtime;

import static io.meso.jobs.runtime.Harness.cronJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.jobs.job.JobValidationException;
import io.meso.v1.Environment;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What happens to runs once claimed: retries with their delay, concurrency, priority when
 * resources are short, maxCompletionTime, kills, disabling after failures, the bounded history,
 * run-now with arguments and the task each attempt gets.
 */
class RunsTest {

  static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
  static final Instant DUE = Instant.parse("2025-03-03T10:05:00Z");

  static String task(String job, Instant at, int attempt) {
    return TaskIds.of(job, at, attempt);
  }

  /** Fails every attempt of the run due at DUE; returns the task ids launched, in order. */
  private static List<String> failEveryAttempt(Harness h, int attempts) {
    for (int i = 0; i < attempts; i++) {
      List<TaskInfo> launched = h.offerPlenty();
      if (launched.isEmpty()) {
        h.at(h.clock.instant().plus(h.options.getRetryDelay()));
        launched = h.offerPlenty();
      }
      if (launched.isEmpty()) {
        break;
      }
      h.runTo(launched.get(0).getTaskId().getValue(), TaskState.TASK_FAILED);
    }
    return h.launchedTaskIds();
  }

  @ParameterizedTest(name = "retries={0}: {1} attempts")
  @CsvSource({"0, 1", "1, 2", "3, 4"})
  void retriesMeansAttemptsAfterTheFirst(int retries, int attempts) {
    Harness h = new Harness(T0, new JobsOptions().setRetryDelay(Duration.ofSeconds(30)));
    h.submit(cronJob("flaky", "*/5 * * * *").put("retries", retries));
    h.at(DUE);
    List<String> tasks = failEveryAttempt(h, attempts + 2);
    assertThat(tasks).hasSize(attempts);
    for (int i = 0; i < attempts; i++) {
      assertThat(tasks.get(i)).isEqualTo(task("flaky", DUE, i));
    }
    assertThat(h.storedJob("flaky").errorCount()).isEqualTo(1);
    assertThat(h.storedJob("flaky").errorsSinceLastSuccess()).isEqualTo(1);
    assertThat(h.storedRuns("flaky")).hasSize(attempts)
        .allMatch(r -> r.outcome() == RunRecord.Outcome.FAILURE);
    assertThat(h.storedClaims()).isEmpty();
  }

  @Test
  void aRetryWaitsForItsDelay() {
    Harness h = new Harness(T0, new JobsOptions().setRetryDelay(Duration.ofSeconds(30)));
    h.submit(cronJob("flaky", "*/5 * * * *").put("retries", 1));
    h.at(DUE);
    h.runTo(h.offerPlenty().get(0).getTaskId().getValue(), TaskState.TASK_FAILED);

    assertThat(h.storedClaims().values()).singleElement()
        .satisfies(c -> assertThat(c.notBefore()).isEqualTo(DUE.plusSeconds(30)));
    h.at(DUE.plusSeconds(29));
    assertThat(h.offerPlenty()).isEmpty();
    h.at(DUE.plusSeconds(30));
    assertThat(h.offerPlenty()).extracting(t -> t.getTaskId().getValue()).containsExactly(task("flaky", DUE, 1));
    assertThat(h.scheduler.tick()).as("the retry time is a wake-up").isNotNull();
  }

  @Test
  void aSuccessAfterARetryResetsTheFailuresInARow() {
    Harness h = new Harness(T0, new JobsOptions().setRetryDelay(Duration.ZERO));
    h.submit(cronJob("flaky", "*/5 * * * *").put("retries", 1));
    h.at(DUE);
    h.runTo(h.offerPlenty().get(0).getTaskId().getValue(), TaskState.TASK_FAILED);
    h.runTo(h.offerPlenty().get(0).getTaskId().getValue(), TaskState.TASK_FINISHED);
    assertThat(h.storedJob("flaky").successCount()).isEqualTo(1);
    assertThat(h.storedJob("flaky").errorCount()).isZero();
    assertThat(h.storedJob("flaky").lastSuccess()).isEqualTo("2025-03-03T10:05:00.000Z");
  }

  @Test
  void aJobIsDisabledAfterNFailuresInARow() {
    Harness h = new Harness(T0, new JobsOptions().setDisableAfterFailures(2));
    h.submit(cronJob("bad", "* * * * *"));
    for (int minute = 1; minute <= 3; minute++) {
      h.at(T0.plusSeconds(60L * minute));
      List<TaskInfo> launched = h.offerPlenty();
      if (minute <= 2) {
        h.runTo(launched.get(0).getTaskId().getValue(), TaskState.TASK_FAILED);
      } else {
        assertThat(launched).as("disabled after 2 failures").isEmpty();
      }
    }
    assertThat(h.storedJob("bad").disabled()).isTrue();
    assertThat(h.storedJob("bad").errorsSinceLastSuccess()).isEqualTo(2);
  }

  @Test
  void aNonConcurrentJobSkipsARunWhileAnotherIsActive() {
    Harness h = new Harness(T0);
    h.submit(cronJob("slow", "* * * * *"));
    h.at(T0.plusSeconds(60));
    String first = h.offerPlenty().get(0).getTaskId().getValue();
    h.status(first, TaskState.TASK_RUNNING);
    h.at(T0.plusSeconds(120));
    assertThat(h.offerPlenty()).isEmpty();
    assertThat(h.storedRuns("slow")).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(RunRecord.Outcome.SKIPPED);
      assertThat(r.instant()).isEqualTo(T0.plusSeconds(120));
      assertThat(r.message()).contains("not concurrent");
    });
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("slow", T0.plusSeconds(60)));
  }

  @Test
  void aConcurrentJobOverlaps() {
    Harness h = new Harness(T0);
    h.submit(cronJob("slow", "* * * * *").put("concurrent", true));
    h.at(T0.plusSeconds(60));
    h.status(h.offerPlenty().get(0).getTaskId().getValue(), TaskState.TASK_RUNNING);
    h.at(T0.plusSeconds(120));
    assertThat(h.offerPlenty()).hasSize(1);
    assertThat(h.scheduler.runState("slow")).isEqualTo("2 running");
  }

  @Test
  void whenResourcesAreShortHighPriorityRunsGoFirst() {
    Harness h = new Harness(T0);
    h.submit(cronJob("low", "*/5 * * * *"));
    h.submit(cronJob("high", "*/5 * * * *").put("highPriority", true));
    h.at(DUE);
    // Room for one run (0.1 cpus each).
    h.scheduler.offers(List.of(h.offer("a1", 0.15, 4096, 4096)));
    assertThat(h.launchedTaskIds()).containsExactly(task("high", DUE, 0));
    h.scheduler.offers(List.of(h.offer("a1", 0.15, 4096, 4096)));
    assertThat(h.launchedTaskIds()).containsExactly(task("high", DUE, 0), task("low", DUE, 0));
  }

  @Test
  void olderRunsGoFirstAtEqualPriorityAndARunWaitsForAnOfferThatFits() {
    Harness h = new Harness(T0);
    h.submit(cronJob("b-later", "*/7 * * * *"));
    h.submit(cronJob("a-sooner", "*/5 * * * *"));
    h.at(T0.plusSeconds(7 * 60)); // a-sooner due at :05, b-later at :07
    h.scheduler.offers(List.of(h.offer("a1", 0.05, 4096, 4096)));
    assertThat(h.launchedTaskIds()).as("nothing fits 0.05 cpus").isEmpty();
    h.scheduler.offers(List.of(h.offer("a1", 0.1, 4096, 4096)));
    assertThat(h.launchedTaskIds()).containsExactly(task("a-sooner", DUE, 0));
  }

  @Test
  void constraintsPickTheAgent() {
    Harness h = new Harness(T0);
    h.submit(cronJob("pinned", "*/5 * * * *").put("constraints",
        new io.vertx.core.json.JsonArray().add(new io.vertx.core.json.JsonArray().add("hostname").add("EQUALS").add("host-a2"))));
    h.at(DUE);
    h.scheduler.offers(List.of(h.offer("a1", 8, 4096, 4096)));
    assertThat(h.launchedTaskIds()).isEmpty();
    h.scheduler.offers(List.of(h.offer("a2", 8, 4096, 4096)));
    assertThat(h.launchedTaskIds()).hasSize(1);
  }

  @Test
  void aRunOverstayingMaxCompletionTimeIsKilledAndCountsAsAFailure() {
    Harness h = new Harness(T0, new JobsOptions().setMaxSleep(Duration.ofHours(1)));
    h.submit(cronJob("stuck", "*/5 * * * *").put("maxCompletionTime", 90));
    h.at(DUE);
    String id = h.offerPlenty().get(0).getTaskId().getValue();
    h.status(id, TaskState.TASK_RUNNING);
    assertThat(h.scheduler.tick()).as("the deadline is a wake-up").isEqualTo(DUE.plusSeconds(90));
    h.at(DUE.plusSeconds(89));
    assertThat(h.all(Harness.Kill.class)).isEmpty();
    h.at(DUE.plusSeconds(90));
    assertThat(h.all(Harness.Kill.class)).extracting(Harness.Kill::taskId).containsExactly(id);
    h.status(id, TaskState.TASK_KILLED);
    assertThat(h.storedJob("stuck").errorCount()).isEqualTo(1);
    assertThat(h.storedRuns("stuck")).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(RunRecord.Outcome.FAILURE);
      assertThat(r.message()).contains("maxCompletionTime");
    });
    assertThat(h.launchedSince(0).get(0).getMaxCompletionTime().getNanoseconds()).isEqualTo(90_000_000_000L);
  }

  @Test
  void aKilledRunIsRecordedAndNotRetried() {
    Harness h = new Harness(T0, new JobsOptions().setRetryDelay(Duration.ZERO));
    h.submit(cronJob("victim", "*/5 * * * *").put("retries", 3));
    h.at(DUE);
    String id = h.offerPlenty().get(0).getTaskId().getValue();
    h.status(id, TaskState.TASK_RUNNING);
    h.scheduler.kill("victim");
    assertThat(h.all(Harness.Kill.class)).extracting(Harness.Kill::taskId).containsExactly(id);
    h.status(id, TaskState.TASK_KILLED);
    assertThat(h.offerPlenty()).isEmpty();
    assertThat(h.storedRuns("victim")).extracting(RunRecord::outcome).containsExactly(RunRecord.Outcome.KILLED);
    assertThat(h.storedJob("victim").errorCount()).isZero();
    assertThat(h.storedClaims()).isEmpty();
  }

  @Test
  void theHistoryIsBoundedByCount() {
    Harness h = new Harness(T0, new JobsOptions().setHistoryPerJob(3));
    h.submit(cronJob("often", "* * * * *"));
    for (int minute = 1; minute <= 5; minute++) {
      h.at(T0.plusSeconds(60L * minute));
      h.runTo(h.offerPlenty().get(0).getTaskId().getValue(), TaskState.TASK_FINISHED);
    }
    assertThat(h.storedRuns("often")).extracting(RunRecord::instant)
        .containsExactly(T0.plusSeconds(180), T0.plusSeconds(240), T0.plusSeconds(300));
    assertThat(h.storedJob("often").successCount()).isEqualTo(5);
  }

  @Test
  void runNowAppendsItsArgumentsAndSetsChronosEnvironment() {
    Harness h = new Harness(T0);
    h.submit(new JsonObject().put("name", "report").put("command", "echo").put("schedule", "R/2030-01-01T00:00:00Z/P1D")
        .put("owner", "ops@example.com").put("cpus", 0.5).put("mem", 64).put("disk", 20)
        .put("environmentVariables", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("name", "CHRONOS_JOB_NAME").put("value", "overridden?"))
            .add(new JsonObject().put("name", "COLOUR").put("value", "blue"))));
    h.clock.advance(Duration.ofSeconds(7));
    h.scheduler.runNow("report", "--day today; rm -rf /");
    TaskInfo t = h.offerPlenty().get(0);
    Instant at = T0.plusSeconds(7);
    assertThat(t.getTaskId().getValue()).as("no arguments in the id: the master refuses spaces and '/'")
        .isEqualTo("ct:" + at.toEpochMilli() + ":0:report");
    assertThat(t.getCommand().getValue()).isEqualTo("echo --day today rm -rf /");
    Map<String, String> env = t.getCommand().getEnvironment().getVariablesList().stream()
        .collect(Collectors.toMap(Environment.Variable::getName, Environment.Variable::getValue));
    assertThat(env).containsEntry("CHRONOS_JOB_NAME", "report").containsEntry("CHRONOS_JOB_OWNER", "ops@example.com")
        .containsEntry("CHRONOS_JOB_RUN_TIME", Long.toString(at.toEpochMilli()))
        .containsEntry("CHRONOS_JOB_RUN_ATTEMPT", "0").containsEntry("CHRONOS_RESOURCE_CPU", "0.5")
        .containsEntry("CHRONOS_RESOURCE_MEM", "64.0").containsEntry("CHRONOS_RESOURCE_DISK", "20.0")
        .containsEntry("MESOS_TASK_ID", t.getTaskId().getValue()).containsEntry("HOST", "host-a1")
        .containsEntry("COLOUR", "blue");
  }

  @Test
  void runNowOfADisabledJobIsDroppedAndOfAnUnknownJobRefused() {
    Harness h = new Harness(T0);
    h.submit(cronJob("off", "*/5 * * * *").put("disabled", true));
    h.scheduler.runNow("off", null);
    assertThat(h.storedClaims()).isEmpty();
    assertThatThrownBy(() -> h.scheduler.runNow("nope", null)).isInstanceOf(NoSuchJobException.class)
        .hasMessage("Job 'nope' not found");
  }

  @Test
  void runNowAtAScheduledInstantIsASeparateRun() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.clock.set(DUE);
    h.scheduler.runNow("backup", "");
    h.scheduler.tick();
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("backup", DUE), Claim.key("backup", DUE.plusMillis(1)));
  }

  @Test
  void withoutShellTheCommandIsTheExecutableAndArgumentsItsArgv() {
    Harness h = new Harness(T0);
    h.submit(cronJob("direct", "*/5 * * * *").put("command", "/bin/echo").put("shell", false)
        .put("arguments", new io.vertx.core.json.JsonArray().add("a").add("b")));
    h.at(DUE);
    TaskInfo t = h.offerPlenty().get(0);
    assertThat(t.getCommand().getShell()).isFalse();
    assertThat(t.getCommand().getValue()).isEqualTo("/bin/echo");
    assertThat(t.getCommand().getArgumentsList()).containsExactly("/bin/echo", "a", "b");
  }

  @Test
  void anIsoJobWithOneRunIsDisabledAfterItSucceeds() {
    Harness h = new Harness(T0);
    h.submit(new JsonObject().put("name", "once").put("command", "true").put("schedule", "R1/2025-03-03T10:05:00Z/PT1H"));
    h.at(DUE);
    assertThat(h.storedJob("once").schedule()).isEqualTo("R0/2025-03-03T11:05:00.000Z/PT1H");
    h.runTo(h.offerPlenty().get(0).getTaskId().getValue(), TaskState.TASK_FINISHED);
    assertThat(h.storedJob("once").disabled()).isTrue();
    h.at(DUE.plusSeconds(3600));
    assertThat(h.storedClaims()).isEmpty();
  }

  @Test
  void aJobWithoutAScheduleRunsOnceNow() {
    Harness h = new Harness(T0);
    h.submit(new JsonObject().put("name", "now").put("command", "true"));
    assertThat(h.offerPlenty()).hasSize(1);
    h.at(T0.plus(Duration.ofDays(3)));
    assertThat(h.offerPlenty()).isEmpty();
  }

  @Test
  void disabledJobsAreNotScheduled() {
    Harness h = new Harness(T0);
    h.submit(cronJob("off", "*/5 * * * *").put("disabled", true));
    h.at(DUE);
    assertThat(h.storedClaims()).isEmpty();
  }

  @Test
  void aQueuedRunOfAJobDisabledMeanwhileIsSkipped() {
    Harness h = new Harness(T0);
    h.submit(cronJob("paused", "*/5 * * * *"));
    h.at(DUE);
    h.submit(cronJob("paused", "*/5 * * * *").put("disabled", true));
    assertThat(h.offerPlenty()).isEmpty();
    assertThat(h.storedRuns("paused")).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(RunRecord.Outcome.SKIPPED);
      assertThat(r.message()).contains("disabled");
    });
    assertThat(h.storedClaims()).isEmpty();
  }

  @Test
  void deletingAJobKillsItsTasksAndForgetsIt() {
    Harness h = new Harness(T0);
    h.submit(cronJob("gone", "*/5 * * * *"));
    h.at(DUE);
    String id = h.offerPlenty().get(0).getTaskId().getValue();
    h.scheduler.delete("gone");
    assertThat(h.all(Harness.Kill.class)).extracting(Harness.Kill::taskId).containsExactly(id);
    assertThat(h.registry.get(Sections.DEFS)).doesNotContainKey("gone");
    assertThat(h.storedClaims()).isEmpty();
    h.status(id, TaskState.TASK_KILLED);
    assertThat(h.storedRuns("gone")).isEmpty();
  }

  @Test
  void aNameTooLongForATaskIdIsRefused() {
    Harness h = new Harness(T0);
    assertThatThrownBy(() -> h.submit(cronJob("x".repeat(240), "* * * * *")))
        .isInstanceOf(JobValidationException.class).hasMessageStartingWith("name: ");
  }
}
