package io.meso.jobs.job;

import java.util.Set;

/**
 * A placement constraint {@code [attribute, operator, value]} on agent attributes (plus
 * {@code hostname}). EQUALS matches the value exactly; LIKE and UNLIKE match it as a regex.
 * Chronos dropped an unknown operator silently; Meso refuses it.
 */
public record Constraint(String attribute, String operator, String value) {
  /** The operators Chronos supports. */
  public static final Set<String> OPERATORS = Set.of("EQUALS", "LIKE", "UNLIKE");
}
