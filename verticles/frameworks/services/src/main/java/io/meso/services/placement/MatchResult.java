package io.meso.services.placement;

import io.meso.v1.Offer;
import io.meso.v1.Resource;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The outcome of matching one offer against one instance: a {@link Match} or a {@link NoMatch}. */
public sealed interface MatchResult {

  /** The offer the match was made against. */
  Offer offer();

  /**
   * The offer fits.
   *
   * @param offer the offer matched against
   * @param resources the resources to LAUNCH with, each cut from an offered resource so it keeps
   *     that resource's role, allocation info and reservations
   * @param hostPorts the host port bound for each requested port, in request order
   * @param env the port environment Marathon sets: PORT0.., PORT_&lt;port&gt;, PORT_&lt;NAME&gt;,
   *     PORT, PORTS, and HOST
   * @param remaining the offer without the consumed resources, to place another instance in
   */
  record Match(Offer offer, List<Resource> resources, List<Integer> hostPorts,
      Map<String, String> env, Offer remaining) implements MatchResult {
    public Match {
      resources = List.copyOf(resources);
      hostPorts = List.copyOf(hostPorts);
      env = Map.copyOf(env);
    }
  }

  /**
   * The offer does not fit.
   *
   * @param offer the offer matched against
   * @param reasons every reason found, in funnel order; never empty
   */
  record NoMatch(Offer offer, List<NoOfferMatchReason> reasons) implements MatchResult {
    public NoMatch {
      Objects.requireNonNull(offer, "offer");
      if (reasons.isEmpty()) {
        throw new IllegalArgumentException("a NoMatch needs a reason");
      }
      Set<NoOfferMatchReason> sorted = EnumSet.copyOf(reasons);
      reasons = List.copyOf(sorted);
    }

    /** The reason the offer is counted under: the first in funnel order. */
    public NoOfferMatchReason reason() {
      return reasons.get(0);
    }
  }
}
