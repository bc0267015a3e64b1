package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.TaskState;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every task state against the three questions {@link TaskStates} answers, as a table. */
class TaskStatesTest {

  @ParameterizedTest(name = "{0}: terminal={1} completed={2} endedInMaster={3}")
  @CsvSource({
      // state,                terminal, completed, ended in master
      "TASK_STAGING,           false,    false,     false",
      "TASK_STARTING,          false,    false,     false",
      "TASK_RUNNING,           false,    false,     false",
      "TASK_KILLING,           false,    false,     false",
      "TASK_FINISHED,          true,     true,      true",
      "TASK_FAILED,            true,     true,      true",
      "TASK_KILLED,            true,     true,      true",
      "TASK_ERROR,             true,     true,      true",
      // LOST ends the task for the framework, but the master keeps it: the agent may come back.
      "TASK_LOST,              true,     true,      false",
      "TASK_DROPPED,           true,     true,      true",
      "TASK_UNREACHABLE,       false,    false,     false",
      "TASK_GONE,              true,     true,      true",
      "TASK_GONE_BY_OPERATOR,  true,     true,      true",
      "TASK_UNKNOWN,           false,    true,      false"})
  void eachState(TaskState state, boolean terminal, boolean completed, boolean endedInMaster) {
    assertThat(TaskStates.isTerminal(state)).as("terminal").isEqualTo(terminal);
    assertThat(TaskStates.COMPLETED.contains(state)).as("completed").isEqualTo(completed);
    assertThat(TaskStates.isEndedInMaster(state)).as("ended in master").isEqualTo(endedInMaster);
  }

  /** The table above names every state, so a state added to the proto must be placed here too. */
  @org.junit.jupiter.api.Test
  void tableCoversEveryState() {
    assertThat(Arrays.stream(TaskState.values()).map(Enum::name))
        .containsExactlyInAnyOrder("TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING",
            "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED",
            "TASK_UNREACHABLE", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN");
  }
}
