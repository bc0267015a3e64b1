package io.meso.allocator;

import com.google.protobuf.ByteString;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns the agent's {@code --resources} text and protobuf {@link Resource} lists into
 * {@link ResourceEntry} lists, validating as it goes. Every error names the resource, the bad
 * value and what is allowed.
 */
final class ResourceParser {

  /** Largest scalar accepted: 10^15 units, so that milli-units stay far below Long.MAX_VALUE. */
  static final double MAX_SCALAR = 1e15;

  private static final String SCALAR_HINT = "expected a non-negative number like 4 or 0.5";
  private static final String RANGES_HINT = "expected ranges like [31000-32000,33000-33010]";
  private static final String SET_HINT = "expected a set like {a,b}";
  private static final String SYNTAX_CHARS = ";:()[]{},";

  private ResourceParser() {}

  // ---- text: name[(role)]:value;... ----

  static List<ResourceEntry> parse(String spec) {
    if (spec == null) {
      throw new IllegalArgumentException("resources spec is null; expected text like cpus:4;mem:8192");
    }
    List<ResourceEntry> out = new ArrayList<>();
    for (String raw : spec.split(";")) {
      String token = raw.trim();
      if (!token.isEmpty()) {
        out.add(parseOne(token));
      }
    }
    return out;
  }

  private static ResourceEntry parseOne(String token) {
    int colon = token.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("resource '" + token + "': missing ':' before the value;"
          + " expected name:value like cpus:4 or cpus(role):4");
    }
    String key = token.substring(0, colon).trim();
    String value = token.substring(colon + 1).trim();
    String name = key;
    String role = null;
    int paren = key.indexOf('(');
    if (paren >= 0) {
      if (!key.endsWith(")")) {
        throw new IllegalArgumentException("resource '" + key + "': role is not closed by ')';"
            + " expected name(role) like cpus(eng)");
      }
      name = key.substring(0, paren).trim();
      role = key.substring(paren + 1, key.length() - 1).trim();
      checkWord("resource '" + key + "': role '" + role + "'", role, "a role name like eng");
      if (role.equals("*")) {
        role = null;
      }
    }
    checkWord("resource '" + name + "': name", name, "a resource name like cpus");
    String what = "resource '" + name + "': value '" + value + "'";
    if (value.startsWith("[")) {
      return ResourceEntry.ranges(name, role, parseRanges(what, value));
    }
    if (value.startsWith("{")) {
      return ResourceEntry.set(name, role, parseSet(what, value));
    }
    return ResourceEntry.scalar(name, role, parseScalar(what, value));
  }

  private static void checkWord(String what, String word, String expected) {
    if (word.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty; expected " + expected);
    }
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (Character.isWhitespace(c) || SYNTAX_CHARS.indexOf(c) >= 0) {
        throw new IllegalArgumentException(what + " contains '" + c + "'; expected " + expected
            + " without whitespace or any of " + SYNTAX_CHARS);
      }
    }
  }

  private static long parseScalar(String what, String value) {
    if (value.startsWith("-")) {
      throw new IllegalArgumentException(what + " is negative; " + SCALAR_HINT);
    }
    // Digits with an optional fraction: no NaN, Infinity, exponents or hex that parseDouble allows.
    if (!value.matches("[0-9]+(\\.[0-9]*)?|\\.[0-9]+")) {
      throw new IllegalArgumentException(what + " is not a number; " + SCALAR_HINT);
    }
    double d = Double.parseDouble(value);
    if (d > MAX_SCALAR) {
      throw new IllegalArgumentException(what + " is too large; " + SCALAR_HINT + " up to 1e15");
    }
    return toMillis(d);
  }

  private static long[] parseRanges(String what, String value) {
    if (!value.endsWith("]")) {
      throw new IllegalArgumentException(what + " is not closed by ']'; " + RANGES_HINT);
    }
    String body = value.substring(1, value.length() - 1).trim();
    if (body.isEmpty()) {
      return ResourceEntry.NO_RANGES;
    }
    String[] parts = body.split(",", -1);
    long[] pairs = new long[parts.length * 2];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim();
      int dash = part.indexOf('-');
      if (dash <= 0) {
        throw new IllegalArgumentException(what + ": range '" + part + "' is not begin-end; " + RANGES_HINT);
      }
      long b = parseBound(what, part, part.substring(0, dash).trim());
      long e = parseBound(what, part, part.substring(dash + 1).trim());
      if (b > e) {
        throw new IllegalArgumentException(what + ": range '" + part + "' has begin > end; " + RANGES_HINT);
      }
      pairs[2 * i] = b;
      pairs[2 * i + 1] = e;
    }
    return ResourceEntry.normalizeRanges(pairs);
  }

  private static long parseBound(String what, String part, String bound) {
    if (bound.matches("[0-9]{1,19}")) {
      try {
        return Long.parseLong(bound);
      } catch (NumberFormatException tooLarge) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException(what + ": range '" + part + "' has bound '" + bound
        + "' that is not an integer in [0, 2^63); " + RANGES_HINT);
  }

  private static String[] parseSet(String what, String value) {
    if (!value.endsWith("}")) {
      throw new IllegalArgumentException(what + " is not closed by '}'; " + SET_HINT);
    }
    String body = value.substring(1, value.length() - 1).trim();
    if (body.isEmpty()) {
      return ResourceEntry.NO_ITEMS;
    }
    TreeSet<String> items = new TreeSet<>();
    for (String item : body.split(",", -1)) {
      String t = item.trim();
      checkWord(what + ": item '" + t + "'", t, "a non-empty item; " + SET_HINT);
      items.add(t);
    }
    return items.toArray(ResourceEntry.NO_ITEMS);
  }

  /** Fixed point with three decimal digits, rounded like Mesos so that 0.1 + 0.2 == 0.3. */
  static long toMillis(double d) {
    return Math.round(d * 1000.0);
  }

  // ---- protobuf ----

  static List<ResourceEntry> fromProto(Iterable<Resource> resources) {
    List<ResourceEntry> out = new ArrayList<>();
    int index = 0;
    for (Resource r : resources) {
      out.add(fromProto(index++, r));
    }
    return out;
  }

  /**
   * Where a resource sits in its list, for error messages only: the text is built when a message
   * needs it, never on the accepted path (every launch and every re-registration parses resources).
   */
  private record At(int index, String name) {
    @Override
    public String toString() {
      return "resources[" + index + "]" + (name == null ? "" : " '" + name + "'");
    }
  }

  private static ResourceEntry fromProto(int index, Resource r) {
    String name = name(r);
    if (name.isEmpty()) {
      throw new IllegalArgumentException(new At(index, null) + ": name is empty; expected a resource name like cpus");
    }
    At at = new At(index, name);
    if (!r.hasType()) {
      throw new IllegalArgumentException(at + ": type is missing; expected SCALAR, RANGES or SET");
    }
    String role = role(at, r);
    Value.Type type = r.getType();
    requirePayload(at, r, type);
    return switch (type) {
      case SCALAR -> ResourceEntry.scalar(name, role, scalarFromProto(at, r.getScalar().getValue()));
      case RANGES -> ResourceEntry.ranges(name, role, rangesFromProto(at, r.getRanges()));
      case SET -> ResourceEntry.set(name, role, setFromProto(at, r.getSet()));
      default -> throw new IllegalArgumentException(at + ": type " + type + " is not a resource type;"
          + " expected SCALAR, RANGES or SET");
    };
  }

  private static final String[] COMMON_NAMES = {"cpus", "mem", "disk", "ports", "gpus"};
  private static final ByteString[] COMMON_NAME_BYTES = new ByteString[COMMON_NAMES.length];

  static {
    for (int i = 0; i < COMMON_NAMES.length; i++) {
      COMMON_NAME_BYTES[i] = ByteString.copyFromUtf8(COMMON_NAMES[i]);
    }
  }

  /**
   * The resource's name; the common ones as shared constants, without decoding the wire bytes of
   * each resource of each task into a new String (a re-registering agent brings a million).
   */
  static String name(Resource r) {
    ByteString bytes = r.getNameBytes();
    for (int i = 0; i < COMMON_NAME_BYTES.length; i++) {
      if (COMMON_NAME_BYTES[i].equals(bytes)) {
        return COMMON_NAMES[i];
      }
    }
    return r.getName();
  }

  /** The last entry of {@code reservations}, else {@code role} unless "*"; null when unreserved. */
  private static String role(At at, Resource r) {
    int n = r.getReservationsCount();
    if (n > 0) {
      String role = r.getReservations(n - 1).getRole();
      if (role.isEmpty() || role.equals("*")) {
        throw new IllegalArgumentException(at + ": reservations[" + (n - 1) + "].role '" + role
            + "' is not a role; expected the name of the role the resource is reserved to");
      }
      return role;
    }
    String role = r.getRole();
    return role.isEmpty() || role.equals("*") ? null : role;
  }

  private static void requirePayload(At at, Resource r, Value.Type type) {
    boolean ok = switch (type) {
      case SCALAR -> r.hasScalar() && !r.hasRanges() && !r.hasSet();
      case RANGES -> r.hasRanges() && !r.hasScalar() && !r.hasSet();
      case SET -> r.hasSet() && !r.hasScalar() && !r.hasRanges();
      default -> true; // rejected with its own message
    };
    if (!ok) {
      throw new IllegalArgumentException(at + ": type " + type + " but fields set are"
          + (r.hasScalar() ? " scalar" : "") + (r.hasRanges() ? " ranges" : "") + (r.hasSet() ? " set" : "")
          + (r.hasScalar() || r.hasRanges() || r.hasSet() ? "" : " none")
          + "; expected exactly the field matching the type (scalar, ranges or set)");
    }
  }

  private static long scalarFromProto(At at, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(at + ": scalar value " + v + " is not finite; expected a finite number >= 0");
    }
    if (v < 0) {
      throw new IllegalArgumentException(at + ": scalar value " + v + " is negative; expected a finite number >= 0");
    }
    if (v > MAX_SCALAR) {
      throw new IllegalArgumentException(at + ": scalar value " + v + " is too large; expected at most 1e15");
    }
    return toMillis(v);
  }

  private static long[] rangesFromProto(At at, Value.Ranges ranges) {
    long[] pairs = new long[ranges.getRangeCount() * 2];
    for (int i = 0; i < ranges.getRangeCount(); i++) {
      Value.Range range = ranges.getRange(i);
      long b = range.getBegin();
      long e = range.getEnd();
      // uint64 arrives as a signed long: values at or above 2^63 look negative.
      if (b < 0 || e < 0) {
        throw new IllegalArgumentException(at + ": ranges.range[" + i + "] [" + Long.toUnsignedString(b) + "-" + Long.toUnsignedString(e)
            + "] is out of bounds; expected begin and end below 2^63");
      }
      if (b > e) {
        throw new IllegalArgumentException(at + ": ranges.range[" + i + "] [" + b + "-" + e + "] has begin > end; expected begin <= end");
      }
      pairs[2 * i] = b;
      pairs[2 * i + 1] = e;
    }
    return ResourceEntry.normalizeRanges(pairs);
  }

  private static String[] setFromProto(At at, Value.Set set) {
    TreeSet<String> items = new TreeSet<>();
    for (int i = 0; i < set.getItemCount(); i++) {
      String item = set.getItem(i);
      if (item.isEmpty()) {
        throw new IllegalArgumentException(at + ": set.item[" + i + "] is empty; expected a non-empty string");
      }
      items.add(item);
    }
    return items.toArray(ResourceEntry.NO_ITEMS);
  }
}
