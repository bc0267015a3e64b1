package io.meso.services.app;

/**
 * One placement constraint of an app, {@code [field, OPERATOR(, value)]} on the wire. The field is
 * {@code hostname}, {@code @hostname}, {@code @region}, {@code @zone} or an agent attribute name;
 * {@code value} is null when the constraint has none (an empty string on the wire counts as none,
 * because marathon-client sends {@code ["hostname","UNIQUE",""]}).
 */
public record Constraint(String field, Operator operator, String value) {

  /** Marathon's constraint operators (its {@code ConstraintOperator} RAML enum). */
  public enum Operator { UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS }

  public Constraint {
    if (field == null || field.isEmpty() || operator == null) {
      throw new IllegalArgumentException("a constraint needs a field and an operator");
    }
    if (value != null && value.isEmpty()) {
      value = null;
    }
  }
}
