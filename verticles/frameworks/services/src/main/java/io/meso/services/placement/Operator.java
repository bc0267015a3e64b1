package io.meso.services.placement;

import java.util.Locale;

/** A Marathon constraint operator (docs/docs/constraints.md). */
public enum Operator {
  /** Every instance on a different value of the field. Takes no value. */
  UNIQUE,
  /** All instances on one value: the given one, or else the value of the first placed instance. */
  CLUSTER,
  /** Spread evenly over the field's values; the optional value is the minimum number of groups. */
  GROUP_BY,
  /** The field's value fully matches the regex. */
  LIKE,
  /** The field's value does not fully match the regex, or the agent lacks the field. */
  UNLIKE,
  /** At most N instances per value of the field. */
  MAX_PER,
  /** The field's value equals the given text, or the given scalar to three decimals. */
  IS;

  /**
   * The operator named {@code name} (case-insensitive, as Marathon's JSON reader accepts it).
   *
   * @throws IllegalArgumentException naming the value and the allowed operators
   */
  public static Operator parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("constraint operator '" + name
          + "' is not one of UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS");
    }
  }
}
