package io.meso.services.placement;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether one more instance of an app may be placed on an agent, given the agents its
 * placed instances run on, as Marathon's {@code mesosphere/mesos/Constraints.scala} does.
 *
 * <p>Rules, per operator, with v = the agent's value of the field:
 *
 * <ul>
 *   <li>the agent lacks the field: only UNLIKE accepts;
 *   <li>UNIQUE: no placed instance has v (an instance lacking the field never conflicts);
 *   <li>CLUSTER with value: v equals it; without: no instance placed yet, or the first placed
 *       instance has v;
 *   <li>GROUP_BY (Marathon 1.4–1.9): accept if v is a new group, or if there are at least
 *       {@code max(0, value)} groups and v's group is (one of) the smallest — so groups never
 *       differ by more than one;
 *   <li>LIKE / UNLIKE: v fully matches / does not fully match the regex; no value rejects;
 *   <li>MAX_PER: fewer than value instances on v;
 *   <li>IS: v equals the value, a scalar value compared as three-decimal text.
 * </ul>
 *
 * <p>Callers pass only the placed instances of the current configuration: Marathon ignores older
 * ones so a new instance can land next to the old one it replaces.
 */
public final class ConstraintChecker {

  private static final Logger LOG = LoggerFactory.getLogger(ConstraintChecker.class);
  private static final Pattern SCALAR = Pattern.compile("[0-9]+(?:\\.[0-9]+)?");

  private ConstraintChecker() {}

  /** Whether every constraint accepts one more instance on {@code agent}. */
  public static boolean meetsAll(List<Constraint> constraints, AgentFacts agent, List<AgentFacts> placed) {
    return constraints.stream().allMatch(c -> meets(c, agent, placed));
  }

  /** The constraints that reject one more instance on {@code agent}, in their given order. */
  public static List<Constraint> failing(List<Constraint> constraints, AgentFacts agent, List<AgentFacts> placed) {
    return constraints.stream().filter(c -> !meets(c, agent, placed)).toList();
  }

  /** Whether {@code constraint} accepts one more instance on {@code agent}. */
  public static boolean meets(Constraint constraint, AgentFacts agent, List<AgentFacts> placed) {
    Optional<String> offered = agent.valueOf(constraint.field());
    if (offered.isEmpty()) {
      return constraint.operator() == Operator.UNLIKE;
    }
    String v = offered.get();
    String field = constraint.field();
    String value = constraint.valueOrEmpty();
    return switch (constraint.operator()) {
      case UNIQUE -> placed.stream().noneMatch(p -> p.valueOf(field).equals(offered));
      case CLUSTER -> value.isEmpty()
          ? placed.isEmpty() || placed.get(0).valueOf(field).equals(offered)
          : v.equals(value);
      case GROUP_BY -> groupBy(v, field, value, placed);
      case LIKE -> like(constraint, v, true);
      case UNLIKE -> like(constraint, v, false);
      case MAX_PER -> maxPer(constraint, v, placed);
      case IS -> v.equals(SCALAR.matcher(value).matches()
          ? AgentFacts.formatScalar(Double.parseDouble(value))
          : value);
    };
  }

  private static boolean groupBy(String v, String field, String value, List<AgentFacts> placed) {
    int minimumGroups = Math.max(0, intValue(value, 0));
    // Instances lacking the field form a group of their own, as in Marathon's groupBy(Option).
    Map<Optional<String>, Integer> counts = new HashMap<>();
    for (AgentFacts p : placed) {
      counts.merge(p.valueOf(field), 1, Integer::sum);
    }
    Integer mine = counts.get(Optional.of(v));
    if (mine == null) {
      return true;
    }
    int smallest = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    return counts.size() >= minimumGroups && mine == smallest;
  }

  private static boolean maxPer(Constraint constraint, String v, List<AgentFacts> placed) {
    int max;
    try {
      max = Integer.parseInt(constraint.valueOrEmpty());
    } catch (NumberFormatException e) {
      LOG.warn("constraint={} MAX_PER needs an integer value; rejecting", constraint);
      return false;
    }
    long onV = placed.stream().filter(p -> p.valueOf(constraint.field()).equals(Optional.of(v))).count();
    return onV < max;
  }

  /** LIKE when {@code wanted}, else UNLIKE; a missing or invalid regex rejects either way. */
  private static boolean like(Constraint constraint, String v, boolean wanted) {
    String regex = constraint.valueOrEmpty();
    if (regex.isEmpty()) {
      LOG.warn("constraint={} {} needs a regex value; rejecting", constraint, constraint.operator());
      return false;
    }
    try {
      return Pattern.compile(regex).matcher(v).matches() == wanted;
    } catch (PatternSyntaxException e) {
      LOG.warn("constraint={} has an invalid regex; rejecting", constraint);
      return false;
    }
  }

  /** Marathon's getIntValue: "inf" is unbounded, an integer is itself, anything else the default. */
  private static int intValue(String s, int otherwise) {
    if ("inf".equals(s)) {
      return Integer.MAX_VALUE;
    }
    try {
      return Integer.parseInt(Objects.requireNonNull(s));
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
