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
  void aReregistrationArrivesUndecodedInTheSameWireFormat() {
    io.meso.internal.ReregisterAgentMessage sent = io.meso.internal.ReregisterAgentMessage.newBuilder()
        .setAgentInfo(io.meso.v1.AgentInfo.newBuilder().setHostname("h1")
            .setId(io.meso.v1.AgentID.newBuilder().setValue("a1")))
        .addTasks(io.meso.v1.Task.newBuilder().setName("t1")
            .setTaskId(io.meso.v1.TaskID.newBuilder().setValue("t1")))
        .build();
    String name = "meso.internal.ReregisterAgentMessage";
    assertThat(MesoCodecs.DEFERRED).containsExactly(io.meso.internal.ReregisterAgentMessage.class);
    ProtoCodec<io.meso.internal.ReregisterAgentMessage> plain =
        new ProtoCodec<>(name, io.meso.internal.ReregisterAgentMessage.parser());
    DeferredProtoCodec<io.meso.internal.ReregisterAgentMessage> deferred =
        new DeferredProtoCodec<>(name, io.meso.internal.ReregisterAgentMessage.parser());
    // What an older node's plain codec sends, a deferred one reads (as bytes), and back.
    Buffer wire = Buffer.buffer();
    plain.encodeToWire(wire, sent);
    Buffer wire2 = Buffer.buffer();
    deferred.encodeToWire(wire2, sent);
    assertThat(wire2.getBytes()).isEqualTo(wire.getBytes());
    Object received = deferred.decodeFromWire(0, wire);
    assertThat(received).isInstanceOfSatisfying(Undecoded.class, u -> {
      assertThat(u.name()).isEqualTo(name);
      assertThat(u.bytes()).isEqualTo(sent.toByteArray());
      assertThat(u.decode()).isEqualTo(sent);
    });
    assertThat(plain.decodeFromWire(0, wire2)).isEqualTo(sent);
    // Locally the object itself.
    assertThat(deferred.transform(sent)).isSameAs(sent);
    assertThat(deferred.name()).isEqualTo(plain.name());
    // Bytes that are no such message: an error naming the type and the size.
    Undecoded<io.meso.internal.ReregisterAgentMessage> bad =
        new Undecoded<>(name, io.meso.internal.ReregisterAgentMessage.parser(), new byte[] {0x0a, (byte) 0xff});
    assertThatThrownBy(bad::decode).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot decode meso.internal.ReregisterAgentMessage (2 bytes)");
  }

  @Test
  void typesAreDistinct() {
    assertThat(List.copyOf(MesoCodecs.TYPES)).doesNotHaveDuplicates();
  }
}
