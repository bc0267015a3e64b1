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
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meso.services.placement.MatchResult.Match;
import io.meso.services.placement.MatchResult.NoMatch;
import io.meso.services.placement.OfferMatcher.AgentAvailability;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Offer matching: one table row per NoMatch reason, then resources, ports, env and reuse of an offer. */
class OfferMatcherTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final OfferMatcher MATCHER = new OfferMatcher(AgentAvailability.ALWAYS, true, new Random(7));

  static Offers base() {
    return Offers.on("h1").allocatedTo("web").scalar("cpus", 4).scalar("mem", 1024)
        .scalar("disk", 1000).ports(31000, 31009);
  }

  static InstanceSpec spec(double cpus, double mem, double disk, int gpus, List<PortSpec> ports,
      List<Constraint> constraints) {
    return InstanceSpec.of("web", cpus, mem, disk, gpus, ports, constraints);
  }

  static InstanceSpec small() {
    return spec(1, 128, 0, 0, List.of(PortSpec.definition("http", 0, false)), List.of());
  }

  static List<PortSpec> dynamicPorts(int n) {
    List<PortSpec> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ports.add(PortSpec.definition(null, 0, false));
    }
    return ports;
  }

  static Stream<Arguments> reasons() {
    Constraint unique = Constraint.of("hostname", Operator.UNIQUE);
    InstanceSpec resident = new InstanceSpec("web", Set.of(), 1, 128, 0, 0, List.of(), List.of(),
        Map.of("marathon_task_id", "t1"));
    return Stream.of(
        arguments("offer for another role", base().allocatedTo("other").build(), small(),
            AgentAvailability.ALWAYS, List.of(UnfulfilledRole)),
        arguments("every resource reserved for another role",
            Offers.on("h1").scalar("cpus", 4, "db").scalar("mem", 1024, "db").build(), small(),
            AgentAvailability.ALWAYS, List.of(UnfulfilledRole, InsufficientCpus, InsufficientMemory)),
        arguments("UNIQUE host already used", base().build(),
            spec(1, 128, 0, 0, List.of(), List.of(unique)), AgentAvailability.ALWAYS,
            List.of(UnfulfilledConstraint)),
        arguments("no reservation with the instance's labels", base().build(), resident,
            AgentAvailability.ALWAYS, List.of(NoCorrespondingReservationFound, InsufficientCpus, InsufficientMemory)),
        arguments("agent in maintenance (Marathon also adds UnfulfilledConstraint)", base().build(), small(),
            (AgentAvailability) (o, now) -> false, List.of(UnfulfilledConstraint, AgentMaintenance)),
        arguments("cpus", base().build(), spec(5, 128, 0, 0, List.of(), List.of()),
            AgentAvailability.ALWAYS, List.of(InsufficientCpus)),
        arguments("mem", base().build(), spec(1, 2048, 0, 0, List.of(), List.of()),
            AgentAvailability.ALWAYS, List.of(InsufficientMemory)),
        arguments("disk", base().build(), spec(1, 128, 1000.5, 0, List.of(), List.of()),
            AgentAvailability.ALWAYS, List.of(InsufficientDisk)),
        arguments("gpus", base().build(), spec(1, 128, 0, 1, List.of(), List.of()),
            AgentAvailability.ALWAYS, List.of(InsufficientGpus)),
        arguments("too many dynamic ports", base().build(), spec(1, 128, 0, 0, dynamicPorts(11), List.of()),
            AgentAvailability.ALWAYS, List.of(InsufficientPorts)),
        arguments("required port not offered", base().build(),
            spec(1, 128, 0, 0, List.of(PortSpec.definition("http", 8080, true)), List.of()),
            AgentAvailability.ALWAYS, List.of(InsufficientPorts)),
        arguments("GPU agent for an instance without GPUs", base().scalar("gpus", 1).build(), small(),
            AgentAvailability.ALWAYS, List.of(DeclinedScarceResources)),
        arguments("several at once, funnel order", base().allocatedTo("other").build(),
            spec(8, 4096, 0, 0, List.of(), List.of(unique)), AgentAvailability.ALWAYS,
            List.of(UnfulfilledRole, UnfulfilledConstraint, InsufficientCpus, InsufficientMemory)));
  }

  @ParameterizedTest(name = "{0} -> {4}")
  @MethodSource("reasons")
  void rejectsWithReasonsInFunnelOrder(String what, Offer offer, InstanceSpec spec,
      AgentAvailability availability, List<NoOfferMatchReason> expected) {
    MatchResult result = new OfferMatcher(availability, true, new Random(1))
        .match(offer, spec, List.of(Offers.agent("h1")), NOW);
    assertThat(result).isInstanceOf(NoMatch.class);
    NoMatch noMatch = (NoMatch) result;
    assertThat(noMatch.reasons()).isEqualTo(expected);
    assertThat(noMatch.reason()).isEqualTo(expected.get(0));
  }

  @Test
  void anInstanceOfTheUnreservedRoleMatchesAnOfferToThatRole() {
    Offer offer = Offers.on("h1").allocatedTo("*").scalar("cpus", 4).scalar("mem", 1024).build();
    InstanceSpec star = InstanceSpec.of("*", 1, 128, 0, 0, List.of(), List.of());
    assertThat(star.rolesToConsider()).containsExactly("*");
    assertThat(MATCHER.match(offer, star, List.of(), NOW)).isInstanceOf(Match.class);
  }

  @Test
  void scarceGpusAreTakenWhenNotDeclined() {
    Offer offer = base().scalar("gpus", 1).build();
    assertThat(new OfferMatcher(AgentAvailability.ALWAYS, false, new Random(1))
        .match(offer, small(), List.of(), NOW)).isInstanceOf(Match.class);
  }

  @Test
  void resourcesKeepRoleAllocationAndReservationAndAreCutInOfferOrder() {
    Offer offer = Offers.on("h1").allocatedTo("web")
        .scalar("cpus", 0.5, "web").scalar("cpus", 4).scalar("mem", 1024).scalar("cpus", 2, "db").build();
    Match match = (Match) MATCHER.match(offer, spec(1, 256, 0, 0, List.of(), List.of()), List.of(), NOW);

    assertThat(match.resources()).containsExactly(
        Offers.scalarResource("cpus", 0.5, "web"),
        Offers.scalarResource("cpus", 0.5, "*"),
        Offers.scalarResource("mem", 256, "*"));
    assertThat(match.remaining().getResourcesList()).containsExactly(
        Offers.scalarResource("cpus", 3.5, "*"),
        Offers.scalarResource("mem", 768, "*"),
        Offers.scalarResource("cpus", 2, "db"));
  }

  @Test
  void acceptedResourceRolesNarrowWhatIsUsed() {
    Offer offer = Offers.on("h1").scalar("cpus", 4, "web").scalar("mem", 1024).build();
    InstanceSpec unreservedOnly = new InstanceSpec("web", Set.of("*"), 1, 128, 0, 0, List.of(), List.of(), Map.of());
    assertThat(((NoMatch) MATCHER.match(offer, unreservedOnly, List.of(), NOW)).reasons())
        .containsExactly(InsufficientCpus);
  }

  @Test
  void resourcesReservedForOneInstanceServeOnlyThatInstance() {
    Resource reserved = Offers.labelled(Offers.scalarResource("cpus", 2, "web"), "marathon_task_id", "t1");
    Offer offer = Offers.on("h1").add(reserved).scalar("mem", 1024, "web").build();
    assertThat(((NoMatch) MATCHER.match(offer, small(), List.of(), NOW)).reasons())
        .containsExactly(InsufficientCpus);

    Resource reservedMem = Offers.labelled(Offers.scalarResource("mem", 1024, "web"), "marathon_task_id", "t1");
    Offer own = Offers.on("h1").add(reserved).add(reservedMem).build();
    InstanceSpec resident = new InstanceSpec("web", Set.of(), 1, 128, 0, 0, List.of(), List.of(),
        Map.of("marathon_task_id", "t1"));
    Match match = (Match) MATCHER.match(own, resident, List.of(), NOW);
    assertThat(match.resources()).allSatisfy(r -> assertThat(ResourcePool.reservationLabels(r))
        .containsEntry("marathon_task_id", "t1"));
  }

  @Test
  void requiredPortsAreBoundExactlyAndDynamicOnesAvoidThem() {
    List<PortSpec> ports = List.of(PortSpec.definition("http", 0, false),
        PortSpec.definition("admin", 31005, true), PortSpec.mapping("metrics", 9090, 0));
    for (int seed = 0; seed < 50; seed++) {
      Match match = (Match) new OfferMatcher(AgentAvailability.ALWAYS, true, new Random(seed))
          .match(base().build(), spec(1, 128, 0, 0, ports, List.of()), List.of(), NOW);
      List<Integer> host = match.hostPorts();
      assertThat(host.get(1)).isEqualTo(31005);
      assertThat(host).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isBetween(31000, 31009));
      Resource portsResource = match.resources().stream().filter(r -> r.getName().equals("ports"))
          .findFirst().orElseThrow();
      assertThat(portsResource.getRanges().getRangeList().stream()
          .mapToLong(r -> r.getEnd() - r.getBegin() + 1).sum()).isEqualTo(3);
    }
  }

  @Test
  void withoutRequirePortsAServicePortIsNotAHostPort() {
    Offer offer = Offers.on("h1").scalar("cpus", 1).scalar("mem", 128).ports(31000, 31000).build();
    Match match = (Match) MATCHER.match(offer,
        spec(1, 128, 0, 0, List.of(PortSpec.definition("http", 10001, false)), List.of()), List.of(), NOW);
    assertThat(match.hostPorts()).containsExactly(31000);
    assertThat(match.env()).containsEntry("PORT_10001", "31000").containsEntry("PORT_HTTP", "31000");
  }

  @Test
  void portsComeFromSeveralRangesAndSpreadOverThem() {
    Offer offer = Offers.on("h1").scalar("cpus", 1).scalar("mem", 128).ports(1000, 1000, 2000, 2000).build();
    Match match = (Match) MATCHER.match(offer, spec(1, 128, 0, 0, dynamicPorts(2), List.of()), List.of(), NOW);
    assertThat(match.hostPorts()).containsExactlyInAnyOrder(1000, 2000);
    assertThat(match.remaining().getResourcesList()).noneMatch(r -> r.getName().equals("ports"));
    Set<Integer> firstPorts = new HashSet<>();
    for (int seed = 0; seed < 40; seed++) {
      Match m = (Match) new OfferMatcher(AgentAvailability.ALWAYS, true, new Random(seed))
          .match(base().build(), small(), List.of(), NOW);
      firstPorts.add(m.hostPorts().get(0));
    }
    assertThat(firstPorts).as("random start, not always the first port").hasSizeGreaterThan(3);
  }

  @Test
  void portEnvironmentIsMarathons() {
    List<PortSpec> ports = List.of(PortSpec.definition("http", 0, false), PortSpec.definition(null, 31007, true));
    Match match = (Match) MATCHER.match(base().build(), spec(1, 128, 0, 0, ports, List.of()), List.of(), NOW);
    int p0 = match.hostPorts().get(0);
    assertThat(match.env()).isEqualTo(Map.of(
        "HOST", "h1",
        "PORT0", Integer.toString(p0),
        "PORT1", "31007",
        "PORT_" + p0, Integer.toString(p0),
        "PORT_31007", "31007",
        "PORT_HTTP", Integer.toString(p0),
        "PORT", Integer.toString(p0),
        "PORTS", p0 + ",31007"));
  }

  @Test
  void noPortsNoPortVariables() {
    Match match = (Match) MATCHER.match(base().build(), spec(1, 128, 0, 0, List.of(), List.of()), List.of(), NOW);
    assertThat(match.env()).isEqualTo(Map.of("HOST", "h1"));
    assertThat(match.hostPorts()).isEmpty();
  }

  @Test
  void severalInstancesShareOneOffer() {
    Offer offer = Offers.on("h1").allocatedTo("web").scalar("cpus", 2.5).scalar("mem", 1024).ports(31000, 31002).build();
    InstanceSpec spec = small();
    List<AgentFacts> placed = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    MatchResult result = MATCHER.match(offer, spec, placed, NOW);
    int launched = 0;
    while (result instanceof Match match) {
      launched++;
      ports.addAll(match.hostPorts());
      placed.add(AgentFacts.of(offer));
      offer = match.remaining();
      result = MATCHER.match(offer, spec, placed, NOW);
    }
    assertThat(launched).isEqualTo(2);
    assertThat(ports).doesNotHaveDuplicates();
    assertThat(((NoMatch) result).reason()).isEqualTo(InsufficientCpus);
    assertThat(offer.getResourcesList()).contains(Offers.scalarResource("cpus", 0.5, "*"),
        Offers.scalarResource("mem", 768, "*"));
  }

  @Test
  void tenthsAddUpExactly() {
    Offer offer = Offers.on("h1").scalar("cpus", 1.0).scalar("mem", 1024).build();
    InstanceSpec tenth = spec(0.1, 1, 0, 0, List.of(), List.of());
    for (int i = 0; i < 10; i++) {
      MatchResult result = MATCHER.match(offer, tenth, List.of(), NOW);
      assertThat(result).as("instance %d", i).isInstanceOf(Match.class);
      offer = ((Match) result).remaining();
    }
    assertThat(((NoMatch) MATCHER.match(offer, tenth, List.of(), NOW)).reason()).isEqualTo(InsufficientCpus);
    assertThat(offer.getResourcesList()).noneMatch(r -> r.getName().equals("cpus"));
  }

  @Test
  void uniqueHostAllowsOnePerOfferAcrossInstances() {
    InstanceSpec spec = spec(1, 128, 0, 0, List.of(), List.of(Constraint.of("hostname", Operator.UNIQUE)));
    Match first = (Match) MATCHER.match(base().build(), spec, List.of(), NOW);
    MatchResult second = MATCHER.match(first.remaining(), spec, List.of(AgentFacts.of(first.offer())), NOW);
    assertThat(((NoMatch) second).reason()).isEqualTo(UnfulfilledConstraint);
  }
}
