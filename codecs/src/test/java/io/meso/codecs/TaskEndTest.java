package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@link TaskEnd} table, row by row, as Mesos's master answers (src/master/master.cpp). */
class TaskEndTest {

  @ParameterizedTest(name = "{0}: partition-aware {1}, others {2}, {3}")
  @CsvSource({
      // why,                            partition-aware,        not partition-aware, reason
      "AGENT_UNREACHABLE,               TASK_UNREACHABLE,       TASK_LOST, REASON_AGENT_REMOVED",
      "AGENT_REREGISTERED_WITHOUT_TASK, TASK_GONE,              TASK_LOST, REASON_AGENT_REREGISTERED",
      "AGENT_RESTARTED,                 TASK_GONE,              TASK_LOST, REASON_AGENT_RESTARTED",
      "AGENT_GONE_BY_OPERATOR,          TASK_GONE_BY_OPERATOR,  TASK_LOST, REASON_AGENT_REMOVED_BY_OPERATOR",
      "INVALID_OFFERS,                  TASK_DROPPED,           TASK_LOST, REASON_INVALID_OFFERS",
      "RECONCILED_ON_REGISTERED_AGENT,  TASK_GONE,              TASK_LOST, REASON_RECONCILIATION",
      "RECONCILED_ON_UNREACHABLE_AGENT, TASK_UNREACHABLE,       TASK_LOST, REASON_RECONCILIATION",
      "RECONCILED_ON_GONE_AGENT,        TASK_GONE_BY_OPERATOR,  TASK_LOST, REASON_RECONCILIATION",
      "UNKNOWN,                         TASK_UNKNOWN,           TASK_LOST, REASON_RECONCILIATION"})
  void eachRow(TaskEnd why, TaskState aware, TaskState others, TaskStatus.Reason reason) {
    assertThat(why.state(true)).as("partition-aware").isEqualTo(aware);
    assertThat(why.state(false)).as("not partition-aware").isEqualTo(others);
    assertThat(why.reason()).isEqualTo(reason);
  }

  @Test
  void tableAboveHasEveryRow() {
    assertThat(Arrays.stream(TaskEnd.values()).map(Enum::name)).containsExactly(
        "AGENT_UNREACHABLE", "AGENT_REREGISTERED_WITHOUT_TASK", "AGENT_RESTARTED", "AGENT_GONE_BY_OPERATOR",
        "INVALID_OFFERS", "RECONCILED_ON_REGISTERED_AGENT", "RECONCILED_ON_UNREACHABLE_AGENT",
        "RECONCILED_ON_GONE_AGENT", "UNKNOWN");
  }

  /**
   * No row ends a task in a state that leaves the master holding it for good: every state sent
   * is terminal, unreachable (the agent may come back) or unknown (the master holds nothing).
   */
  @Test
  void everyStateSentEndsTheTaskOrWaitsForTheAgent() {
    for (TaskEnd why : TaskEnd.values()) {
      for (boolean aware : new boolean[] {true, false}) {
        TaskState s = why.state(aware);
        assertThat(TaskStates.isTerminal(s) || s == TaskState.TASK_UNREACHABLE || s == TaskState.TASK_UNKNOWN)
            .as(why + " aware=" + aware + " -> " + s).isTrue();
      }
    }
  }
}
