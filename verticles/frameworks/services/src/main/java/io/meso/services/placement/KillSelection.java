package io.meso.services.placement;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which instances go first when an app scales down: Marathon's {@code state/KillSelection.scala}
 * and the order of {@code core/deployment/ScalingProposition.scala} sortByConditionAndDate.
 * Instances that do the least good die first: unreachable, then staging, then starting, then
 * running, then any other condition; within one condition the youngest (default) or the oldest,
 * by the time the instance entered that condition (staged, started, became active). An instance
 * without such a time goes first among its peers, as in Marathon.
 */
public enum KillSelection {
  YOUNGEST_FIRST,
  OLDEST_FIRST;

  /** Marathon's default. */
  public static final KillSelection DEFAULT = YOUNGEST_FIRST;

  /** How far an instance is in its life, for ordering kills. */
  public enum Condition {
    UNREACHABLE, STAGING, STARTING, RUNNING, OTHER
  }

  /**
   * An instance that may be killed.
   *
   * @param id the instance id
   * @param condition its condition
   * @param since when it entered that condition (stagedAt, startedAt, activeSince); may be empty
   */
  public record Candidate(String id, Condition condition, Optional<Instant> since) {
    public Candidate {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(condition, "condition");
      since = Objects.requireNonNull(since, "since");
    }

    public static Candidate of(String id, Condition condition, Instant since) {
      return new Candidate(id, condition, Optional.ofNullable(since));
    }
  }

  /** The kill selection named as in app JSON ({@code YOUNGEST_FIRST}, {@code OLDEST_FIRST}). */
  public static KillSelection parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "killSelection '" + name + "' is not one of YOUNGEST_FIRST, OLDEST_FIRST");
    }
  }

  /** The candidates in kill order. */
  public List<Candidate> order(List<Candidate> candidates) {
    Comparator<Instant> byAge = this == YOUNGEST_FIRST ? Comparator.reverseOrder() : Comparator.naturalOrder();
    Comparator<Candidate> bySince = Comparator.comparing(
        c -> c.since().orElse(null), Comparator.nullsFirst(byAge));
    return candidates.stream()
        .sorted(Comparator.comparing(Candidate::condition).thenComparing(bySince))
        .toList();
  }

  /** The first {@code count} candidates in kill order (all of them if fewer). */
  public List<Candidate> pick(List<Candidate> candidates, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    List<Candidate> ordered = order(candidates);
    return ordered.subList(0, Math.min(count, ordered.size()));
  }
}
