package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperatorActionsTest {

  @Test
  void theActionsAreTheOperatorServicesRpcsInOrder() {
    assertThat(OperatorActions.ALL).startsWith("GetState", "GetTasks", "KillTask")
        .contains("GetOfferSkips", "DrainAgent").endsWith("MarkAgentGone")
        .hasSize(io.meso.proto.OperatorGrpcService.all().size());
  }

  @Test
  void theRefusalListsThemAll() {
    assertThat(OperatorActions.expected()).startsWith("GetState, GetTasks, ").endsWith(", DrainAgent or MarkAgentGone");
  }
}
