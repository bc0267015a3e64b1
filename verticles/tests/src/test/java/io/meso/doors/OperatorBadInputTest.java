package io.meso.doors;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.meso.codecs.Addresses;
import io.meso.proto.DrainAgentRequest;
import io.meso.proto.GetStateRequest;
import io.meso.proto.KillTaskRequest;
import io.meso.proto.MarkAgentGoneRequest;
import io.meso.proto.ReadFileRequest;
import io.meso.proto.RoleWeight;
import io.meso.proto.SetQuotaRequest;
import io.meso.proto.SetWeightsRequest;
import io.meso.proto.TeardownRequest;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad operator calls, one table run over every operator door (POST /api/v1 with JSON, gRPC,
 * event bus): the same status everywhere and a message naming the field and the value. Rows the
 * operator HTTP API has no call for (it speaks Mesos's operator calls, not ReadFile or
 * SetWeights) run over gRPC and the event bus. After the table the master still has every
 * framework and task it accepted before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OperatorBadInputTest {

  @RegisterExtension
  static final BadInputFixture fixture = new BadInputFixture();

  /** One bad call: the gRPC method / event-bus action, its request, the JSON call (null: no HTTP form). */
  record Row(String name, String action, Message request, String json, int code, List<String> fragments) {

    @Override
    public String toString() {
      return name;
    }

    List<Door> doors() {
      return json == null ? List.of(Door.GRPC, Door.EVENT_BUS) : Door.OPERATOR;
    }
  }

  static Row row(String name, String action, Message request, String json, int code, String... fragments) {
    return new Row(name, action, request, json, code, List.of(fragments));
  }

  static TaskID task(String id) {
    return TaskID.newBuilder().setValue(id).build();
  }

  static ReadFileRequest.Builder read(String path) {
    return ReadFileRequest.newBuilder().setTaskId(task(BadInputFixture.FINISHED_TASK)).setPath(path);
  }

  static Stream<Row> rows() {
    return Stream.of(
        row("kill: task id missing", "KillTask", KillTaskRequest.getDefaultInstance(),
            "{\"type\":\"KILL_TASK\",\"kill_task\":{}}", 400, "task_id", "missing"),
        row("kill: task unknown", "KillTask", KillTaskRequest.newBuilder().setTaskId(task("no-such-task")).build(),
            "{\"type\":\"KILL_TASK\",\"kill_task\":{\"task_id\":{\"value\":\"no-such-task\"}}}", 404,
            "'no-such-task' is unknown"),
        row("kill: task already ended", "KillTask", KillTaskRequest.newBuilder()
                .setTaskId(task(BadInputFixture.FINISHED_TASK)).build(),
            "{\"type\":\"KILL_TASK\",\"kill_task\":{\"task_id\":{\"value\":\"" + BadInputFixture.FINISHED_TASK
                + "\"}}}", 400, "'" + BadInputFixture.FINISHED_TASK + "' already ended (TASK_FINISHED)"),
        row("teardown: framework id missing", "Teardown", TeardownRequest.getDefaultInstance(),
            "{\"type\":\"TEARDOWN\"}", 400, "framework_id", "missing"),
        row("teardown: framework unknown", "Teardown", TeardownRequest.newBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue("nope")).build(),
            "{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"nope\"}}}", 404,
            "'nope' is unknown"),
        row("mark agent gone: agent id missing", "MarkAgentGone", MarkAgentGoneRequest.getDefaultInstance(),
            "{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":{}}", 400, "agent_id", "missing"),
        row("mark agent gone: agent unknown", "MarkAgentGone", MarkAgentGoneRequest.newBuilder()
                .setAgentId(AgentID.newBuilder().setValue("ghost-agent")).build(),
            "{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":{\"agent_id\":{\"value\":\"ghost-agent\"}}}", 404,
            "'ghost-agent'"),
        row("drain agent: agent id missing", "DrainAgent", DrainAgentRequest.getDefaultInstance(),
            "{\"type\":\"DRAIN_AGENT\",\"drain_agent\":{}}", 400, "agent_id", "missing"),
        row("set weights: none", "SetWeights", SetWeightsRequest.getDefaultInstance(),
            "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":[]}}", 400, "weights is empty"),
        row("set weights: role oversized", "SetWeights", SetWeightsRequest.newBuilder()
                .addWeights(RoleWeight.newBuilder().setRole("x".repeat(1000)).setWeight(2)).build(), null, 400,
            "weights[0].role is 1000 bytes", "at most 255"),
        row("set quota: none", "SetQuota", SetQuotaRequest.getDefaultInstance(),
            "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[]}}", 400, "quotas is empty"),
        row("update weights: weight not a number", "SetWeights", SetWeightsRequest.newBuilder()
                .addWeights(RoleWeight.newBuilder().setRole("web").setWeight(-1)).build(),
            "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":[{\"role\":\"web\",\"weight\":\"x\"}]}}",
            400, "weight"),
        row("task usage: task id missing", "GetTaskUsage", io.meso.proto.GetTaskUsageRequest.getDefaultInstance(), null,
            400, "task_id is missing"),
        row("task usage: task unknown", "GetTaskUsage", io.meso.proto.GetTaskUsageRequest.newBuilder()
            .setTaskId(task("no-such-task")).build(), null, 404, "'no-such-task' is unknown"),
        row("read file: task unknown", "ReadFile", ReadFileRequest.newBuilder().setTaskId(task("no-such-task"))
            .setPath("stdout").build(), null, 404, "'no-such-task' is unknown"),
        row("read file: offset negative", "ReadFile", read("stdout").setOffset(-1).build(), null, 400,
            "offset is -1", ">= 0"),
        row("read file: file missing", "ReadFile", read("no-such-file").build(), null, 404, "no-such-file"),
        row("read file: relative path out of the sandbox", "ReadFile", read("../../../../etc/passwd").build(), null,
            403, "../../../../etc/passwd"),
        row("read file: absolute path", "ReadFile", read("/etc/passwd").build(), null, 403, "/etc/passwd"),
        row("read file: path back out of a directory", "ReadFile", read("a/../../stdout").build(), null, 403,
            "a/../../stdout"));
  }

  static Stream<Arguments> cases() {
    return rows().flatMap(row -> row.doors().stream().map(door -> Arguments.of(row, door)));
  }

  @ParameterizedTest(name = "[{index}] {0} via {1}")
  @MethodSource("cases")
  void isRefusedAlikeOnEveryDoor(Row row, Door door) throws Exception {
    Reply reply = fixture.operator(door, row.action(), row.request(), row.json());
    String what = row + " via " + door + ": " + reply;
    assertThat(reply.code()).as(what).isEqualTo(row.code());
    assertThat(reply.message()).as(what).contains(row.fragments());
  }

  /** What the read-file rows are refused beside: the same call with a good path works. */
  @Test
  void theSandboxOfTheFinishedTaskCanBeRead() throws Exception {
    assertThat(fixture.operatorClient().readFile(read("stdout").build()).await(30, TimeUnit.SECONDS).getData()
        .toStringUtf8()).contains(BadInputFixture.FINISHED_OUTPUT);
  }

  // ---- door-specific: the event bus carries the call's name in a header -------------------

  @Test
  void anEventBusOperatorCallMustNameItsAction() throws Exception {
    Reply none = fixture.bus(Addresses.OPERATOR, GetStateRequest.getDefaultInstance(), new DeliveryOptions());
    assertThat(none.code()).isEqualTo(400);
    assertThat(none.message()).contains(Addresses.ACTION_HEADER);
    Reply unknown = fixture.bus(Addresses.OPERATOR, GetStateRequest.getDefaultInstance(),
        new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "Explode"));
    assertThat(unknown.code()).isEqualTo(400);
    assertThat(unknown.message()).contains("'Explode'");
  }
}
