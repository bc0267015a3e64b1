package io.meso.services.placement;

import static io.meso.services.placement.Offers.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Constraint tables: operator × field × placed instances × offered agent → accept or reject, with
 * the expectations of Marathon's Constraints.scala (v1.9 GROUP_BY) and docs/docs/constraints.md.
 */
class ConstraintCheckerTest {

  static final AgentFacts A1 = agent("a1", "rack=r1");
  static final AgentFacts A1B = agent("a1b", "rack=r1");
  static final AgentFacts A2 = agent("a2", "rack=r2");
  static final AgentFacts A3 = agent("a3", "rack=r3");
  static final AgentFacts BARE = agent("bare");
  static final AgentFacts LEVEL = AgentFacts.of("l", List.of(Offers.scalarAttr("level", 0.8)));
  static final AgentFacts ODD = AgentFacts.of("o", List.of(Offers.scalarAttr("level", 1.0005),
      Offers.set("disks", "ssd", "hdd"), Offers.ranges("slots", 300, 400, 100, 200)));
  static final AgentFacts EU = new AgentFacts("e", Optional.of("eu"), Optional.of("eu-1"), List.of());

  static Constraint c(String field, Operator op, String value) {
    return Constraint.of(field, op, value);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // UNIQUE
        arguments(c("hostname", Operator.UNIQUE, null), A1, List.of(), true),
        arguments(c("hostname", Operator.UNIQUE, null), A1, List.of(A1), false),
        arguments(c("hostname", Operator.UNIQUE, null), A1, List.of(A2), true),
        arguments(c("@hostname", Operator.UNIQUE, null), A1, List.of(A2, A1), false),
        arguments(c("rack", Operator.UNIQUE, null), A1, List.of(A1B), false),
        arguments(c("rack", Operator.UNIQUE, null), A1, List.of(A2, BARE), true),
        arguments(c("rack", Operator.UNIQUE, null), BARE, List.of(), false),
        // marathon-client sends ["hostname","UNIQUE",""]
        arguments(Constraint.fromTriple(List.of("hostname", "UNIQUE", "")), A1, List.of(A1), false),
        arguments(Constraint.fromTriple(List.of("hostname", "UNIQUE", "")), A2, List.of(A1), true),
        // CLUSTER
        arguments(c("rack", Operator.CLUSTER, "r1"), A1, List.of(), true),
        arguments(c("rack", Operator.CLUSTER, "r1"), A2, List.of(), false),
        arguments(c("rack", Operator.CLUSTER, null), A2, List.of(), true),
        arguments(c("rack", Operator.CLUSTER, null), A1B, List.of(A1), true),
        arguments(c("rack", Operator.CLUSTER, ""), A2, List.of(A1), false),
        arguments(c("hostname", Operator.CLUSTER, "a1"), A1, List.of(), true),
        arguments(c("hostname", Operator.CLUSTER, "a1"), A1B, List.of(), false),
        arguments(c("hostname", Operator.CLUSTER, null), A1B, List.of(A1), false),
        arguments(c("rack", Operator.CLUSTER, null), BARE, List.of(), false),
        // GROUP_BY without a value: spread over the groups seen so far, new groups always welcome
        arguments(c("rack", Operator.GROUP_BY, null), A1, List.of(), true),
        arguments(c("rack", Operator.GROUP_BY, null), A1B, List.of(A1), true),
        arguments(c("rack", Operator.GROUP_BY, null), A1B, List.of(A1, A2), true),
        arguments(c("rack", Operator.GROUP_BY, null), A1, List.of(A1B, A1, A2), false),
        arguments(c("rack", Operator.GROUP_BY, null), A2, List.of(A1B, A1, A2), true),
        arguments(c("rack", Operator.GROUP_BY, null), A3, List.of(A1B, A1, A2), true),
        arguments(c("rack", Operator.GROUP_BY, null), BARE, List.of(), false),
        // GROUP_BY 3: with value 3 only two racks get one each, then Marathon waits for a third
        arguments(c("rack", Operator.GROUP_BY, "3"), A1B, List.of(A1, A2), false),
        arguments(c("rack", Operator.GROUP_BY, "3"), A3, List.of(A1, A2), true),
        arguments(c("rack", Operator.GROUP_BY, "3"), A1B, List.of(A1, A2, A3), true),
        arguments(c("rack", Operator.GROUP_BY, "inf"), A1B, List.of(A1, A2, A3), false),
        // LIKE / UNLIKE: full-match regex
        arguments(c("rack", Operator.LIKE, "r[12]"), A1, List.of(), true),
        arguments(c("rack", Operator.LIKE, "r[12]"), A3, List.of(), false),
        arguments(c("rack", Operator.LIKE, "r"), A1, List.of(), false),
        arguments(c("rack", Operator.LIKE, null), A1, List.of(), false),
        arguments(c("rack", Operator.LIKE, ".*"), BARE, List.of(), false),
        arguments(c("rack", Operator.LIKE, "["), A1, List.of(), false),
        arguments(c("rack", Operator.UNLIKE, "r[12]"), A1, List.of(), false),
        arguments(c("rack", Operator.UNLIKE, "r[12]"), A3, List.of(), true),
        arguments(c("rack", Operator.UNLIKE, "r[12]"), BARE, List.of(), true),
        arguments(c("rack", Operator.UNLIKE, null), A3, List.of(), false),
        arguments(c("rack", Operator.UNLIKE, "["), A3, List.of(), false),
        arguments(c("disks", Operator.LIKE, "\\{.*ssd.*\\}"), ODD, List.of(), true),
        // MAX_PER
        arguments(c("rack", Operator.MAX_PER, "2"), A1, List.of(A1, A1B), false),
        arguments(c("rack", Operator.MAX_PER, "2"), A1B, List.of(A1), true),
        arguments(c("rack", Operator.MAX_PER, "2"), A2, List.of(A1, A1B), true),
        arguments(c("hostname", Operator.MAX_PER, "1"), A1, List.of(A1), false),
        arguments(c("rack", Operator.MAX_PER, "x"), A1, List.of(), false),
        // IS: text, and scalars compared to three decimals (half-even)
        arguments(c("rack", Operator.IS, "r1"), A1, List.of(), true),
        arguments(c("rack", Operator.IS, "r1"), A2, List.of(), false),
        arguments(c("level", Operator.IS, "0.8"), LEVEL, List.of(), true),
        arguments(c("level", Operator.IS, "0.80"), LEVEL, List.of(), true),
        arguments(c("level", Operator.IS, "0.8001"), LEVEL, List.of(), true),
        arguments(c("level", Operator.IS, "0.81"), LEVEL, List.of(), false),
        arguments(c("level", Operator.IS, "1"), ODD, List.of(), true),
        arguments(c("disks", Operator.IS, "{hdd,ssd}"), ODD, List.of(), true),
        arguments(c("slots", Operator.IS, "[100-200,300-400]"), ODD, List.of(), true),
        // fault domain
        arguments(c("@region", Operator.IS, "eu"), EU, List.of(), true),
        arguments(c("@zone", Operator.UNIQUE, null), EU, List.of(EU), false),
        arguments(c("@region", Operator.IS, "eu"), A1, List.of(), false),
        arguments(c("@zone", Operator.UNLIKE, "eu-.*"), A1, List.of(), true));
  }

  @ParameterizedTest(name = "{0} on {1} with {2} placed -> {3}")
  @MethodSource("table")
  void decides(Constraint constraint, AgentFacts offered, List<AgentFacts> placed, boolean accepts) {
    assertThat(ConstraintChecker.meets(constraint, offered, placed)).isEqualTo(accepts);
  }

  @Test
  void evenSpreadOfNineOverThreeRacks() {
    // Marathon's GROUP_BY keeps the racks within one instance of each other whatever the offer order.
    List<AgentFacts> agents = List.of(A1, A1B, A1, A2, A2, A3, A1, A3, A2, A1B, A3, A3, A2, A1);
    Constraint groupBy = c("rack", Operator.GROUP_BY, "3");
    List<AgentFacts> placed = new ArrayList<>();
    for (AgentFacts offered : agents) {
      if (placed.size() < 9 && ConstraintChecker.meets(groupBy, offered, placed)) {
        placed.add(offered);
      }
    }
    assertThat(placed).hasSize(9);
    assertThat(placed.stream().collect(
            Collectors.groupingBy(p -> p.valueOf("rack").orElseThrow(), Collectors.counting())))
        .isEqualTo(Map.of("r1", 3L, "r2", 3L, "r3", 3L));
  }

  @Test
  void allConstraintsMustHoldAndFailingNamesThem() {
    List<Constraint> constraints = List.of(c("hostname", Operator.UNIQUE, null), c("rack", Operator.IS, "r1"));
    assertThat(ConstraintChecker.meetsAll(constraints, A1, List.of())).isTrue();
    assertThat(ConstraintChecker.meetsAll(constraints, A1, List.of(A1))).isFalse();
    assertThat(ConstraintChecker.failing(constraints, A2, List.of(A2))).isEqualTo(constraints);
  }

  @Test
  void factsComeFromTheOffer() {
    AgentFacts facts = AgentFacts.of(Offers.on("h1").attribute(Offers.text("rack", "r9")).build());
    assertThat(facts.valueOf("hostname")).contains("h1");
    assertThat(facts.valueOf("@hostname")).contains("h1");
    assertThat(facts.valueOf("rack")).contains("r9");
    assertThat(facts.valueOf("@region")).isEmpty();
    assertThat(facts.valueOf("nope")).isEmpty();
  }

  @Test
  void triplesParseAndBadOnesAreNamed() {
    assertThat(Constraint.fromTriple(List.of("rack", "group_by", "3")))
        .isEqualTo(Constraint.of("rack", Operator.GROUP_BY, "3"));
    assertThat(Constraint.fromTriple(List.of("rack", "CLUSTER")).value()).isEmpty();
    assertThatThrownBy(() -> Constraint.fromTriple(List.of("rack", "NEAR", "x")))
        .hasMessageContaining("'NEAR'").hasMessageContaining("GROUP_BY");
    assertThatThrownBy(() -> Constraint.fromTriple(List.of("rack")))
        .hasMessageContaining("[field, operator]");
  }
}
