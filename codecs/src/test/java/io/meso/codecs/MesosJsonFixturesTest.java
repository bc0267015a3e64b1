package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.meso.v1.Address;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.Resource;
import io.meso.v1.Task;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.TimeInfo;
import io.meso.v1.URL;
import io.meso.v1.Value;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Meso's JSON against documents shaped as Apache Mesos 1.11 writes them (fixtures under
 * {@code src/test/resources/mesos-json}, hand-written from Mesos's wire format: 64-bit integers
 * and doubles as numbers, enums by name, bytes as Base64, explicit defaults filled in). Compared
 * structurally, and on the raw text where a number must not be a string.
 */
class MesosJsonFixturesTest {

  private static final ByteString UUID = ByteString.copyFrom(new byte[] {
      (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  private static final double TIMESTAMP = 1763719311.518043;

  static JsonObject fixture(String name) throws IOException {
    try (InputStream in = MesosJsonFixturesTest.class.getResourceAsStream("/mesos-json/" + name)) {
      assertThat(in).as("fixture " + name).isNotNull();
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static Resource ranges(String name, long... bounds) {
    Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
    for (int i = 0; i < bounds.length; i += 2) {
      ranges.addRange(Value.Range.newBuilder().setBegin(bounds[i]).setEnd(bounds[i + 1]));
    }
    return Resource.newBuilder().setName(name).setType(Value.Type.RANGES).setRanges(ranges).build();
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  static Resource offered(Resource r) {
    return r.toBuilder().setRole("*").setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole("*")).build();
  }

  static TaskStatus running() {
    return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("task-1")).setState(TaskState.TASK_RUNNING)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setAgentId(AgentID.newBuilder().setValue("7e3a-S0"))
        .setTimestamp(TIMESTAMP).setUuid(UUID).build();
  }

  @Test
  void offersEventHasNumericRangesAsMesosWritesThem() throws Exception {
    Event event = Event.newBuilder().setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder()
        .addOffers(Offer.newBuilder()
            .setId(OfferID.newBuilder().setValue("7e3a-O1"))
            .setFrameworkId(FrameworkID.newBuilder().setValue("7e3a-0004"))
            .setAgentId(AgentID.newBuilder().setValue("7e3a-S0"))
            .setHostname("localhost")
            .setUrl(URL.newBuilder().setScheme("http").setPath("/slave(1)")
                .setAddress(Address.newBuilder().setHostname("localhost").setIp("127.0.0.1").setPort(5051)))
            // The second range reaches the uint64 limits: Long.MAX_VALUE, and 2^64-1 stored as -1.
            .addResources(offered(ranges("ports", 31000, 31999, Long.MAX_VALUE, -1L)))
            .addResources(offered(scalar("cpus", 2.0)))
            .addResources(offered(scalar("mem", 1024.5)))
            .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole("*"))))
        .build();

    String json = ProtoJson.toJson(event);

    assertThat(new JsonObject(json)).isEqualTo(fixture("offers-event.json"));
    assertThat(json).contains("{\"begin\":31000,\"end\":31999}",
        "{\"begin\":9223372036854775807,\"end\":18446744073709551615}", "\"scalar\":{\"value\":2.0}");
    assertThat(ProtoJson.toJsonObject(event)).isEqualTo(fixture("offers-event.json"));
  }

  @Test
  void updateEventHasANumericTimestampAndABase64Uuid() throws Exception {
    Event event = Event.newBuilder().setType(Event.Type.UPDATE)
        .setUpdate(Event.Update.newBuilder().setStatus(running())).build();

    String json = ProtoJson.toJson(event);

    assertThat(new JsonObject(json)).isEqualTo(fixture("update-event.json"));
    assertThat(json).contains("\"timestamp\":1763719311.518043", "\"uuid\":\"3q2+7wABAgMEBQYHCAkKCw==\"");
    assertThat(ProtoJson.toJsonObject(event)).isEqualTo(fixture("update-event.json"));
  }

  @Test
  void getStateFragmentHasNumericInt64AndMesosDefaults() throws Exception {
    Task task = Task.newBuilder().setName("sleeper").setTaskId(TaskID.newBuilder().setValue("task-1"))
        .setFrameworkId(FrameworkID.newBuilder().setValue("7e3a-0004"))
        .setAgentId(AgentID.newBuilder().setValue("7e3a-S0")).setState(TaskState.TASK_RUNNING)
        .addResources(ranges("ports", 31000, 31000).toBuilder().setRole("*"))
        .addStatuses(running().toBuilder().clearAgentId()
            .setUnreachableTime(TimeInfo.newBuilder().setNanoseconds(1763719311518043000L)))
        .setStatusUpdateState(TaskState.TASK_RUNNING).setStatusUpdateUuid(UUID).build();
    // failover_timeout and checkpoint are unset: Mesos writes their defaults; the deprecated role it leaves out.
    FrameworkInfo framework = FrameworkInfo.newBuilder().setUser("root").setName("marathon")
        .setId(FrameworkID.newBuilder().setValue("7e3a-0004")).build();

    JsonObject state = new JsonObject().put("type", "GET_STATE").put("get_state", new JsonObject()
        .put("get_tasks", new JsonObject().put("tasks", new JsonArray().add(new JsonObject(ProtoJson.toJson(task)))))
        .put("get_frameworks", new JsonObject().put("frameworks", new JsonArray()
            .add(new JsonObject().put("framework_info", ProtoJson.toJsonObject(framework))))));

    assertThat(state).isEqualTo(fixture("get-state-fragment.json"));
    assertThat(ProtoJson.toJson(task)).contains("\"nanoseconds\":1763719311518043000");
    assertThat(ProtoJson.toJson(framework)).contains("\"failover_timeout\":0.0", "\"checkpoint\":false")
        .doesNotContain("\"role\"");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2.0                    | 2.0",
      "15                     | 15.0",
      "0.5                    | 0.5",
      "1763719311.518043      | 1763719311.518043",
      "0.000001               | 0.000001",
      "0.0000001              | 1e-7",
      "1e20                   | 100000000000000000000.0",
      "1e21                   | 1e21",
      "-3.25                  | -3.25",
      "0                      | 0.0"})
  void doublesAreWrittenAsRapidjsonWritesThem(double value, String text) {
    assertThat(ProtoJson.doubleText(value)).isEqualTo(text);
  }

  @Test
  void parsesSixtyFourBitFieldsAsNumbersOrStrings() throws Exception {
    String asNumbers = "{\"type\":\"ACCEPT\",\"accept\":{\"operations\":[{\"type\":\"LAUNCH\",\"launch\":{\"task_infos\":"
        + "[{\"name\":\"t\",\"resources\":[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":"
        + "[{\"begin\":31000,\"end\":18446744073709551615}]}}]}]}}]}}";
    String asStrings = asNumbers.replace("31000", "\"31000\"").replace("18446744073709551615", "\"18446744073709551615\"");
    for (String json : new String[] {asNumbers, asStrings}) {
      Value.Range range = ProtoJson.merge(json, Call.newBuilder()).build().getAccept().getOperations(0).getLaunch()
          .getTaskInfos(0).getResources(0).getRanges().getRange(0);
      assertThat(range.getBegin()).as(json).isEqualTo(31000L);
      assertThat(range.getEnd()).as(json).isEqualTo(-1L);
    }
    // What we write, we read back.
    Event event = Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder()
        .setStatus(running())).build();
    assertThat(ProtoJson.merge(ProtoJson.toJson(event), Event.newBuilder()).build()).isEqualTo(event);
  }
}
