package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Mesos v1 JSON conventions and the event-bus wire codec. */
class ProtoJsonTest {

  @Test
  void jsonUsesProtoFieldNamesEnumNamesAndBase64() {
    Event event = Event.newBuilder().setType(Event.Type.UPDATE)
        .setUpdate(Event.Update.newBuilder().setStatus(TaskStatus.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue("t1"))
            .setState(TaskState.TASK_RUNNING)
            .setUuid(ByteString.copyFrom(new byte[] {1, 2, 3}))))
        .build();
    String json = ProtoJson.toJson(event);
    assertThat(json).isEqualTo("{\"type\":\"UPDATE\",\"update\":{\"status\":{\"task_id\":{\"value\":\"t1\"},"
        + "\"state\":\"TASK_RUNNING\",\"uuid\":\"AQID\"}}}");
  }

  @Test
  void offersEventHasTheMesosShape() {
    Event event = Event.newBuilder().setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder()
        .addOffers(Offer.newBuilder().setId(OfferID.newBuilder().setValue("o1")))).build();
    assertThat(ProtoJson.toJson(event)).startsWith("{\"type\":\"OFFERS\",\"offers\":{\"offers\":[");
  }

  @Test
  void parsesJsonAndNamesTheBadValue() throws Exception {
    Call call = ProtoJson.merge("{\"type\":\"DECLINE\",\"decline\":{\"offer_ids\":[{\"value\":\"o1\"}],"
        + "\"filters\":{\"refuse_seconds\":60}},\"unknown_field\":1}", Call.newBuilder()).build();
    assertThat(call.getType()).isEqualTo(Call.Type.DECLINE);
    assertThat(call.getDecline().getFilters().getRefuseSeconds()).isEqualTo(60.0);
    // An unknown enum name is dropped like an unknown field, so the call arrives without a type
    // and the master's validation answers with the list of allowed types.
    assertThat(ProtoJson.merge("{\"type\":\"FLY\"}", Call.newBuilder()).hasType()).isFalse();
    assertThatThrownBy(() -> ProtoJson.merge("{\"type\": ", Call.newBuilder()))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> ProtoJson.merge("{\"decline\":{\"filters\":{\"refuse_seconds\":\"soon\"}}}",
        Call.newBuilder()))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("soon");
  }

  @Test
  void wireCodecRoundTripsAtAnOffset() {
    ProtoCodec<Call> codec = new ProtoCodec<>("mesos.v1.scheduler.Call", Call.parser());
    Call call = Call.newBuilder().setType(Call.Type.REVIVE).build();
    Buffer buffer = Buffer.buffer().appendString("xyz");
    codec.encodeToWire(buffer, call);
    assertThat(codec.decodeFromWire(3, buffer)).isEqualTo(call);
    assertThat(codec.transform(call)).isSameAs(call);
  }

  @Test
  void wireCodecRefusesGarbageWithAClearError() {
    ProtoCodec<Call> codec = new ProtoCodec<>("mesos.v1.scheduler.Call", Call.parser());
    Buffer buffer = Buffer.buffer().appendInt(3).appendBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertThatThrownBy(() -> codec.decodeFromWire(0, buffer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mesos.v1.scheduler.Call");
  }
}
