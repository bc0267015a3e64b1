package io.meso.codecs;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * JSON mapping of Meso's protobuf messages as Mesos v1 does it: proto field names
 * (snake_case), enums by name, bytes as Base64, unknown fields ignored on input.
 */
public final class ProtoJson {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private ProtoJson() {}

  public static String toJson(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot print " + message.getDescriptorForType().getFullName() + " as JSON", e);
    }
  }

  /** Parses JSON into the builder; the exception message says which field or value was wrong. */
  public static <B extends Message.Builder> B merge(String json, B builder) throws InvalidProtocolBufferException {
    PARSER.merge(json, builder);
    return builder;
  }
}
