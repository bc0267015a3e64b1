package io.meso.agent;

import io.meso.v1.Attribute;
import io.meso.v1.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses an agent's attributes spec, {@code name:value} pairs separated by ';' (Mesos's
 * {@code --attributes}): a number becomes a SCALAR ({@code level:3}), {@code [a-b,c-d]} becomes
 * RANGES, anything else TEXT ({@code rack:r1}). Names must be unique.
 */
public final class AgentAttributes {

  private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_./-]+");
  private static final Pattern RANGES = Pattern.compile("\\[\\s*\\d+\\s*-\\s*\\d+\\s*(,\\s*\\d+\\s*-\\s*\\d+\\s*)*]");

  private AgentAttributes() {}

  /**
   * @throws IllegalArgumentException naming the bad entry and what is allowed
   */
  public static List<Attribute> parse(String spec) {
    List<Attribute> out = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    Set<String> seen = new HashSet<>();
    for (String raw : spec.split(";")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int colon = entry.indexOf(':');
      if (colon < 0) {
        throw invalid(spec, entry, "expected name:value, e.g. rack:r1");
      }
      String name = entry.substring(0, colon).trim();
      String value = entry.substring(colon + 1).trim();
      if (!NAME.matcher(name).matches()) {
        throw invalid(spec, entry, "the name must be letters, digits, '_', '.', '/' or '-'");
      }
      if (value.isEmpty()) {
        throw invalid(spec, entry, "the value is empty; expected text, a number or ranges like [1-10]");
      }
      if (!seen.add(name)) {
        throw invalid(spec, entry, "attribute '" + name + "' is given twice");
      }
      out.add(attribute(spec, entry, name, value));
    }
    return out;
  }

  private static Attribute attribute(String spec, String entry, String name, String value) {
    Attribute.Builder a = Attribute.newBuilder().setName(name);
    if (NUMBER.matcher(value).matches()) {
      return a.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(Double.parseDouble(value))).build();
    }
    if (value.startsWith("[")) {
      if (!RANGES.matcher(value).matches()) {
        throw invalid(spec, entry, "ranges must look like [1-10,20-30]");
      }
      Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
      for (String part : value.substring(1, value.length() - 1).split(",")) {
        String[] bounds = part.split("-");
        long begin = Long.parseLong(bounds[0].trim());
        long end = Long.parseLong(bounds[1].trim());
        if (begin > end) {
          throw invalid(spec, entry, "range " + part.trim() + " ends before it begins");
        }
        ranges.addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end));
      }
      return a.setType(Value.Type.RANGES).setRanges(ranges).build();
    }
    return a.setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(value)).build();
  }

  private static IllegalArgumentException invalid(String spec, String entry, String why) {
    return new IllegalArgumentException("invalid attribute '" + entry + "' in attributes '" + spec + "': " + why);
  }
}
