package io.meso.api.http;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Protobuf by hand, with Apache Mesos's field numbers written out in the tests, so that bytes a
 * client compiled against Mesos's own {@code mesos.proto}/{@code scheduler.proto} would send
 * (and expect) are checked independently of Meso's generated classes.
 */
final class Pb {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CodedOutputStream c = CodedOutputStream.newInstance(out);

  static Pb msg() {
    return new Pb();
  }

  Pb varint(int field, long value) {
    return write(() -> c.writeUInt64(field, value));
  }

  Pb string(int field, String value) {
    return write(() -> c.writeString(field, value));
  }

  Pb bytes(int field, byte[] value) {
    return write(() -> c.writeByteArray(field, value));
  }

  Pb dbl(int field, double value) {
    return write(() -> c.writeDouble(field, value));
  }

  Pb bool(int field, boolean value) {
    return write(() -> c.writeBool(field, value));
  }

  Pb msg(int field, Pb value) {
    return bytes(field, value.bytes());
  }

  /** A message whose only field 1 is a string: FrameworkID, OfferID, AgentID, TaskID. */
  Pb id(int field, String value) {
    return msg(field, msg().string(1, value));
  }

  byte[] bytes() {
    return write(c::flush).out.toByteArray();
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private Pb write(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  // ---- decoding ------------------------------------------------------------------------

  /** A decoded message: field number to values (Long for varint and fixed, byte[] for length-delimited). */
  record Fields(Map<Integer, List<Object>> map) {

    static Fields parse(byte[] bytes) {
      Map<Integer, List<Object>> map = new LinkedHashMap<>();
      try {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        int tag;
        while ((tag = in.readTag()) != 0) {
          int field = tag >>> 3;
          Object value = switch (tag & 7) {
            case 0 -> in.readUInt64();
            case 1 -> in.readFixed64();
            case 2 -> in.readByteArray();
            case 5 -> (long) in.readFixed32();
            default -> throw new IOException("unexpected wire type " + (tag & 7) + " for field " + field);
          };
          map.computeIfAbsent(field, f -> new ArrayList<>()).add(value);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Fields(map);
    }

    boolean has(int field) {
      return map.containsKey(field);
    }

    long varint(int field) {
      return (Long) one(field);
    }

    double dbl(int field) {
      return Double.longBitsToDouble((Long) one(field));
    }

    String string(int field) {
      return new String((byte[]) one(field), java.nio.charset.StandardCharsets.UTF_8);
    }

    byte[] bytes(int field) {
      return (byte[]) one(field);
    }

    Fields msg(int field) {
      return parse((byte[]) one(field));
    }

    List<Fields> msgs(int field) {
      List<Fields> result = new ArrayList<>();
      for (Object o : map.getOrDefault(field, List.of())) {
        result.add(parse((byte[]) o));
      }
      return result;
    }

    /** Field 1 of the message in {@code field}: the value of an id message. */
    String id(int field) {
      return msg(field).string(1);
    }

    private Object one(int field) {
      List<Object> values = map.get(field);
      if (values == null || values.isEmpty()) {
        throw new AssertionError("field " + field + " is absent; fields present: " + map.keySet());
      }
      return values.get(values.size() - 1);
    }
  }
}
