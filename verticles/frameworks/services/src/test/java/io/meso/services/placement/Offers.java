package io.meso.services.placement;

import io.meso.v1.AgentID;
import io.meso.v1.Attribute;
import io.meso.v1.Label;
import io.meso.v1.Labels;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.util.ArrayList;
import java.util.List;

/** Builds offers and attributes for placement tests. */
final class Offers {

  private final Offer.Builder offer;

  private Offers(String host) {
    offer = Offer.newBuilder()
        .setId(OfferID.newBuilder().setValue("offer-" + host))
        .setAgentId(AgentID.newBuilder().setValue("agent-" + host))
        .setHostname(host);
  }

  static Offers on(String host) {
    return new Offers(host);
  }

  Offers allocatedTo(String role) {
    offer.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role));
    return this;
  }

  Offers scalar(String name, double value) {
    return add(scalarResource(name, value, "*"));
  }

  Offers scalar(String name, double value, String reservedRole) {
    return add(scalarResource(name, value, reservedRole));
  }

  Offers ports(long... beginEndPairs) {
    return add(portsResource("*", beginEndPairs));
  }

  Offers add(Resource resource) {
    offer.addResources(resource);
    return this;
  }

  Offers attribute(Attribute attribute) {
    offer.addAttributes(attribute);
    return this;
  }

  Offer build() {
    return offer.build();
  }

  /** A scalar resource; a role other than "*" is a refined static reservation for it. */
  static Resource scalarResource(String name, double value, String reservedRole) {
    Resource.Builder r = Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value))
        .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole("web"));
    if (!reservedRole.equals("*")) {
      r.addReservations(Resource.ReservationInfo.newBuilder()
          .setType(Resource.ReservationInfo.Type.STATIC).setRole(reservedRole));
    }
    return r.build();
  }

  static Resource portsResource(String reservedRole, long... beginEndPairs) {
    Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
    for (int i = 0; i < beginEndPairs.length; i += 2) {
      ranges.addRange(Value.Range.newBuilder().setBegin(beginEndPairs[i]).setEnd(beginEndPairs[i + 1]));
    }
    Resource.Builder r = Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(ranges);
    if (!reservedRole.equals("*")) {
      r.addReservations(Resource.ReservationInfo.newBuilder()
          .setType(Resource.ReservationInfo.Type.STATIC).setRole(reservedRole));
    }
    return r.build();
  }

  static Resource labelled(Resource r, String key, String value) {
    Resource.ReservationInfo.Builder res = Resource.ReservationInfo.newBuilder()
        .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole("web")
        .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey(key).setValue(value)));
    return r.toBuilder().clearReservations().addReservations(res).build();
  }

  static Attribute text(String name, String value) {
    return Attribute.newBuilder().setName(name).setType(Value.Type.TEXT)
        .setText(Value.Text.newBuilder().setValue(value)).build();
  }

  static Attribute scalarAttr(String name, double value) {
    return Attribute.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  static Attribute set(String name, String... items) {
    return Attribute.newBuilder().setName(name).setType(Value.Type.SET)
        .setSet(Value.Set.newBuilder().addAllItem(List.of(items))).build();
  }

  static Attribute ranges(String name, long... beginEndPairs) {
    Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
    for (int i = 0; i < beginEndPairs.length; i += 2) {
      ranges.addRange(Value.Range.newBuilder().setBegin(beginEndPairs[i]).setEnd(beginEndPairs[i + 1]));
    }
    return Attribute.newBuilder().setName(name).setType(Value.Type.RANGES).setRanges(ranges).build();
  }

  /** An agent named host with text attributes given as name=value pairs. */
  static AgentFacts agent(String host, String... attributes) {
    List<Attribute> attrs = new ArrayList<>();
    for (String kv : attributes) {
      String[] parts = kv.split("=", 2);
      attrs.add(text(parts[0], parts[1]));
    }
    return AgentFacts.of(host, attrs);
  }
}
