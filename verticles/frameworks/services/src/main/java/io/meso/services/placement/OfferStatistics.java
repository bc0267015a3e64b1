package io.meso.services.placement;

import io.meso.services.placement.MatchResult.NoMatch;
import io.meso.v1.Offer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The offers processed for one app while it waits in the launch queue, for {@code /v2/queue}'s
 * processedOffersSummary and lastUnusedOffers, with the semantics of Marathon's {@code
 * core/launchqueue/impl/OfferMatchStatistics.scala}, {@code core/launchqueue/LaunchStats.scala}
 * and {@code raml/QueueInfoConversion.scala}:
 *
 * <ul>
 *   <li>every match or no-match counts as processed; a no-match also as unused, and under its
 *       first reason in funnel order in the launch-attempt summary;
 *   <li>lastUnusedOffers keeps the latest no-match per agent (bounded here by {@code
 *       maxAgents}, oldest agent dropped first); the last-offers summary counts those;
 *   <li>a summary lists every reason in funnel order with {@code declined} = offers counted under
 *       it and {@code processed} = offers that reached that step (the previous step's processed
 *       minus its declined), starting from the number of offers summarised.
 * </ul>
 *
 * Marathon drops an app's statistics when its launch finishes: callers drop this object then.
 * Not thread-safe: one owner updates it.
 */
public final class OfferStatistics {

  /** The bound on remembered agents when none is given. */
  public static final int DEFAULT_MAX_AGENTS = 1000;

  private final int maxAgents;
  private final Map<NoOfferMatchReason, Integer> launchAttempt = new EnumMap<>(NoOfferMatchReason.class);
  private final LinkedHashMap<String, UnusedOffer> lastUnused = new LinkedHashMap<>();
  private int processed;
  private int unused;
  private Instant lastUnusedAt;
  private Instant lastUsedAt;

  public OfferStatistics(int maxAgents) {
    if (maxAgents < 1) {
      throw new IllegalArgumentException("maxAgents must be >= 1, got " + maxAgents);
    }
    this.maxAgents = maxAgents;
  }

  public OfferStatistics() {
    this(DEFAULT_MAX_AGENTS);
  }

  /** Records a match result at {@code at}. */
  public void record(MatchResult result, Instant at) {
    if (result instanceof NoMatch noMatch) {
      recordUnused(noMatch.offer(), noMatch.reasons(), at);
    } else {
      recordUsed(at);
    }
  }

  /** Records an offer that was used to launch an instance. */
  public void recordUsed(Instant at) {
    processed++;
    lastUsedAt = at;
  }

  /** Records an offer declined for {@code reasons} (any order; the funnel decides). */
  public void recordUnused(Offer offer, List<NoOfferMatchReason> reasons, Instant at) {
    NoMatch noMatch = new NoMatch(offer, reasons);
    processed++;
    unused++;
    lastUnusedAt = at;
    launchAttempt.merge(noMatch.reason(), 1, Integer::sum);
    String agent = offer.getAgentId().getValue();
    lastUnused.remove(agent);
    lastUnused.put(agent, new UnusedOffer(offer, noMatch.reasons(), at));
    while (lastUnused.size() > maxAgents) {
      lastUnused.remove(lastUnused.keySet().iterator().next());
    }
  }

  /** The processedOffersSummary of {@code /v2/queue}. */
  public ProcessedOffersSummary summary() {
    Map<NoOfferMatchReason, Integer> lastOffers = new EnumMap<>(NoOfferMatchReason.class);
    for (UnusedOffer u : lastUnused.values()) {
      lastOffers.merge(u.reasons().get(0), 1, Integer::sum);
    }
    return new ProcessedOffersSummary(processed, unused, Optional.ofNullable(lastUnusedAt),
        Optional.ofNullable(lastUsedAt), steps(lastUnused.size(), lastOffers),
        steps(processed, launchAttempt));
  }

  /** The latest declined offer of each agent, least recently declined first. */
  public List<UnusedOffer> lastUnusedOffers() {
    return List.copyOf(lastUnused.values());
  }

  private static List<DeclinedOfferStep> steps(int offers, Map<NoOfferMatchReason, Integer> declined) {
    List<DeclinedOfferStep> steps = new ArrayList<>();
    int reaching = offers;
    for (NoOfferMatchReason reason : NoOfferMatchReason.values()) {
      int d = declined.getOrDefault(reason, 0);
      steps.add(new DeclinedOfferStep(reason, d, reaching));
      reaching -= d;
    }
    return steps;
  }

  /** The processedOffersSummary object of a queue item. */
  public record ProcessedOffersSummary(int processedOffersCount, int unusedOffersCount,
      Optional<Instant> lastUnusedOfferAt, Optional<Instant> lastUsedOfferAt,
      List<DeclinedOfferStep> rejectSummaryLastOffers, List<DeclinedOfferStep> rejectSummaryLaunchAttempt) {}

  /** One step of the funnel: {@code {reason, declined, processed}}. */
  public record DeclinedOfferStep(NoOfferMatchReason reason, int declined, int processed) {}

  /** One of lastUnusedOffers: {@code {offer, reason:[..], timestamp}}, reasons in funnel order. */
  public record UnusedOffer(Offer offer, List<NoOfferMatchReason> reasons, Instant timestamp) {}
}
