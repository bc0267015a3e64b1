package io.meso.executor.gpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which GPU indices each task holds. The master never offers more gpus than the agent has free,
 * so a launch that finds too few free ones is refused (the task fails naming the GPUs in use)
 * rather than queued. Confined to the executor's event loop.
 */
public final class GpuAllocator {

  private final TreeSet<Integer> free = new TreeSet<>();
  private final Map<String, List<Integer>> held = new HashMap<>();
  private final List<Integer> all;

  public GpuAllocator(List<Integer> indices) {
    this.all = List.copyOf(indices);
    free.addAll(indices);
  }

  /** Every GPU index of the host. */
  public List<Integer> all() {
    return all;
  }

  /** The lowest {@code count} free indices for {@code owner}, or null when fewer are free. */
  public List<Integer> allocate(String owner, int count) {
    if (count > free.size()) {
      return null;
    }
    List<Integer> got = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      got.add(free.pollFirst());
    }
    held.put(owner, got);
    return got;
  }

  /** Marks indices a recovered task holds (from its checkpoint) as taken; unknown ones are ignored. */
  public void restore(String owner, List<Integer> indices) {
    List<Integer> got = new ArrayList<>();
    for (Integer i : indices) {
      if (free.remove(i)) {
        got.add(i);
      }
    }
    held.put(owner, got);
  }

  /** Frees what {@code owner} holds. */
  public void release(String owner) {
    List<Integer> got = held.remove(owner);
    if (got != null) {
      free.addAll(got);
    }
  }

  /** Who holds what, for messages. */
  public String describeHeld() {
    return held.values().stream().flatMap(List::stream).sorted().map(String::valueOf)
        .collect(Collectors.joining(","));
  }

  /** "0,1": the form of CUDA_VISIBLE_DEVICES. */
  public static String join(List<Integer> indices) {
    return indices.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** Parses {@link #join}'s form; blank: none. */
  public static List<Integer> parse(String text) {
    List<Integer> out = new ArrayList<>();
    for (String s : text.trim().split(",")) {
      if (!s.isBlank()) {
        out.add(Integer.parseInt(s.trim()));
      }
    }
    return out;
  }
}
