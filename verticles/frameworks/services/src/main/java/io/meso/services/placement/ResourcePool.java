package io.meso.services.placement;

import io.meso.v1.Label;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A working copy of an offer's resources that matching cuts pieces from. Each piece keeps the
 * role, allocation info and reservations of the resource it came from, so a LAUNCH uses exactly
 * what was offered; what is left stays in the pool for the next instance.
 *
 * <p>Scalars are counted in thousandths: Mesos keeps three decimal digits, so {@code 1.0 - 10 ×
 * 0.1} must leave 0, not 1e-16.
 */
final class ResourcePool {

  private final List<Resource> resources;

  ResourcePool(List<Resource> offered) {
    this.resources = new ArrayList<>(offered);
  }

  /** The role a resource is reserved for, "*" when unreserved (refined reservations first). */
  static String reservedRole(Resource r) {
    if (r.getReservationsCount() > 0) {
      return r.getReservations(r.getReservationsCount() - 1).getRole();
    }
    return r.getRole();
  }

  /** The labels of a resource's current reservation, empty when unreserved or unlabelled. */
  static Map<String, String> reservationLabels(Resource r) {
    List<Label> labels;
    if (r.getReservationsCount() > 0) {
      labels = r.getReservations(r.getReservationsCount() - 1).getLabels().getLabelsList();
    } else if (r.hasReservation()) {
      labels = r.getReservation().getLabels().getLabelsList();
    } else {
      return Map.of();
    }
    return labels.stream().collect(Collectors.toMap(Label::getKey, Label::getValue, (a, b) -> b));
  }

  static long millis(double amount) {
    return Math.round(amount * 1000);
  }

  /** Whether any resource passes {@code selector}. */
  boolean any(Predicate<Resource> selector) {
    return resources.stream().anyMatch(selector);
  }

  /** The total of scalar {@code name} over all resources, whatever their role. */
  long totalMillis(String name) {
    return available(name, r -> true);
  }

  /** The total, in thousandths, of scalar {@code name} over resources passing {@code selector}. */
  long available(String name, Predicate<Resource> selector) {
    return resources.stream()
        .filter(r -> isScalar(r, name) && selector.test(r))
        .mapToLong(r -> millis(r.getScalar().getValue()))
        .sum();
  }

  /**
   * Cuts {@code wanted} thousandths of scalar {@code name} from the resources passing {@code
   * selector}, in offer order, and returns the pieces. The caller checked {@link #available}.
   */
  List<Resource> takeScalar(String name, long wanted, Predicate<Resource> selector) {
    List<Resource> pieces = new ArrayList<>();
    long left = wanted;
    for (int i = 0; i < resources.size() && left > 0; i++) {
      Resource r = resources.get(i);
      if (!isScalar(r, name) || !selector.test(r)) {
        continue;
      }
      long have = millis(r.getScalar().getValue());
      long take = Math.min(left, have);
      if (take <= 0) {
        continue;
      }
      pieces.add(withScalar(r, take));
      resources.set(i, withScalar(r, have - take));
      left -= take;
    }
    if (left > 0) {
      throw new IllegalStateException(name + ": " + left + " thousandths short; check available() first");
    }
    return pieces;
  }

  /** The offered port ranges passing {@code selector}, with the index of the resource holding each. */
  List<PortSlot> portSlots(Predicate<Resource> selector) {
    List<PortSlot> slots = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      Resource r = resources.get(i);
      if (r.getName().equals("ports") && r.getType() == Value.Type.RANGES && selector.test(r)) {
        for (Value.Range range : r.getRanges().getRangeList()) {
          if (range.getEnd() >= range.getBegin()) {
            slots.add(new PortSlot(i, range.getBegin(), range.getEnd()));
          }
        }
      }
    }
    return slots;
  }

  /**
   * Cuts the chosen ports from the resources that hold them and returns one ports resource per
   * holding resource, ranges merged.
   *
   * @param chosen resource index → ports taken from it
   */
  List<Resource> takePorts(Map<Integer, List<Long>> chosen) {
    List<Resource> pieces = new ArrayList<>();
    for (Map.Entry<Integer, List<Long>> e : new TreeMap<>(chosen).entrySet()) {
      Resource r = resources.get(e.getKey());
      pieces.add(r.toBuilder().setRanges(toRanges(e.getValue())).build());
      resources.set(e.getKey(), r.toBuilder().setRanges(without(r.getRanges(), e.getValue())).build());
    }
    return pieces;
  }

  /** What is left: every resource that still holds something. */
  List<Resource> remaining() {
    return resources.stream().filter(ResourcePool::nonEmpty).toList();
  }

  private static boolean nonEmpty(Resource r) {
    return switch (r.getType()) {
      case SCALAR -> millis(r.getScalar().getValue()) > 0;
      case RANGES -> r.getRanges().getRangeCount() > 0;
      case SET -> r.getSet().getItemCount() > 0;
      case TEXT -> true;
    };
  }

  private static boolean isScalar(Resource r, String name) {
    return r.getName().equals(name) && r.getType() == Value.Type.SCALAR;
  }

  private static Resource withScalar(Resource r, long thousandths) {
    return r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(thousandths / 1000.0)).build();
  }

  /** {@code ranges} with {@code ports} cut out. */
  static Value.Ranges without(Value.Ranges ranges, List<Long> ports) {
    List<Long> cut = ports.stream().sorted().distinct().toList();
    Value.Ranges.Builder kept = Value.Ranges.newBuilder();
    for (Value.Range range : ranges.getRangeList()) {
      long start = range.getBegin();
      for (long p : cut) {
        if (p < start || p > range.getEnd()) {
          continue;
        }
        if (p > start) {
          kept.addRange(Value.Range.newBuilder().setBegin(start).setEnd(p - 1));
        }
        start = p + 1;
      }
      if (start <= range.getEnd()) {
        kept.addRange(Value.Range.newBuilder().setBegin(start).setEnd(range.getEnd()));
      }
    }
    return kept.build();
  }

  /** Sorted ports as the fewest inclusive ranges. */
  static Value.Ranges toRanges(List<Long> ports) {
    List<Long> sorted = ports.stream().sorted().distinct().toList();
    Value.Ranges.Builder out = Value.Ranges.newBuilder();
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
        j++;
      }
      out.addRange(Value.Range.newBuilder().setBegin(sorted.get(i)).setEnd(sorted.get(j)));
      i = j + 1;
    }
    return out.build();
  }

  /** One offered range of ports and the index of the resource that holds it. */
  record PortSlot(int resource, long begin, long end) {
    long size() {
      return end - begin + 1;
    }

    boolean contains(long port) {
      return port >= begin && port <= end;
    }
  }
}
