package io.meso.jobs.runtime;

import static io.meso.jobs.runtime.Harness.cronJob;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exactly once per instant: a due (job, instant) is claimed in the registry before its task is
 * launched, its task id names job, instant and attempt, and a new leader restored from the
 * registry neither claims an instant again nor forgets one, wherever the old leader stopped.
 */
class ClaimsTest {

  static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
  static final Instant DUE = Instant.parse("2025-03-03T10:05:00Z");
  static final String TASK = "ct:" + DUE.toEpochMilli() + ":0:backup";

  @Test
  void aDueRunIsClaimedBeforeItsTaskIsLaunched() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    assertThat(h.storedClaims()).isEmpty();

    h.at(DUE);
    assertThat(h.storedClaims()).containsOnlyKeys("backup@" + DUE.toEpochMilli());
    List<TaskInfo> launched = h.offerPlenty();

    assertThat(launched).extracting(t -> t.getTaskId().getValue()).containsExactly(TASK);
    Harness.Store claim = h.all(Harness.Store.class).stream()
        .filter(s -> s.section().equals(Sections.CLAIMS) && s.value() != null).findFirst().orElseThrow();
    Harness.Launch launch = h.all(Harness.Launch.class).get(0);
    assertThat(h.indexOf(claim)).as("claim stored before the launch").isLessThan(h.indexOf(launch));
    assertThat(launched.get(0).getName()).isEqualTo("ChronosTask:backup");
  }

  @Test
  void theCursorMovesOnlyAfterTheClaimAndNotAgainForTheSameInstant() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.effects.clear();
    h.at(DUE);
    List<Harness.Store> stores = h.all(Harness.Store.class);
    assertThat(stores).extracting(Harness.Store::section).containsExactly(Sections.CLAIMS, Sections.DEFS);

    h.effects.clear();
    h.at(DUE.plusSeconds(30));
    assertThat(h.all(Harness.Store.class)).as("nothing new was due: nothing written").isEmpty();
  }

  @Test
  void aNewLeaderDoesNotClaimAnInstantAgainWhenTheOldOneDiedBeforeMovingTheCursor() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.at(DUE);
    // The old leader's claim landed, its cursor write did not.
    byte[] claimed = h.registry.get(Sections.CLAIMS).get("backup@" + DUE.toEpochMilli());
    h.registry.get(Sections.DEFS).put("backup", StateJson.job(new StoredJob(h.storedJob("backup"), T0)));
    assertThat(claimed).isNotNull();

    h.newLeader();
    h.at(DUE.plusSeconds(1));
    assertThat(h.storedClaims()).containsOnlyKeys("backup@" + DUE.toEpochMilli());
    assertThat(h.storedClaims().values()).extracting(Claim::attempt).containsExactly(0);
  }

  @Test
  void aNewLeaderLaunchesAClaimedRunWhoseTaskTheMasterNeverSaw() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.at(DUE); // claimed; the leader dies before any offer

    h.newLeader();
    assertThat(h.all(Harness.Reconcile.class)).as("explicit for the claim, then implicit")
        .containsExactly(new Harness.Reconcile(List.of(TASK)), new Harness.Reconcile(List.of()));
    assertThat(h.offerPlenty()).as("not launched while the master has not answered").isEmpty();

    h.reconciled(TASK, TaskState.TASK_UNKNOWN);
    assertThat(h.offerPlenty()).extracting(t -> t.getTaskId().getValue()).containsExactly(TASK);
  }

  @Test
  void aNewLeaderAdoptsARunTheOldOneLaunchedAndDoesNotLaunchItAgain() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.at(DUE);
    assertThat(h.offerPlenty()).hasSize(1); // launched; the leader dies before any status

    h.newLeader();
    h.reconciled(TASK, TaskState.TASK_RUNNING);
    assertThat(h.offerPlenty()).isEmpty();
    assertThat(h.scheduler.runState("backup")).isEqualTo("1 running");

    h.status(TASK, TaskState.TASK_FINISHED);
    assertThat(h.storedClaims()).isEmpty();
    assertThat(h.storedJob("backup").successCount()).isEqualTo(1);
    assertThat(h.launchedTaskIds()).isEmpty();
  }

  /**
   * The old leader stored the job's counters for the end, then died before it stored the run's
   * history (each is a registry write of its own): the update comes again, and the end is counted
   * once (it was counted twice, found by JobsFailoverIT under load: successCount 31 for 30 runs).
   */
  @Test
  void anEndCountedBeforeTheLeaderDiedIsNotCountedAgainWhenItsHistoryWasNotStored() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.at(DUE);
    h.offerPlenty();
    h.status(TASK, TaskState.TASK_RUNNING);
    byte[] runsBefore = h.registry.get(Sections.RUNS).get("backup");
    h.status(TASK, TaskState.TASK_FINISHED);
    assertThat(h.storedJob("backup").successCount()).isEqualTo(1);
    // What the registry held when the leader died: the counters (and their mark), no history yet, the claim.
    if (runsBefore == null) {
      h.registry.get(Sections.RUNS).remove("backup");
    } else {
      h.registry.get(Sections.RUNS).put("backup", runsBefore);
    }
    h.registry.get(Sections.CLAIMS).put("backup@" + DUE.toEpochMilli(),
        StateJson.claim(Claim.queued("backup", DUE, Claim.Trigger.SCHEDULE, "", DUE).running("a1", DUE)));

    h.newLeader();
    h.status(TASK, TaskState.TASK_FINISHED); // the agent resends the unacknowledged update
    assertThat(h.storedJob("backup").successCount()).isEqualTo(1);
    assertThat(h.storedRuns("backup")).hasSize(1);
    assertThat(h.storedClaims()).isEmpty();

    // The next run is counted as usual, and the mark of the first is dropped with it.
    h.at(DUE.plus(java.time.Duration.ofMinutes(5)));
    List<String> next = h.offerPlenty().stream().map(t -> t.getTaskId().getValue()).toList();
    assertThat(next).hasSize(1);
    h.runTo(next.get(0), TaskState.TASK_FINISHED);
    assertThat(h.storedJob("backup").successCount()).isEqualTo(2);
    assertThat(StateJson.job(h.registry.get(Sections.DEFS).get("backup"), h.options.getDefaults(), T0).counted())
        .containsExactly(next.get(0));
  }

  @Test
  void aRunThatEndedWhileNoLeaderListenedIsCountedOnceWhenItsUpdateComesAgain() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.at(DUE);
    h.offerPlenty();
    h.status(TASK, TaskState.TASK_RUNNING);
    // The old leader recorded the end but died before removing the claim and acknowledging.
    h.status(TASK, TaskState.TASK_FINISHED);
    h.registry.get(Sections.CLAIMS).put("backup@" + DUE.toEpochMilli(),
        StateJson.claim(Claim.queued("backup", DUE, Claim.Trigger.SCHEDULE, "", DUE).running("a1", DUE)));

    h.newLeader();
    h.status(TASK, TaskState.TASK_FINISHED); // the agent resends the unacknowledged update
    assertThat(h.storedJob("backup").successCount()).isEqualTo(1);
    assertThat(h.storedRuns("backup")).hasSize(1);
    assertThat(h.storedClaims()).isEmpty();
  }

  @Test
  void anUpdateIsAcknowledgedOnlyAfterWhatItChangedIsStored() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.at(DUE);
    h.offerPlenty();
    h.status(TASK, TaskState.TASK_RUNNING);
    h.effects.clear();
    h.status(TASK, TaskState.TASK_FINISHED);
    assertThat(h.effects).filteredOn(e -> e instanceof Harness.Ack).hasSize(1);
    int ack = h.effects.indexOf(new Harness.Ack(TASK, TaskState.TASK_FINISHED));
    assertThat(h.effects.subList(0, ack)).extracting(e -> e instanceof Harness.Store s ? s.section() : "")
        .contains(Sections.DEFS, Sections.RUNS, Sections.CLAIMS);
    assertThat(h.effects.subList(ack + 1, h.effects.size())).doesNotHaveAnyElementsOfTypes(Harness.Store.class);
  }

  @Test
  void aLateReconciliationAnswerDoesNotRelaunchARunAlreadyRelaunched() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.at(DUE);
    h.newLeader();
    h.scheduler.reconcileUnverified(); // asked twice before the master answers
    h.reconciled(TASK, TaskState.TASK_UNKNOWN);
    assertThat(h.offerPlenty()).hasSize(1);

    h.reconciled(TASK, TaskState.TASK_UNKNOWN); // the answer to the second question
    assertThat(h.offerPlenty()).isEmpty();
    assertThat(h.scheduler.runState("backup")).isEqualTo("1 running");
  }

  @Test
  void aRunningRunTheMasterLostIsAFailureAndIsRetried() {
    Harness h = new Harness(T0, new JobsOptions().setRetryDelay(Duration.ZERO));
    h.submit(cronJob("backup", "*/5 * * * *").put("retries", 1));
    h.at(DUE);
    h.offerPlenty();
    h.status(TASK, TaskState.TASK_RUNNING);

    h.newLeader();
    h.reconciled(TASK, TaskState.TASK_GONE);
    assertThat(h.offerPlenty()).extracting(t -> t.getTaskId().getValue())
        .containsExactly("ct:" + DUE.toEpochMilli() + ":1:backup");
  }

  @Test
  void aStoredValueThatCannotBeReadIsLeftOutAndTheRestRestored() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.at(DUE);
    h.registry.get(Sections.CLAIMS).put("garbage@1", "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    h.registry.get(Sections.DEFS).put("broken", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    h.newLeader();
    assertThat(h.scheduler.jobs()).extracting(io.meso.jobs.job.Job::name).containsExactly("backup");
    assertThat(h.scheduler.allClaims()).extracting(Claim::key).containsExactly("backup@" + DUE.toEpochMilli());
  }

  @Test
  void aTaskOfNoRunIsKilled() {
    Harness h = new Harness(T0);
    h.status("ct:1:0:gone", TaskState.TASK_RUNNING);
    h.status("not-a-jobs-task", TaskState.TASK_RUNNING);
    assertThat(h.all(Harness.Kill.class)).extracting(Harness.Kill::taskId)
        .containsExactly("ct:1:0:gone", "not-a-jobs-task");
  }

  @Test
  void aRefusedLaunchIsReconciledBeforeItIsRelaunched() {
    Harness h = new Harness(T0);
    h.submit(cronJob("backup", "*/5 * * * *"));
    h.at(DUE);
    h.offerPlenty();
    h.effects.clear();
    h.scheduler.launchUncertain(List.of(TASK));
    assertThat(h.all(Harness.Reconcile.class)).containsExactly(new Harness.Reconcile(List.of(TASK)));
    h.reconciled(TASK, TaskState.TASK_UNKNOWN);
    assertThat(h.offerPlenty()).hasSize(1);
  }
}
