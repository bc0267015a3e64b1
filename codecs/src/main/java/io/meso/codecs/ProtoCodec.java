package io.meso.codecs;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * An event-bus codec for one protobuf message type. On the wire a message is its length
 * (4 bytes) followed by its protobuf bytes; locally the immutable message object is passed
 * through as it is. The codec name is the message's full protobuf name, stable across
 * releases, so every node of a cluster decodes what any other node sent.
 */
public final class ProtoCodec<T extends Message> implements MessageCodec<T, T> {

  private final String name;
  private final Parser<T> parser;

  public ProtoCodec(String name, Parser<T> parser) {
    this.name = name;
    this.parser = parser;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    encode(buffer, message);
  }

  /** The wire format of every protobuf message on the bus: its length (4 bytes), then its bytes. */
  static void encode(Buffer buffer, Message message) {
    byte[] bytes = message.toByteArray();
    buffer.appendInt(bytes.length);
    buffer.appendBytes(bytes);
  }

  /** The message bytes of what {@link #encode} wrote at {@code pos}. */
  static byte[] bytes(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return buffer.getBytes(pos + 4, pos + 4 + length);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    try {
      return parser.parseFrom(bytes(pos, buffer));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot decode " + name + " from the event bus: " + e.getMessage(), e);
    }
  }

  @Override
  public T transform(T message) {
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
