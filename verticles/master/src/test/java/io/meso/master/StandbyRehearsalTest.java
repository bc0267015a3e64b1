package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.internal.ReregisterAgentMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A standby's rehearsal runs real re-registrations on a private master, stops when told, refuses nonsense. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandbyRehearsalTest {

  @Test
  void rehearsesTheRequestedRoundsOnAPrivateMaster() throws Exception {
    StandbyRehearsal.Result result = StandbyRehearsal.run(50, 3, 2, () -> false);
    assertThat(result.agents()).isEqualTo(50);
    assertThat(result.tasksPerAgent()).isEqualTo(3);
    assertThat(result.rounds()).isEqualTo(2);
    assertThat(result.firstRoundMillis()).isGreaterThanOrEqualTo(0);
    assertThat(result.lastRoundMillis()).isGreaterThanOrEqualTo(0);
    // Each round also re-admitted 50 agents it had not seen by their digests, from its copy of their tasks.
    assertThat(result.readmittedFromCopy()).isEqualTo(100);
  }

  @Test
  void stopsBetweenRoundsOnceTold() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    // "Elected" after the first round: the second never starts.
    StandbyRehearsal.Result result = StandbyRehearsal.run(20, 1, 5, () -> asked.incrementAndGet() > 1);
    assertThat(result.rounds()).isEqualTo(1);
    assertThat(StandbyRehearsal.run(20, 1, 5, () -> true).rounds()).isZero();
  }

  @Test
  void theMessagesAreWhatAgentsSendAfterAFailover() {
    List<ReregisterAgentMessage> messages = StandbyRehearsal.messages(3, 2);
    assertThat(messages).hasSize(3);
    assertThat(messages).allSatisfy(m -> {
      assertThat(m.getAgentInfo().hasId()).isTrue();
      assertThat(m.getTasksCount()).isEqualTo(2);
      assertThat(m.getTasks(0).getStatusesCount()).isEqualTo(2);
    });
    assertThat(messages.stream().map(m -> m.getAgentInfo().getId().getValue()).distinct()).hasSize(3);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> StandbyRehearsal.run(0, 10, 1, () -> false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 agents");
    assertThatThrownBy(() -> StandbyRehearsal.run(10, 10, 0, () -> false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 rounds");
    assertThatThrownBy(() -> new MasterOptions().setRehearsalAgents(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rehearsalAgents is -1");
    assertThatThrownBy(() -> new MasterOptions().setRehearsalAgents(MasterOptions.MAX_REHEARSAL_AGENTS + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 0 (off) to");
  }
}
