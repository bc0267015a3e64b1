package io.meso.allocator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The subscriptions that may have become more eligible (framework added, activated, updated,
 * revived), in order, so that a memoised agent re-checks only those (see {@link AgentState}).
 * A position is {@code base + index}; the log is capped, and when full it is cleared and the
 * base moves past every old position, which makes older memos invalid (one full walk each).
 */
final class ChangeLog {

  static final int CAP = 4096;

  private final List<Subscription> entries = new ArrayList<>();
  private long base;

  void append(Collection<Subscription> changed) {
    if (entries.size() + changed.size() > CAP) {
      base += entries.size() + 1; // + 1: memos at the old end are invalid too
      entries.clear();
    }
    entries.addAll(changed);
  }

  /** The position after the last entry. */
  long position() {
    return base + entries.size();
  }

  /** The entries from {@code position} on, or null if that position was dropped or is more than {@code max} back. */
  List<Subscription> since(long position, int max) {
    if (position < base || position() - position > max) {
      return null;
    }
    return entries.subList((int) (position - base), entries.size());
  }
}
