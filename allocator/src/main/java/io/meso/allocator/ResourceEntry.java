package io.meso.allocator;

import io.meso.v1.Value;
import java.util.Arrays;

/**
 * One (name, reservation role) entry of a {@link Resources} bag: a scalar in milli-units, a
 * merged range list, or a sorted set of items. Immutable and never empty (empty entries are
 * dropped from bags, so that equal bags have equal entry arrays).
 *
 * <p>Invariants: {@code ranges} holds inclusive pairs {@code [b0,e0,b1,e1,...]} with
 * {@code 0 <= b <= e}, sorted, neither overlapping nor adjacent ({@code b(i+1) > e(i) + 1});
 * {@code items} is sorted and duplicate-free.
 */
final class ResourceEntry {

  static final long[] NO_RANGES = new long[0];
  static final String[] NO_ITEMS = new String[0];
  /** What {@code e.minus(e)} returns: any empty entry will do, the bag drops it. */
  private static final ResourceEntry EMPTY_RESULT = scalar("", null, 0);

  final String name;
  /** The role the entry is reserved to; {@code null} when unreserved. */
  final String role;
  final Value.Type type;
  final long millis;
  final long[] ranges;
  final String[] items;

  private ResourceEntry(String name, String role, Value.Type type, long millis, long[] ranges, String[] items) {
    this.name = name;
    this.role = role;
    this.type = type;
    this.millis = millis;
    this.ranges = ranges;
    this.items = items;
  }

  static ResourceEntry scalar(String name, String role, long millis) {
    return new ResourceEntry(name, role, Value.Type.SCALAR, millis, NO_RANGES, NO_ITEMS);
  }

  /** {@code ranges} must already be normalized (see {@link #normalizeRanges}). */
  static ResourceEntry ranges(String name, String role, long[] ranges) {
    return new ResourceEntry(name, role, Value.Type.RANGES, 0, ranges, NO_ITEMS);
  }

  /** {@code items} must already be sorted and duplicate-free. */
  static ResourceEntry set(String name, String role, String[] items) {
    return new ResourceEntry(name, role, Value.Type.SET, 0, NO_RANGES, items);
  }

  boolean isEmpty() {
    return switch (type) {
      case SCALAR -> millis == 0;
      case RANGES -> ranges.length == 0;
      default -> items.length == 0;
    };
  }

  /** Orders by name, then role with unreserved ({@code null}) first. */
  static int compareKeys(ResourceEntry a, ResourceEntry b) {
    // Identity first: entries of one agent's bags share their name and role strings.
    if (a.name != b.name) {
      int c = a.name.compareTo(b.name);
      if (c != 0) {
        return c;
      }
    }
    if (a.role == b.role) {
      return 0;
    }
    if (a.role == null) {
      return -1;
    }
    return b.role == null ? 1 : a.role.compareTo(b.role);
  }

  /** Sum of two entries with the same key; throws when their types differ. */
  ResourceEntry plus(ResourceEntry o) {
    requireSameType(o);
    return switch (type) {
      case SCALAR -> scalar(name, role, saturatedAdd(millis, o.millis));
      case RANGES -> ranges(name, role, unionRanges(ranges, o.ranges));
      default -> set(name, role, unionItems(items, o.items));
    };
  }

  /** This minus what of it is in {@code o}, clamped at empty; a different type subtracts nothing. */
  ResourceEntry minus(ResourceEntry o) {
    if (type != o.type) {
      return this;
    }
    if (o == this) {
      return EMPTY_RESULT;
    }
    return switch (type) {
      case SCALAR -> scalar(name, role, Math.max(0, millis - o.millis));
      case RANGES -> ranges(name, role, subtractRanges(ranges, o.ranges));
      default -> set(name, role, subtractItems(items, o.items));
    };
  }

  boolean contains(ResourceEntry o) {
    if (o == this) {
      return true;
    }
    if (type != o.type) {
      return false;
    }
    return switch (type) {
      case SCALAR -> millis >= o.millis;
      case RANGES -> containsRanges(ranges, o.ranges);
      default -> containsItems(items, o.items);
    };
  }

  private void requireSameType(ResourceEntry o) {
    if (type != o.type) {
      throw new IllegalArgumentException("resource '" + name + "': cannot combine " + type + " with " + o.type
          + "; a resource name must have one type");
    }
  }

  static long saturatedAdd(long a, long b) {
    long s = a + b;
    return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
  }

  // ---- ranges: inclusive pairs, see the class invariants ----

  /** Sorts and merges arbitrary pairs (each with b <= e) into the invariant form. */
  static long[] normalizeRanges(long[] pairs) {
    int n = pairs.length / 2;
    if (n == 0) {
      return NO_RANGES;
    }
    long[][] sorted = new long[n][];
    for (int i = 0; i < n; i++) {
      sorted[i] = new long[] {pairs[2 * i], pairs[2 * i + 1]};
    }
    Arrays.sort(sorted, (x, y) -> Long.compare(x[0], y[0]));
    long[] out = new long[pairs.length];
    int k = 0;
    for (long[] r : sorted) {
      k = append(out, k, r[0], r[1]);
    }
    return Arrays.copyOf(out, k);
  }

  /** Appends [b,e] (b >= every begin so far) to out[0..k), merging with the last pair. */
  private static int append(long[] out, int k, long b, long e) {
    // b - 1 <= lastEnd means overlapping or adjacent; b >= 0 so b - 1 cannot underflow.
    if (k > 0 && b - 1 <= out[k - 1]) {
      out[k - 1] = Math.max(out[k - 1], e);
      return k;
    }
    out[k] = b;
    out[k + 1] = e;
    return k + 2;
  }

  static long[] unionRanges(long[] a, long[] b) {
    if (b.length == 0) {
      return a;
    }
    if (a.length == 0) {
      return b;
    }
    long[] out = new long[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i] <= b[j])) {
        k = append(out, k, a[i], a[i + 1]);
        i += 2;
      } else {
        k = append(out, k, b[j], b[j + 1]);
        j += 2;
      }
    }
    return k == out.length ? out : Arrays.copyOf(out, k);
  }

  static long[] subtractRanges(long[] a, long[] b) {
    if (a.length == 0 || b.length == 0) {
      return a;
    }
    if (b[0] <= a[0] && b[1] >= a[a.length - 1]) {
      return NO_RANGES; // one range of b covers all of a: the common "give everything back"
    }
    // Each subtracted range can split one range in two, hence the bound.
    long[] out = new long[a.length + b.length];
    int k = 0;
    int j = 0;
    for (int i = 0; i < a.length; i += 2) {
      long lo = a[i];
      long hi = a[i + 1];
      while (j < b.length && b[j + 1] < lo) {
        j += 2;
      }
      int jj = j;
      boolean consumed = false;
      while (jj < b.length && b[jj] <= hi) {
        if (b[jj] > lo) {
          out[k++] = lo;
          out[k++] = b[jj] - 1;
        }
        if (b[jj + 1] >= hi) {
          consumed = true;
          break;
        }
        lo = Math.max(lo, b[jj + 1] + 1); // b[jj+1] < hi, so no overflow and lo <= hi
        jj += 2;
      }
      if (!consumed) {
        out[k++] = lo;
        out[k++] = hi;
      }
    }
    return Arrays.copyOf(out, k);
  }

  static boolean containsRanges(long[] a, long[] b) {
    int i = 0;
    for (int j = 0; j < b.length; j += 2) {
      // a is merged, so a range of b is contained only if one range of a covers it.
      while (i < a.length && a[i + 1] < b[j]) {
        i += 2;
      }
      if (i >= a.length || a[i] > b[j] || a[i + 1] < b[j + 1]) {
        return false;
      }
    }
    return true;
  }

  static long rangeCount(long[] r) {
    long n = 0;
    for (int i = 0; i < r.length; i += 2) {
      n += r[i + 1] - r[i] + 1;
    }
    return n;
  }

  // ---- sets: sorted, duplicate-free ----

  static String[] unionItems(String[] a, String[] b) {
    if (b.length == 0) {
      return a;
    }
    if (a.length == 0) {
      return b;
    }
    String[] out = new String[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length || j < b.length) {
      int c = i >= a.length ? 1 : j >= b.length ? -1 : a[i].compareTo(b[j]);
      if (c <= 0) {
        out[k++] = a[i++];
        if (c == 0) {
          j++;
        }
      } else {
        out[k++] = b[j++];
      }
    }
    return k == out.length ? out : Arrays.copyOf(out, k);
  }

  static String[] subtractItems(String[] a, String[] b) {
    if (a.length == 0 || b.length == 0) {
      return a;
    }
    String[] out = new String[a.length];
    int k = 0;
    int j = 0;
    for (String s : a) {
      while (j < b.length && b[j].compareTo(s) < 0) {
        j++;
      }
      if (j >= b.length || !b[j].equals(s)) {
        out[k++] = s;
      }
    }
    return Arrays.copyOf(out, k);
  }

  static boolean containsItems(String[] a, String[] b) {
    int i = 0;
    for (String s : b) {
      while (i < a.length && a[i].compareTo(s) < 0) {
        i++;
      }
      if (i >= a.length || !a[i].equals(s)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceEntry e && compareKeys(this, e) == 0 && type == e.type && millis == e.millis
        && Arrays.equals(ranges, e.ranges) && Arrays.equals(items, e.items);
  }

  @Override
  public int hashCode() {
    int h = name.hashCode() * 31 + (role == null ? 0 : role.hashCode());
    h = h * 31 + type.hashCode();
    h = h * 31 + Long.hashCode(millis);
    h = h * 31 + Arrays.hashCode(ranges);
    return h * 31 + Arrays.hashCode(items);
  }
}
