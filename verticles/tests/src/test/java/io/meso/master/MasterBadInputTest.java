package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.codecs.Addresses;
import io.meso.doors.BadInputFixture;
import io.meso.doors.Door;
import io.meso.doors.Reply;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.StatusUpdate;
import io.meso.it.Launches;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input on purpose at the agents' door of a running master (its event-bus inbox): each
 * malformed registration gets a clear refusal naming the field and value, a status update from an
 * agent never admitted is ignored, and the master keeps serving. Bad scheduler and operator calls
 * are tables in {@code io.meso.doors}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MasterBadInputTest {

  @RegisterExtension
  static final BadInputFixture fixture = new BadInputFixture();

  private static Reply toMaster(Object body) throws Exception {
    return fixture.bus(Addresses.MASTER, body, new DeliveryOptions());
  }

  @Test
  void agentInboxRefusesMalformedRegistrations() throws Exception {
    Reply e1 = toMaster(RegisterAgentMessage.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setHostname("h").addResources(Launches.scalar("cpus", -4))).build());
    assertThat(e1.code()).isEqualTo(400);
    assertThat(e1.message()).contains("cpus").contains("-4");

    Reply e2 = toMaster(RegisterAgentMessage.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().addResources(Launches.scalar("cpus", 1))).build());
    assertThat(e2.message()).contains("agent_info.hostname is missing");

    Reply e3 = toMaster(ReregisterAgentMessage.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("h"))
        .build());
    assertThat(e3.message()).contains("agent_info.id is missing");

    Reply e4 = toMaster(Call.getDefaultInstance());
    assertThat(e4.message()).contains("unexpected message type");

    // A status update from an agent the master never admitted is ignored, not forwarded.
    long before = fixture.master().metrics().statusUpdatesForwarded;
    fixture.vertx().eventBus().send(Addresses.MASTER, StatusUpdate.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue("ghost"))
        .setFrameworkId(FrameworkID.newBuilder().setValue(fixture.session(Door.GRPC).frameworkId()))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("ghost-task"))
            .setState(TaskState.TASK_RUNNING))
        .build());
    // Still serving (a request after the send is handled after it), and nothing was forwarded for the ghost.
    assertThat(fixture.operatorClient().getState().await(30, TimeUnit.SECONDS).getAgentsList()).hasSize(1);
    assertThat(fixture.grpcFramework().updates("ghost-task")).isEmpty();
    assertThat(fixture.master().metrics().statusUpdatesForwarded).isEqualTo(before);
  }
}
