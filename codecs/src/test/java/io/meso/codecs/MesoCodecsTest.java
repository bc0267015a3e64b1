package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.internal.PingAgentMessage;
import io.meso.proto.GetOfferSkipsRequest;
import io.meso.proto.MarkAgentGoneRequest;
import io.meso.v1.scheduler.Call;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codecs are found from the protos' descriptors: every message of Meso's own protos travels. */
class MesoCodecsTest {

  @Test
  void everyTopLevelMessageOfMesosOwnProtosHasACodec() {
    int messages = io.meso.proto.Api.getDescriptor().getMessageTypes().size()
        + io.meso.internal.Internal.getDescriptor().getMessageTypes().size();
    assertThat(MesoCodecs.TYPES).hasSize(3 + messages)
        .contains(Call.class, GetOfferSkipsRequest.class, MarkAgentGoneRequest.class, PingAgentMessage.class);
  }

  @Test
  void registerInstallsEachTypesCodecUnderItsProtoName() {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      MesoCodecs.register(vertx);
      var bus = vertx.eventBus();
      // Both the class and the name are taken: registering either again is refused.
      assertThatThrownBy(() -> bus.registerDefaultCodec(GetOfferSkipsRequest.class,
          new ProtoCodec<>("other", GetOfferSkipsRequest.parser()))).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> bus.registerCodec(new ProtoCodec<>("meso.api.GetOfferSkipsRequest",
          GetOfferSkipsRequest.parser()))).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> bus.registerCodec(new ProtoCodec<>("meso.internal.PingAgentMessage",
          PingAgentMessage.parser()))).isInstanceOf(IllegalStateException.class);
      // A message type of no proto of Meso's has none.
      bus.registerCodec(new ProtoCodec<>("mesos.v1.AgentInfo", io.meso.v1.AgentInfo.parser()));
    } finally {
      vertx.close();
    }
  }

  @Test
  void aMessageCrossesTheWire() {
    GetOfferSkipsRequest sent = GetOfferSkipsRequest.newBuilder()
        .setFrameworkId(io.meso.v1.FrameworkID.newBuilder().setValue("f1")).build();
    ProtoCodec<GetOfferSkipsRequest> codec = new ProtoCodec<>("meso.api.GetOfferSkipsRequest", GetOfferSkipsRequest.parser());
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, sent);
    assertThat(codec.decodeFromWire(0, wire)).isEqualTo(sent);
  }

  @Test
  void typesAreDistinct() {
    assertThat(List.copyOf(MesoCodecs.TYPES)).doesNotHaveDuplicates();
  }
}
