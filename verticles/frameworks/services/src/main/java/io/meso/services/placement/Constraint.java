package io.meso.services.placement;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One placement constraint: a field (hostname, {@code @hostname}, {@code @region}, {@code @zone}
 * or an agent attribute name), an operator and an optional value. An empty string value means no
 * value: marathon-client's {@code addConstraint} sends {@code ["hostname","UNIQUE",""]}
 * (mesosphere/marathon#6458).
 */
public record Constraint(String field, Operator operator, Optional<String> value) {

  public Constraint {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(operator, "operator");
    value = Objects.requireNonNull(value, "value").filter(v -> !v.isEmpty());
  }

  /** A constraint; {@code value} may be null or empty for none. */
  public static Constraint of(String field, Operator operator, String value) {
    return new Constraint(field, operator, Optional.ofNullable(value));
  }

  /** A constraint without a value. */
  public static Constraint of(String field, Operator operator) {
    return new Constraint(field, operator, Optional.empty());
  }

  /**
   * The constraint of a Marathon JSON triple {@code [field, OPERATOR]} or {@code [field,
   * OPERATOR, value]}.
   *
   * @throws IllegalArgumentException if the triple has the wrong length or an unknown operator
   */
  public static Constraint fromTriple(List<String> triple) {
    if (triple == null || triple.size() < 2 || triple.size() > 3) {
      throw new IllegalArgumentException(
          "a constraint is [field, operator] or [field, operator, value], got " + triple);
    }
    return of(triple.get(0), Operator.parse(triple.get(1)), triple.size() == 3 ? triple.get(2) : null);
  }

  /** The value, or "" when there is none (Marathon's protobuf default). */
  String valueOrEmpty() {
    return value.orElse("");
  }

  @Override
  public String toString() {
    return "[" + field + "," + operator + value.map(v -> "," + v).orElse("") + "]";
  }
}
