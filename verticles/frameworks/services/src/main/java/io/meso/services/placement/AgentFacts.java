package io.meso.services.placement;

import io.meso.v1.Attribute;
import io.meso.v1.Offer;
import io.meso.v1.Value;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What constraints can see of an agent: its hostname, fault domain and attributes. Built from an
 * offer for the candidate agent, and kept for each placed instance so later offers can be
 * compared with where the app already runs.
 *
 * <p>Meso's {@link Offer} carries no DomainInfo yet, so {@link #of(Offer)} leaves region and zone
 * empty; Marathon then treats {@code @region}/{@code @zone} like a missing attribute (only
 * UNLIKE accepts). Callers that know the domain build the record directly.
 */
public record AgentFacts(
    String hostname, Optional<String> region, Optional<String> zone, List<Attribute> attributes) {

  /** The pseudo-field names of Marathon's Constraints.scala. */
  public static final String HOSTNAME = "hostname";
  public static final String AT_HOSTNAME = "@hostname";
  public static final String AT_REGION = "@region";
  public static final String AT_ZONE = "@zone";

  public AgentFacts {
    Objects.requireNonNull(hostname, "hostname");
    region = Objects.requireNonNull(region, "region");
    zone = Objects.requireNonNull(zone, "zone");
    attributes = List.copyOf(attributes);
  }

  /** The facts of the agent an offer comes from. */
  public static AgentFacts of(Offer offer) {
    return new AgentFacts(
        offer.getHostname(), Optional.empty(), Optional.empty(), offer.getAttributesList());
  }

  /** An agent with a hostname and attributes and no fault domain. */
  public static AgentFacts of(String hostname, List<Attribute> attributes) {
    return new AgentFacts(hostname, Optional.empty(), Optional.empty(), attributes);
  }

  /**
   * The value of a constraint field on this agent, formatted as Marathon compares it: hostname,
   * region and zone as they are; attributes as text, scalar to three decimals ({@link
   * #formatScalar}), ranges as {@code [b-e,...]} sorted by begin, sets as {@code {a,b}} sorted.
   * Empty when the agent lacks the field.
   */
  public Optional<String> valueOf(String field) {
    return switch (field) {
      case HOSTNAME, AT_HOSTNAME -> Optional.of(hostname);
      case AT_REGION -> region;
      case AT_ZONE -> zone;
      default -> attributes.stream()
          .filter(a -> a.getName().equals(field))
          .findFirst()
          .map(AgentFacts::format);
    };
  }

  static String format(Attribute attribute) {
    return switch (attribute.getType()) {
      case SCALAR -> formatScalar(attribute.getScalar().getValue());
      case TEXT -> attribute.getText().getValue();
      case RANGES -> attribute.getRanges().getRangeList().stream()
          .sorted(Comparator.comparingLong(Value.Range::getBegin))
          .map(r -> r.getBegin() + "-" + r.getEnd())
          .collect(Collectors.joining(",", "[", "]"));
      case SET -> attribute.getSet().getItemList().stream()
          .sorted()
          .collect(Collectors.joining(",", "{", "}"));
    };
  }

  /**
   * A scalar as Marathon prints it: at most three decimals, half-even rounding, no trailing
   * zeros ({@code 1.0005 -> "1"}, {@code 0.80 -> "0.8"}). Locale-independent.
   */
  static String formatScalar(double value) {
    DecimalFormat format = new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
    format.setRoundingMode(RoundingMode.HALF_EVEN);
    return format.format(value);
  }
}
