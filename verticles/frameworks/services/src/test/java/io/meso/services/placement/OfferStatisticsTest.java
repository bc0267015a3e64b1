package io.meso.services.placement;

import static io.meso.services.placement.NoOfferMatchReason.AgentMaintenance;
import static io.meso.services.placement.NoOfferMatchReason.DeclinedScarceResources;
import static io.meso.services.placement.NoOfferMatchReason.InsufficientCpus;
import static io.meso.services.placement.NoOfferMatchReason.InsufficientDisk;
import static io.meso.services.placement.NoOfferMatchReason.InsufficientGpus;
import static io.meso.services.placement.NoOfferMatchReason.InsufficientMemory;
import static io.meso.services.placement.NoOfferMatchReason.InsufficientPorts;
import static io.meso.services.placement.NoOfferMatchReason.NoCorrespondingReservationFound;
import static io.meso.services.placement.NoOfferMatchReason.UnfulfilledConstraint;
import static io.meso.services.placement.NoOfferMatchReason.UnfulfilledRole;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.placement.OfferStatistics.DeclinedOfferStep;
import io.meso.services.placement.OfferStatistics.ProcessedOffersSummary;
import io.meso.services.placement.OfferStatistics.UnusedOffer;
import io.meso.v1.Offer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /v2/queue statistics, with the numbers of Marathon's QueueInfoConversionTest. */
class OfferStatisticsTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Offer A = Offers.on("a").build();
  static final Offer B = Offers.on("b").build();
  static final Offer C = Offers.on("c").build();
  static final Offer D = Offers.on("d").build();

  @Test
  void summariesFollowTheFunnel() {
    OfferStatistics stats = new OfferStatistics();
    int t = 0;
    for (int i = 0; i < 10; i++) {
      stats.recordUnused(D, List.of(InsufficientDisk), T0.plusSeconds(t++));
    }
    for (int i = 0; i < 15; i++) {
      stats.recordUnused(D, List.of(InsufficientDisk, InsufficientMemory), T0.plusSeconds(t++));
    }
    for (int i = 0; i < 23; i++) {
      stats.recordUsed(T0.plusSeconds(t++));
    }
    Offer[] cpuAgents = {A, B, C};
    for (int i = 0; i < 75; i++) {
      stats.recordUnused(cpuAgents[i % 3], List.of(InsufficientMemory, InsufficientCpus), T0.plusSeconds(t++));
    }

    ProcessedOffersSummary summary = stats.summary();
    assertThat(summary.processedOffersCount()).isEqualTo(123);
    assertThat(summary.unusedOffersCount()).isEqualTo(100);
    assertThat(summary.lastUnusedOfferAt()).contains(T0.plusSeconds(t - 1));
    assertThat(summary.lastUsedOfferAt()).contains(T0.plusSeconds(47));
    assertThat(summary.rejectSummaryLaunchAttempt()).containsExactly(
        new DeclinedOfferStep(UnfulfilledRole, 0, 123),
        new DeclinedOfferStep(UnfulfilledConstraint, 0, 123),
        new DeclinedOfferStep(NoCorrespondingReservationFound, 0, 123),
        new DeclinedOfferStep(AgentMaintenance, 0, 123),
        new DeclinedOfferStep(InsufficientCpus, 75, 123),
        new DeclinedOfferStep(InsufficientMemory, 15, 48),
        new DeclinedOfferStep(InsufficientDisk, 10, 33),
        new DeclinedOfferStep(InsufficientGpus, 0, 23),
        new DeclinedOfferStep(InsufficientPorts, 0, 23),
        new DeclinedOfferStep(DeclinedScarceResources, 0, 23));
    assertThat(summary.rejectSummaryLastOffers()).containsExactly(
        new DeclinedOfferStep(UnfulfilledRole, 0, 4),
        new DeclinedOfferStep(UnfulfilledConstraint, 0, 4),
        new DeclinedOfferStep(NoCorrespondingReservationFound, 0, 4),
        new DeclinedOfferStep(AgentMaintenance, 0, 4),
        new DeclinedOfferStep(InsufficientCpus, 3, 4),
        new DeclinedOfferStep(InsufficientMemory, 1, 1),
        new DeclinedOfferStep(InsufficientDisk, 0, 0),
        new DeclinedOfferStep(InsufficientGpus, 0, 0),
        new DeclinedOfferStep(InsufficientPorts, 0, 0),
        new DeclinedOfferStep(DeclinedScarceResources, 0, 0));
  }

  @Test
  void lastUnusedOffersKeepTheLatestPerAgent() {
    OfferStatistics stats = new OfferStatistics();
    stats.recordUnused(A, List.of(InsufficientPorts), T0);
    stats.recordUnused(B, List.of(InsufficientCpus), T0.plusSeconds(1));
    stats.record(new MatchResult.NoMatch(A, List.of(InsufficientGpus, UnfulfilledRole)), T0.plusSeconds(2));

    assertThat(stats.lastUnusedOffers()).containsExactly(
        new UnusedOffer(B, List.of(InsufficientCpus), T0.plusSeconds(1)),
        new UnusedOffer(A, List.of(UnfulfilledRole, InsufficientGpus), T0.plusSeconds(2)));
  }

  @Test
  void lastUnusedOffersAreBounded() {
    OfferStatistics stats = new OfferStatistics(2);
    stats.recordUnused(A, List.of(InsufficientCpus), T0);
    stats.recordUnused(B, List.of(InsufficientCpus), T0);
    stats.recordUnused(C, List.of(InsufficientCpus), T0);
    assertThat(stats.lastUnusedOffers()).extracting(UnusedOffer::offer).containsExactly(B, C);
    assertThat(stats.summary().unusedOffersCount()).isEqualTo(3);
    assertThat(stats.summary().rejectSummaryLastOffers().get(0).processed()).isEqualTo(2);
  }

  @Test
  void nothingProcessedYet() {
    ProcessedOffersSummary summary = new OfferStatistics().summary();
    assertThat(summary.processedOffersCount()).isZero();
    assertThat(summary.lastUnusedOfferAt()).isEmpty();
    assertThat(summary.lastUsedOfferAt()).isEmpty();
    assertThat(summary.rejectSummaryLaunchAttempt()).hasSize(NoOfferMatchReason.values().length)
        .allSatisfy(s -> assertThat(s.declined() + s.processed()).isZero());
  }
}
