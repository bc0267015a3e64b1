package io.meso.services.app.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Typed reads of one JSON object's fields that record a {@link Violation} instead of throwing:
 * each getter returns the default when the field is absent or null (as Marathon's optional fields
 * read null as absent), the value when it has the right type and range, and the default plus a
 * violation at the field's path otherwise. Messages read {@code "<field>: got <value>, expected <what>"}.
 */
final class Fields {

  private final JsonObject obj;
  private final String path;
  private final List<Violation> out;

  Fields(JsonObject obj, String path, List<Violation> out) {
    this.obj = obj;
    this.path = path;
    this.out = out;
  }

  /** The path of field {@code key}. */
  String path(String key) {
    return Violation.child(path, key);
  }

  /** True if {@code key} is present and not null. */
  boolean has(String key) {
    return obj.getValue(key) != null;
  }

  /** Records a violation at field {@code key}: "key: got value, expected ...". */
  void bad(String key, Object value, String expected) {
    out.add(new Violation(path(key), key + ": got " + describe(value) + ", expected " + expected));
  }

  String string(String key, String def) {
    Object v = obj.getValue(key);
    if (v == null) {
      return def;
    }
    if (v instanceof String s) {
      return s;
    }
    bad(key, v, "a string");
    return def;
  }

  /** A string of at least one character. */
  String nonEmptyString(String key, String def) {
    String s = string(key, def);
    if (s != null && s.isEmpty() && has(key)) {
      bad(key, s, "a non-empty string");
      return def;
    }
    return s;
  }

  Boolean bool(String key, Boolean def) {
    Object v = obj.getValue(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    bad(key, v, "true or false");
    return def;
  }

  /** A number in [min, max]. */
  double number(String key, double def, double min, double max) {
    Object v = obj.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n)) {
      bad(key, v, "a number");
      return def;
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || d < min || d > max) {
      bad(key, v, range(min, max, d));
      return def;
    }
    return d;
  }

  /** An integral number in [min, max] (1.0 counts as 1, as in Marathon's reader). */
  Integer integer(String key, Integer def, long min, long max) {
    Object v = obj.getValue(key);
    if (v == null) {
      return def;
    }
    Long l = integral(v);
    if (l == null) {
      bad(key, v, "an integer, " + range(min, max, min));
      return def;
    }
    if (l < min || l > max) {
      bad(key, v, range(min, max, l));
      return def;
    }
    return (int) (long) l;
  }

  /** An ISO-8601 timestamp (with offset), or the default. */
  Instant timestamp(String key, Instant def) {
    String s = string(key, null);
    if (s == null) {
      return def;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      bad(key, s, "an ISO-8601 timestamp such as 2026-01-31T12:00:00.000Z");
      return def;
    }
  }

  /** One of an enum's constants, by exact name. */
  <E extends Enum<E>> E enumValue(String key, Class<E> type, E def) {
    String s = string(key, null);
    if (s == null) {
      return def;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(s)) {
        return e;
      }
    }
    bad(key, s, "one of " + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
    return def;
  }

  /** One of {@code allowed}. */
  String oneOf(String key, String def, List<String> allowed) {
    String s = string(key, null);
    if (s == null) {
      return def;
    }
    if (allowed.contains(s)) {
      return s;
    }
    bad(key, s, "one of " + String.join(", ", allowed));
    return def;
  }

  JsonObject object(String key) {
    Object v = obj.getValue(key);
    if (v == null || v instanceof JsonObject) {
      return (JsonObject) v;
    }
    bad(key, v, "an object");
    return null;
  }

  JsonArray array(String key) {
    Object v = obj.getValue(key);
    if (v == null || v instanceof JsonArray) {
      return (JsonArray) v;
    }
    bad(key, v, "an array");
    return null;
  }

  /** An array of strings; null when absent or wrong. */
  List<String> strings(String key) {
    JsonArray a = array(key);
    if (a == null) {
      return null;
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Object v = a.getValue(i);
      if (v instanceof String s) {
        result.add(s);
      } else {
        out.add(new Violation(Violation.element(path(key), i),
            key + "(" + i + "): got " + describe(v) + ", expected a string"));
      }
    }
    return result;
  }

  /** An object of string values ({@code labels}); empty when absent or wrong. */
  Map<String, String> stringMap(String key) {
    JsonObject o = object(key);
    Map<String, String> result = new LinkedHashMap<>();
    if (o == null) {
      return result;
    }
    for (Map.Entry<String, Object> e : o) {
      if (e.getValue() instanceof String s) {
        result.put(e.getKey(), s);
      } else {
        out.add(new Violation(Violation.child(path(key), e.getKey()),
            key + "/" + e.getKey() + ": got " + describe(e.getValue()) + ", expected a string"));
      }
    }
    return result;
  }

  /** Reads one element object at its path; its violations go to {@code out}. */
  interface ElementReader<T> {
    T read(JsonObject element, String path, List<Violation> out);
  }

  /**
   * The elements of {@code array} (null: none) read by {@code reader}, each at {@code path(i)}; an
   * element that is not an object or has violations is left out of the result.
   */
  static <T> List<T> each(JsonArray array, String path, String what, List<Violation> out, ElementReader<T> reader) {
    List<T> result = new ArrayList<>();
    if (array == null) {
      return result;
    }
    for (int i = 0; i < array.size(); i++) {
      String at = Violation.element(path, i);
      if (!(array.getValue(i) instanceof JsonObject o)) {
        out.add(new Violation(at, what + ": got " + describe(array.getValue(i)) + ", expected an object"));
        continue;
      }
      int before = out.size();
      T t = reader.read(o, at, out);
      if (out.size() == before) {
        result.add(t);
      }
    }
    return result;
  }

  static Long integral(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n) {
      try {
        return new BigDecimal(n.toString()).longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** A JSON value as a user would recognise it in a message. */
  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "\"" + s + "\" (a string)";
    }
    if (v instanceof Boolean) {
      return v + " (a boolean)";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "an array";
    }
    return v.toString();
  }

  /** What is allowed, said simply: "0 or more" unless the value broke a real upper bound. */
  private static String range(double min, double max, double value) {
    String lo = format(min);
    boolean unbounded = max >= Integer.MAX_VALUE;
    if (unbounded && value <= max) {
      return lo + " or more";
    }
    return "between " + lo + " and " + format(max);
  }

  private static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
