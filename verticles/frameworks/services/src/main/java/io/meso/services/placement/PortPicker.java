package io.meso.services.placement;

import io.meso.services.placement.ResourcePool.PortSlot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Random;

/**
 * Chooses host ports from an offer's port ranges, as Marathon's {@code
 * mesosphere/marathon/tasks/PortsMatcher.scala} does: a fixed host port must lie in an offered
 * range; the others take consecutive free ports starting at a random port of the shuffled ranges
 * (wrapping around), never one of the fixed ports, so instances spread over the range instead of
 * all fighting for its first port.
 */
final class PortPicker {

  private final Random random;

  PortPicker(Random random) {
    this.random = random;
  }

  /** A host port for each request, in order, or empty if the offer cannot give them all. */
  Optional<List<Chosen>> pick(List<PortSpec> requests, List<PortSlot> offered) {
    List<Chosen> chosen = new ArrayList<>(Collections.nCopies(requests.size(), null));
    Set<Long> taken = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      PortSpec request = requests.get(i);
      if (!request.fixed()) {
        continue;
      }
      long port = request.hostPort();
      Optional<PortSlot> slot = offered.stream().filter(s -> s.contains(port)).findFirst();
      if (slot.isEmpty() || !taken.add(port)) {
        return Optional.empty();
      }
      chosen.set(i, new Chosen(slot.get().resource(), port));
    }
    List<PortSlot> shuffled = new ArrayList<>(offered);
    Collections.shuffle(shuffled, random);
    long total = shuffled.stream().mapToLong(PortSlot::size).sum();
    long start = total == 0 ? 0 : random.nextLong(total);
    long walked = 0;
    for (int i = 0; i < requests.size(); i++) {
      if (chosen.get(i) != null) {
        continue;
      }
      Chosen next = null;
      while (next == null && walked < total) {
        Chosen candidate = at(shuffled, (start + walked) % total);
        walked++;
        if (taken.add(candidate.port())) {
          next = candidate;
        }
      }
      if (next == null) {
        return Optional.empty();
      }
      chosen.set(i, next);
    }
    return Optional.of(chosen);
  }

  /** Chosen ports grouped by the resource that holds them. */
  static Map<Integer, List<Long>> byResource(List<Chosen> chosen) {
    Map<Integer, List<Long>> out = new LinkedHashMap<>();
    for (Chosen c : chosen) {
      out.computeIfAbsent(c.resource(), k -> new ArrayList<>()).add(c.port());
    }
    return out;
  }

  private static Chosen at(List<PortSlot> slots, long position) {
    long left = position;
    for (PortSlot slot : slots) {
      if (left < slot.size()) {
        return new Chosen(slot.resource(), slot.begin() + left);
      }
      left -= slot.size();
    }
    throw new IllegalArgumentException("position " + position + " is past the offered ports");
  }

  /** A host port and the index of the offered resource it comes from. */
  record Chosen(int resource, long port) {}
}
