package io.meso.codecs;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The event-bus codec of a protobuf message type whose receiver decodes it itself: on the wire
 * exactly {@link ProtoCodec}'s format under the same name (senders and receivers of either codec
 * understand each other), but a message read from the wire is handed over as {@link Undecoded}
 * bytes rather than decoded on the receiving event loop. Locally the message object is passed
 * through as it is. Used for the messages large enough to stall an event loop: a re-registering
 * agent's {@code ReregisterAgentMessage} carries all its tasks.
 */
public final class DeferredProtoCodec<T extends Message> implements MessageCodec<T, Object> {

  private final String name;
  private final Parser<T> parser;

  public DeferredProtoCodec(String name, Parser<T> parser) {
    this.name = name;
    this.parser = parser;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    ProtoCodec.encode(buffer, message);
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    return new Undecoded<>(name, parser, ProtoCodec.bytes(pos, buffer));
  }

  @Override
  public Object transform(T message) {
    return message; // protobuf messages are immutable
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
