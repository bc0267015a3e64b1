package io.meso.codecs;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/**
 * A protobuf message received from the clustered event bus and not decoded yet: its bytes exactly
 * as the sender encoded them, decoded by whoever handles it, on the thread it chooses. A master
 * re-admitting thousands of agents after a failover decodes their re-registrations (a million
 * tasks) on worker threads instead of its event loop; see {@link DeferredProtoCodec}.
 */
public final class Undecoded<T extends Message> {

  private final String name;
  private final Parser<T> parser;
  private final byte[] bytes;

  public Undecoded(String name, Parser<T> parser, byte[] bytes) {
    this.name = name;
    this.parser = parser;
    this.bytes = bytes;
  }

  /** The message's full protobuf name, e.g. {@code meso.internal.ReregisterAgentMessage}. */
  public String name() {
    return name;
  }

  /** The encoded message (not copied: do not change it). */
  public byte[] bytes() {
    return bytes;
  }

  /**
   * Decodes the message; may block for a while on a large one (call it off the event loop).
   *
   * @throws IllegalArgumentException when the bytes are not a valid message of this type
   */
  public T decode() {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot decode " + name + " (" + bytes.length + " bytes) from the event bus: "
          + e.getMessage(), e);
    }
  }

  /** Wraps an encoded message (the rehearsal and tests build them without a wire). */
  public static <T extends Message> Undecoded<T> of(T message) {
    @SuppressWarnings("unchecked")
    Parser<T> parser = (Parser<T>) message.getParserForType();
    return new Undecoded<>(message.getDescriptorForType().getFullName(), parser, message.toByteArray());
  }

  @Override
  public String toString() {
    return "Undecoded[" + name + ", " + bytes.length + " bytes]";
  }
}
