package io.meso.services.app.json;

import io.meso.services.app.Constraint;
import io.meso.services.app.Constraint.Operator;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and checks an app's {@code constraints}, {@code [[field, OPERATOR(, value)]]}, with the
 * rules and messages of Marathon's {@code api/v2/validation/SchedulingValidation.scala}; every
 * violation is reported at {@code /constraints(i)}. The operator is matched case-insensitively and
 * an empty value counts as none (marathon-client's {@code ["hostname","UNIQUE",""]}, M#6458).
 */
final class ConstraintReader {

  static final String WRONG_SIZE = "Each constraint must have either 2 or 3 fields";
  static final String ILLEGAL = "illegal constraint specification";
  static final String BAD_OPERATOR =
      "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS";
  static final String UNIQUE_VALUE = "UNIQUE does not accept a value";
  static final String GROUP_BY_INT = "GROUP BY must define an integer value or else no value at all";
  static final String MAX_PER_INT = "MAX_PER requires an integer value";
  static final String LIKE_NEEDS_REGEX = "LIKE and UNLIKE require a non-empty, regular expression value";
  static final String BAD_REGEX = "is not a valid regular expression";
  static final String IS_TEXT =
      "IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)";
  /** Mesos text or scalar values: the only ones IS accepts, so that ranges and sets can be added later. */
  static final Pattern MESOS_TEXT_OR_SCALAR = Pattern.compile("^[a-zA-Z0-9_/.-]*$");

  private ConstraintReader() {}

  static List<Constraint> read(JsonArray array, String path, List<Violation> out) {
    List<Constraint> result = new ArrayList<>();
    if (array == null) {
      return result;
    }
    for (int i = 0; i < array.size(); i++) {
      String at = Violation.element(path, i);
      Constraint c = one(array.getValue(i), at, out);
      if (c != null) {
        result.add(c);
      }
    }
    return result;
  }

  private static Constraint one(Object raw, String at, List<Violation> out) {
    List<String> parts = strings(raw);
    if (parts == null) {
      out.add(new Violation(at, "constraint: got " + Fields.describe(raw)
          + ", expected [field, OPERATOR] or [field, OPERATOR, value] (strings)"));
      return null;
    }
    if (parts.size() < 2 || parts.size() > 3) {
      out.add(new Violation(at, WRONG_SIZE + ", got " + parts.size() + ": " + parts));
      return null;
    }
    String field = parts.get(0);
    if (field.isEmpty()) {
      out.add(new Violation(at, ILLEGAL + ": the field (hostname, @hostname, @region, @zone or an attribute) is empty"));
      return null;
    }
    Operator op = operator(parts.get(1));
    if (op == null) {
      out.add(new Violation(at, BAD_OPERATOR + ", got '" + parts.get(1) + "'"));
      return null;
    }
    String value = parts.size() == 3 && !parts.get(2).isEmpty() ? parts.get(2) : null;
    String problem = problem(op, value);
    if (problem != null) {
      out.add(new Violation(at, problem));
      return null;
    }
    return new Constraint(field, op, value);
  }

  /** What is wrong with {@code value} for {@code op}, or null. */
  private static String problem(Operator op, String value) {
    return switch (op) {
      case UNIQUE -> value == null ? null : UNIQUE_VALUE + ", got '" + value + "'";
      case CLUSTER -> null;
      case GROUP_BY -> value == null || isInt(value) ? null : GROUP_BY_INT + ", got '" + value + "'";
      case MAX_PER -> value != null && isInt(value) ? null
          : MAX_PER_INT + (value == null ? "" : ", got '" + value + "'");
      case LIKE, UNLIKE -> {
        if (value == null) {
          yield LIKE_NEEDS_REGEX;
        }
        try {
          Pattern.compile(value);
          yield null;
        } catch (PatternSyntaxException e) {
          yield "'" + value + "' " + BAD_REGEX;
        }
      }
      case IS -> MESOS_TEXT_OR_SCALAR.matcher(value == null ? "" : value).matches() ? null
          : IS_TEXT + ", got '" + value + "'";
    };
  }

  private static Operator operator(String raw) {
    try {
      return Operator.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isInt(String s) {
    try {
      Integer.parseInt(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static List<String> strings(Object raw) {
    if (!(raw instanceof JsonArray a)) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof String s)) {
        return null;
      }
      parts.add(s);
    }
    return parts;
  }
}
