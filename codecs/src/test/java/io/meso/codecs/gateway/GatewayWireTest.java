package io.meso.codecs.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.codecs.gateway.GatewayWire.Frame;
import io.meso.codecs.gateway.GatewayWire.Kind;
import io.meso.codecs.gateway.GatewayWire.WireException;
import io.meso.internal.PingAgentMessage;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayWireTest {

  /** Encodes, checks the length prefix, decodes what follows it. */
  private static Frame roundTrip(Frame f) {
    Buffer b = GatewayWire.encode(f);
    assertThat(b.getInt(0)).isEqualTo(b.length() - 4);
    return GatewayWire.decode(b.slice(4, b.length()));
  }

  @Test
  void everyKindSurvivesTheWire() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("meso-agent-proof", "v1.1.abc.def").add("x", "é ü");
    TaskStatus status = TaskStatus.newBuilder().setState(TaskState.TASK_RUNNING)
        .setTaskId(io.meso.v1.TaskID.newBuilder().setValue("t-1")).setMessage("ok").build();
    PingAgentMessage ping = PingAgentMessage.newBuilder().setConnected(true).build();

    Frame hello = roundTrip(Frame.hello("agent-S0", "proof", 1_700_000_000_000_001L));
    assertThat(hello.sequence()).isEqualTo(1_700_000_000_000_001L);
    assertThat(hello.kind()).isEqualTo(Kind.HELLO);
    assertThat(hello.version()).isEqualTo(GatewayWire.VERSION);
    assertThat(hello.address()).isEqualTo("agent-S0");
    assertThat(hello.text()).isEqualTo("proof");

    Frame welcome = roundTrip(Frame.welcome("node-1", null));
    assertThat(welcome.text()).isEqualTo("node-1");
    assertThat(welcome.address()).isNull();

    Frame refused = roundTrip(Frame.refused(401, "no"));
    assertThat(refused.code()).isEqualTo(401);
    assertThat(refused.text()).isEqualTo("no");

    Frame send = roundTrip(Frame.send("meso.master", headers, status));
    assertThat(send.address()).isEqualTo("meso.master");
    assertThat(send.body()).isEqualTo(status);
    assertThat(send.headers().getAll("x")).containsExactly("é ü");
    assertThat(send.headers().get("meso-agent-proof")).isEqualTo("v1.1.abc.def");

    Frame request = roundTrip(Frame.request(42, 5_000, "meso.agent.a", null, ping));
    assertThat(request.id()).isEqualTo(42);
    assertThat(request.timeoutMillis()).isEqualTo(5_000);
    assertThat(request.body()).isEqualTo(ping);
    assertThat(request.headers().isEmpty()).isTrue();

    assertThat(roundTrip(Frame.reply(42, headers, null)).body()).isNull();
    assertThat(roundTrip(Frame.publish("meso.master.elected", null, "10.0.0.1:5050")).body())
        .isEqualTo("10.0.0.1:5050");

    Frame fail = roundTrip(Frame.fail(7, ReplyFailure.NO_HANDLERS, -1, "gone"));
    assertThat(fail.id()).isEqualTo(7);
    assertThat(fail.failure()).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(fail.code()).isEqualTo(-1);
    assertThat(fail.text()).isEqualTo("gone");

    assertThat(roundTrip(Frame.keepalive()).kind()).isEqualTo(Kind.KEEPALIVE);
  }

  @Test
  void onlyMesoMessagesStringsAndNothingTravel() {
    assertThat(GatewayWire.carries(null)).isTrue();
    assertThat(GatewayWire.carries("x")).isTrue();
    assertThat(GatewayWire.carries(TaskStatus.getDefaultInstance())).isTrue();
    assertThat(GatewayWire.carries(List.of())).isFalse();
    assertThatThrownBy(() -> GatewayWire.encode(Frame.send("a", null, 42)))
        .isInstanceOf(WireException.class).hasMessageContaining("java.lang.Integer").hasMessageContaining("cannot cross");
  }

  @Test
  void malformedFramesAreRefusedSayingWhy() {
    assertThatThrownBy(() -> GatewayWire.decode(Buffer.buffer().appendByte((byte) 99)))
        .isInstanceOf(WireException.class).hasMessage("unknown frame kind 99");
    Buffer truncated = GatewayWire.encode(Frame.send("meso.master", null, "body"));
    assertThatThrownBy(() -> GatewayWire.decode(truncated.slice(4, truncated.length() - 2)))
        .isInstanceOf(WireException.class).hasMessageContaining("truncated frame");
    Buffer extra = GatewayWire.encode(Frame.keepalive()).slice(4, 5).copy().appendByte((byte) 0);
    assertThatThrownBy(() -> GatewayWire.decode(extra))
        .isInstanceOf(WireException.class).hasMessageContaining("1 bytes left over");

    // A body naming a type that is not one of Meso's messages: refused, never looked up as a class.
    Buffer unknownType = Buffer.buffer().appendByte((byte) Kind.SEND.ordinal());
    string(unknownType, "meso.master");
    unknownType.appendInt(0);
    string(unknownType, "java.lang.Runtime");
    unknownType.appendInt(0);
    assertThatThrownBy(() -> GatewayWire.decode(unknownType))
        .isInstanceOf(WireException.class).hasMessageContaining("unknown body type 'java.lang.Runtime'");

    // Bytes that are not the message they claim to be.
    Buffer garbage = Buffer.buffer().appendByte((byte) Kind.SEND.ordinal());
    string(garbage, "meso.master");
    garbage.appendInt(0);
    string(garbage, TaskStatus.getDescriptor().getFullName());
    garbage.appendInt(3).appendBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertThatThrownBy(() -> GatewayWire.decode(garbage))
        .isInstanceOf(WireException.class).hasMessageContaining("malformed mesos.v1.TaskStatus");

    Buffer manyHeaders = Buffer.buffer().appendByte((byte) Kind.SEND.ordinal());
    string(manyHeaders, "meso.master");
    manyHeaders.appendInt(1_000_000);
    assertThatThrownBy(() -> GatewayWire.decode(manyHeaders))
        .isInstanceOf(WireException.class).hasMessageContaining("1000000 headers");

    Buffer badFailure = Buffer.buffer().appendByte((byte) Kind.FAIL.ordinal()).appendLong(1).appendByte((byte) 40);
    assertThatThrownBy(() -> GatewayWire.decode(badFailure))
        .isInstanceOf(WireException.class).hasMessage("unknown failure type 40");
  }

  @Test
  void framesOverTheLimitAreNotWritten() {
    String big = "x".repeat(GatewayWire.MAX_FRAME_BYTES);
    assertThatThrownBy(() -> GatewayWire.encode(Frame.send("a", null, big)))
        .isInstanceOf(WireException.class).hasMessageContaining("over the limit of " + GatewayWire.MAX_FRAME_BYTES);
  }

  private static void string(Buffer b, String s) {
    byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    b.appendInt(bytes.length).appendBytes(bytes);
  }
}
