package io.meso.codecs;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * JSON mapping of Meso's protobuf messages as Mesos v1 renders it (stout's {@code jsonify} of a
 * {@code JSON::Protobuf}): proto field names (snake_case); 32- and 64-bit integers, doubles and
 * floats as JSON numbers (never as strings, as protobuf's canonical JSON would write int64);
 * enums by name; bytes as Base64; a repeated field only when it has elements; a singular field
 * when it is set, or when it has an explicit {@code [default = ...]} and is not deprecated; map
 * fields as objects. Doubles are written as rapidjson writes them: shortest round-trip digits,
 * plain decimal notation with a {@code .0} for whole numbers while the decimal exponent is
 * from -6 to 21, exponent notation beyond.
 *
 * <p>Parsing accepts what Mesos's parser accepts: 64-bit integers as JSON numbers or strings,
 * enums by name, unknown fields ignored (an unknown enum name reads as an absent field).
 */
public final class ProtoJson {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final BigInteger UNSIGNED_64 = BigInteger.ONE.shiftLeft(64);

  private ProtoJson() {}

  /** The message as Mesos's JSON text. */
  public static String toJson(Message message) {
    StringBuilder out = new StringBuilder(256);
    writeMessage(out, message);
    return out.toString();
  }

  /**
   * The message as a Vert.x {@link JsonObject} with the same content as {@link #toJson}: int64 as
   * {@link Long}, uint64 beyond {@code Long.MAX_VALUE} as {@link BigInteger}, doubles as
   * {@link Double}, bytes as Base64 strings.
   */
  public static JsonObject toJsonObject(Message message) {
    JsonObject out = new JsonObject();
    for (FieldDescriptor field : fieldsToWrite(message)) {
      if (field.isMapField()) {
        JsonObject map = new JsonObject();
        for (Object entry : (List<?>) message.getField(field)) {
          Message e = (Message) entry;
          FieldDescriptor key = e.getDescriptorForType().findFieldByNumber(1);
          FieldDescriptor value = e.getDescriptorForType().findFieldByNumber(2);
          map.put(String.valueOf(e.getField(key)), objectValue(value, e.getField(value)));
        }
        out.put(field.getName(), map);
      } else if (field.isRepeated()) {
        JsonArray array = new JsonArray();
        for (Object element : (List<?>) message.getField(field)) {
          array.add(objectValue(field, element));
        }
        out.put(field.getName(), array);
      } else {
        out.put(field.getName(), objectValue(field, message.getField(field)));
      }
    }
    return out;
  }

  /** Parses JSON into the builder; the exception message says which field or value was wrong. */
  public static <B extends Message.Builder> B merge(String json, B builder) throws InvalidProtocolBufferException {
    PARSER.merge(json, builder);
    return builder;
  }

  /** As Mesos: repeated fields with elements; singular fields set, or unset with a non-deprecated explicit default. */
  private static List<FieldDescriptor> fieldsToWrite(Message message) {
    List<FieldDescriptor> fields = new ArrayList<>();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.isRepeated()) {
        if (message.getRepeatedFieldCount(field) > 0) {
          fields.add(field);
        }
      } else if (message.hasField(field)
          || (field.toProto().hasDefaultValue() && !field.getOptions().getDeprecated())) {
        fields.add(field);
      }
    }
    return fields;
  }

  // ---- text -----------------------------------------------------------------------------

  private static void writeMessage(StringBuilder out, Message message) {
    out.append('{');
    boolean first = true;
    for (FieldDescriptor field : fieldsToWrite(message)) {
      if (!first) {
        out.append(',');
      }
      first = false;
      writeString(out, field.getName());
      out.append(':');
      if (field.isMapField()) {
        out.append('{');
        boolean firstEntry = true;
        for (Object entry : (List<?>) message.getField(field)) {
          Message e = (Message) entry;
          FieldDescriptor key = e.getDescriptorForType().findFieldByNumber(1);
          FieldDescriptor value = e.getDescriptorForType().findFieldByNumber(2);
          if (!firstEntry) {
            out.append(',');
          }
          firstEntry = false;
          writeString(out, String.valueOf(e.getField(key)));
          out.append(':');
          writeValue(out, value, e.getField(value));
        }
        out.append('}');
      } else if (field.isRepeated()) {
        out.append('[');
        boolean firstElement = true;
        for (Object element : (List<?>) message.getField(field)) {
          if (!firstElement) {
            out.append(',');
          }
          firstElement = false;
          writeValue(out, field, element);
        }
        out.append(']');
      } else {
        writeValue(out, field, message.getField(field));
      }
    }
    out.append('}');
  }

  private static void writeValue(StringBuilder out, FieldDescriptor field, Object value) {
    switch (field.getJavaType()) {
      case MESSAGE -> writeMessage(out, (Message) value);
      case ENUM -> writeString(out, ((EnumValueDescriptor) value).getName());
      case BYTE_STRING -> writeString(out, Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case STRING -> writeString(out, (String) value);
      case BOOLEAN -> out.append(((Boolean) value).booleanValue());
      case INT -> out.append(unsigned32(field) ? Integer.toUnsignedString((Integer) value) : value.toString());
      case LONG -> out.append(unsigned64(field) ? Long.toUnsignedString((Long) value) : value.toString());
      case FLOAT -> writeDouble(out, ((Float) value).doubleValue());
      case DOUBLE -> writeDouble(out, (Double) value);
    }
  }

  private static Object objectValue(FieldDescriptor field, Object value) {
    return switch (field.getJavaType()) {
      case MESSAGE -> toJsonObject((Message) value);
      case ENUM -> ((EnumValueDescriptor) value).getName();
      case BYTE_STRING -> Base64.getEncoder().encodeToString(((ByteString) value).toByteArray());
      case STRING, BOOLEAN -> value;
      case INT -> unsigned32(field) ? (Object) Integer.toUnsignedLong((Integer) value) : value;
      case LONG -> {
        long v = (Long) value;
        yield unsigned64(field) && v < 0 ? BigInteger.valueOf(v).add(UNSIGNED_64) : (Object) v;
      }
      case FLOAT -> finiteOrName(((Float) value).doubleValue());
      case DOUBLE -> finiteOrName((Double) value);
    };
  }

  private static Object finiteOrName(double d) {
    return Double.isFinite(d) ? (Object) d : nonFiniteName(d);
  }

  private static boolean unsigned32(FieldDescriptor field) {
    return field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32;
  }

  private static boolean unsigned64(FieldDescriptor field) {
    return field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64;
  }

  /**
   * A double as rapidjson (Mesos's JSON writer) writes it: the shortest digits that read back as
   * the same double, in plain notation with at least one decimal ({@code 2.0}, {@code 31000.0},
   * {@code 1763400000.123456}, {@code 0.000001}) while the position of the decimal point is from
   * -6 to 21, else in exponent notation ({@code 1e-7}, {@code 1.5e22}). JSON has no NaN or
   * infinity; they are written as the strings protobuf's JSON uses ("NaN", "Infinity"), where
   * Mesos would refuse to write them at all.
   */
  static void writeDouble(StringBuilder out, double d) {
    out.append(doubleText(d));
  }

  static String doubleText(double d) {
    if (!Double.isFinite(d)) {
      return '"' + nonFiniteName(d) + '"';
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal digits = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    int point = digits.precision() - digits.scale();
    if (point > -6 && point <= 21) {
      String plain = digits.toPlainString();
      return plain.indexOf('.') < 0 ? plain + ".0" : plain;
    }
    return digits.toString().replace("E+", "e").replace('E', 'e');
  }

  private static String nonFiniteName(double d) {
    return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
  }

  private static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
