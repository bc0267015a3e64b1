package io.meso.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Task ids read back to their claim, and registry values read back to what was written. */
class TaskIdsAndStateTest {

  static final Instant AT = Instant.parse("2025-03-03T10:05:00Z");

  @Test
  void aTaskIdNamesJobInstantAndAttempt() {
    String id = TaskIds.of("nightly.backup-1", AT, 2);
    assertThat(id).isEqualTo("ct:" + AT.toEpochMilli() + ":2:nightly.backup-1");
    TaskIds.Parsed p = TaskIds.parse(id);
    assertThat(p).isEqualTo(new TaskIds.Parsed("nightly.backup-1", AT, 2, ""));
    assertThat(p.claimKey()).isEqualTo(Claim.key("nightly.backup-1", AT));
  }

  @Test
  void chronosIdsWithArgumentsAreReadAndOtherIdsAreNot() {
    assertThat(TaskIds.parse("ct:1000:0:job:--day today")).isEqualTo(
        new TaskIds.Parsed("job", Instant.ofEpochMilli(1000), 0, "--day today"));
    assertThat(TaskIds.parse("web.instance-1._app.1")).isNull();
    assertThat(TaskIds.parse("ct:x:0:job")).isNull();
    assertThat(TaskIds.parse("ct:99999999999999999999:0:job")).isNull();
  }

  @Test
  void claimsAndRunsSurviveTheRegistry() {
    Claim c = Claim.queued("j", AT, Claim.Trigger.MANUAL, "a b", AT).launched("agent-1", AT)
        .running("agent-1", AT.plusSeconds(2)).killing().overstaying();
    assertThat(StateJson.claim(StateJson.claim(c))).isEqualTo(c);
    Claim launched = Claim.queued("j", AT, Claim.Trigger.SCHEDULE, "", AT).launched("agent-1", AT);
    assertThat(StateJson.claim(StateJson.claim(launched)).state())
        .as("a launch not yet confirmed is stored as queued: a new leader reconciles it").isEqualTo(Claim.State.QUEUED);
    RunRecord r = new RunRecord("ct:1:0:j", "j", AT, 0, Claim.Trigger.DEPENDENCY, "a1", null, AT.plusSeconds(5),
        RunRecord.Outcome.SKIPPED, "why");
    assertThat(StateJson.runs(StateJson.runs(List.of(r, r)))).containsExactly(r, r);
    assertThat(StateJson.count(StateJson.count(42))).isEqualTo(42);
  }
}
