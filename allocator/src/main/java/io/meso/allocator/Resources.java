package io.meso.allocator;

import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;

/**
 * An immutable bag of resources: scalars (cpus, mem, disk, gpus), ranges (ports) and sets, each
 * either unreserved or statically reserved to one role.
 *
 * <p>Representation, chosen for the allocator hot path: an array of entries sorted by
 * (name, role) with unreserved first, one entry per (name, role), empty entries dropped, so
 * that {@code plus}, {@code minus} and {@code contains} are linear merges and equal bags have
 * equal arrays. Scalars are fixed point with three decimal digits (milli-units in a long, like
 * Mesos), so {@code 0.1 + 0.2 == 0.3} exactly. Ranges are inclusive, merged and sorted.
 *
 * <p>{@link #parse} reads the agent's {@code --resources} syntax and {@link #toString} writes
 * it back, e.g. {@code cpus:4;cpus(eng):2;mem:8192;ports:[31000-32000];zones:{a,b}}.
 */
public final class Resources {

  public static final Resources EMPTY = new Resources(new ResourceEntry[0]);

  private static final Comparator<ResourceEntry> KEY_ORDER = ResourceEntry::compareKeys;

  private final ResourceEntry[] entries;
  private int hash;
  private List<Resource> proto;

  private Resources(ResourceEntry[] entries) {
    this.entries = entries;
  }

  /**
   * Parses the agent {@code --resources} syntax: {@code name[(role)]:value} separated by
   * {@code ;}, value a scalar ({@code 4}, {@code 0.5}), ranges ({@code [31000-32000,33000-33010]})
   * or a set ({@code {a,b}}). A role of {@code *} means unreserved. Repeated names add up.
   *
   * @throws IllegalArgumentException naming the resource, the bad value and what is allowed
   */
  public static Resources parse(String spec) {
    return of(ResourceParser.parse(spec));
  }

  /**
   * Reads and validates protobuf resources. The reservation role is the last entry of
   * {@code reservations}, else {@code role} unless it is {@code *}; {@code allocation_info} is
   * ignored. Zero scalars are accepted (and dropped): callers decide whether they are allowed.
   *
   * @throws IllegalArgumentException naming the field path ({@code resources[i] 'name'}) and value
   */
  public static Resources fromProto(Iterable<Resource> resources) {
    return of(ResourceParser.fromProto(resources));
  }

  /** A bag with one unreserved scalar, e.g. {@code scalar("cpus", 0.5)}. */
  public static Resources scalar(String name, double value) {
    if (!(value >= 0) || value > ResourceParser.MAX_SCALAR) {
      throw new IllegalArgumentException("resource '" + name + "': value " + value
          + " is not allowed; expected a finite number >= 0 and at most 1e15");
    }
    return of(new ArrayList<>(List.of(ResourceEntry.scalar(name, null, ResourceParser.toMillis(value)))));
  }

  /** Sorts, sums duplicate keys and drops empty entries. */
  private static Resources of(List<ResourceEntry> list) {
    list.sort(KEY_ORDER);
    ResourceEntry[] out = new ResourceEntry[list.size()];
    int k = 0;
    for (ResourceEntry e : list) {
      if (k > 0 && ResourceEntry.compareKeys(out[k - 1], e) == 0) {
        out[k - 1] = out[k - 1].plus(e);
      } else {
        out[k++] = e;
      }
    }
    return compact(out, k);
  }

  private static Resources compact(ResourceEntry[] out, int k) {
    int n = 0;
    for (int i = 0; i < k; i++) {
      if (!out[i].isEmpty()) {
        out[n++] = out[i];
      }
    }
    if (n == 0) {
      return EMPTY;
    }
    return new Resources(n == out.length ? out : Arrays.copyOf(out, n));
  }

  /** Unreserved resources carry no role fields; reserved ones one STATIC reservation. */
  public List<Resource> toProto() {
    List<Resource> p = proto;
    if (p == null) {
      List<Resource> list = new ArrayList<>(entries.length);
      for (ResourceEntry e : entries) {
        list.add(toProto(e));
      }
      p = List.copyOf(list); // final-field publication: safe to share through a data race
      proto = p; // benign race: every thread computes an equal immutable list
    }
    return p;
  }

  private static Resource toProto(ResourceEntry e) {
    Resource.Builder b = Resource.newBuilder().setName(e.name).setType(e.type);
    switch (e.type) {
      case SCALAR -> b.setScalar(Value.Scalar.newBuilder().setValue(e.millis / 1000.0));
      case RANGES -> {
        Value.Ranges.Builder rb = Value.Ranges.newBuilder();
        for (int i = 0; i < e.ranges.length; i += 2) {
          rb.addRange(Value.Range.newBuilder().setBegin(e.ranges[i]).setEnd(e.ranges[i + 1]));
        }
        b.setRanges(rb);
      }
      default -> b.setSet(Value.Set.newBuilder().addAllItem(Arrays.asList(e.items)));
    }
    if (e.role != null) {
      b.addReservations(Resource.ReservationInfo.newBuilder()
          .setType(Resource.ReservationInfo.Type.STATIC).setRole(e.role));
    }
    return b.build();
  }

  public boolean isEmpty() {
    return entries.length == 0;
  }

  /** The sum; a name used with two types (e.g. scalar and ranges) throws IllegalArgumentException. */
  public Resources plus(Resources o) {
    if (o.entries.length == 0) {
      return this;
    }
    if (entries.length == 0) {
      return o;
    }
    ResourceEntry[] a = entries;
    ResourceEntry[] b = o.entries;
    ResourceEntry[] out = new ResourceEntry[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length || j < b.length) {
      int c = i >= a.length ? 1 : j >= b.length ? -1 : ResourceEntry.compareKeys(a[i], b[j]);
      if (c < 0) {
        out[k++] = a[i++];
      } else if (c > 0) {
        out[k++] = b[j++];
      } else {
        out[k++] = a[i++].plus(b[j++]);
      }
    }
    return new Resources(k == out.length ? out : Arrays.copyOf(out, k));
  }

  /**
   * This minus what of {@code o} it contains, per (name, role): scalars clamp at zero, ranges and
   * sets lose the overlap; what this does not hold is ignored. Never negative.
   */
  public Resources minus(Resources o) {
    if (o.entries.length == 0 || entries.length == 0) {
      return this;
    }
    if (o == this) {
      return EMPTY;
    }
    ResourceEntry[] a = entries;
    ResourceEntry[] b = o.entries;
    ResourceEntry[] out = new ResourceEntry[a.length];
    int j = 0;
    int k = 0;
    boolean changed = false;
    for (ResourceEntry e : a) {
      while (j < b.length && ResourceEntry.compareKeys(b[j], e) < 0) {
        j++;
      }
      if (j < b.length && ResourceEntry.compareKeys(b[j], e) == 0) {
        ResourceEntry r = e.minus(b[j]);
        changed |= r != e;
        if (!r.isEmpty()) {
          out[k++] = r;
        }
      } else {
        out[k++] = e;
      }
    }
    if (!changed) {
      return this;
    }
    return k == 0 ? EMPTY : new Resources(Arrays.copyOf(out, k));
  }

  /** What both hold, per (name, role): scalars take the minimum, ranges and sets the overlap. */
  public Resources intersection(Resources o) {
    if (o.entries.length == 0 || entries.length == 0) {
      return EMPTY;
    }
    return minus(minus(o));
  }

  /** Whether every (name, role) of {@code o} is covered here; reserved is never covered by unreserved. */
  public boolean contains(Resources o) {
    if (o == this) {
      return true;
    }
    ResourceEntry[] a = entries;
    int i = 0;
    for (ResourceEntry e : o.entries) {
      while (i < a.length && ResourceEntry.compareKeys(a[i], e) < 0) {
        i++;
      }
      if (i >= a.length || ResourceEntry.compareKeys(a[i], e) != 0 || !a[i].contains(e)) {
        return false;
      }
    }
    return true;
  }

  /** The scalar named {@code name}, summed over all reservations; 0 when absent. */
  public double scalar(String name) {
    return scalarMillis(name) / 1000.0;
  }

  /** {@link #scalar} in milli-units (exact). */
  public long scalarMillis(String name) {
    long sum = 0;
    for (ResourceEntry e : entries) {
      if (e.type == Value.Type.SCALAR && e.name.equals(name)) {
        sum = ResourceEntry.saturatedAdd(sum, e.millis);
      }
    }
    return sum;
  }

  /** Calls {@code visitor(name, milliUnits)} for each scalar entry, in (name, role) order. */
  public void forEachScalar(ObjLongConsumer<String> visitor) {
    for (ResourceEntry e : entries) {
      if (e.type == Value.Type.SCALAR) {
        visitor.accept(e.name, e.millis);
      }
    }
  }

  public Resources scalarsOnly() {
    return filter(e -> e.type == Value.Type.SCALAR);
  }

  public Resources unreserved() {
    return filter(e -> e.role == null);
  }

  /** Resources statically reserved to {@code role} ({@code *} means unreserved). */
  public Resources reservedTo(String role) {
    if ("*".equals(role)) {
      return unreserved();
    }
    return filter(e -> role.equals(e.role));
  }

  /**
   * What a framework in {@code role} may be offered: unreserved plus reserved to the role or to
   * one of its ancestors (resources reserved to {@code eng} may go to {@code eng/ml}).
   */
  public Resources allocatableTo(String role) {
    return filter(e -> e.role == null || e.role.equals(role)
        || (role.length() > e.role.length() && role.startsWith(e.role) && role.charAt(e.role.length()) == '/'));
  }

  /** Whether any entry is reserved to a role. */
  public boolean hasReservations() {
    for (ResourceEntry e : entries) {
      if (e.role != null) {
        return true;
      }
    }
    return false;
  }

  /** The roles entries are reserved to, sorted. */
  public Set<String> reservationRoles() {
    Set<String> roles = new TreeSet<>();
    for (ResourceEntry e : entries) {
      if (e.role != null) {
        roles.add(e.role);
      }
    }
    return Collections.unmodifiableSet(roles);
  }

  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (ResourceEntry e : entries) {
      names.add(e.name);
    }
    return Collections.unmodifiableSet(names);
  }

  public boolean hasGpus() {
    return scalarMillis("gpus") > 0;
  }

  /**
   * This with each unreserved scalar named in {@code capMillis} cut to at most that many
   * milli-units (dropped at zero or below); reserved, ranges and sets are kept as they are.
   */
  Resources capUnreservedScalars(Map<String, Long> capMillis) {
    ResourceEntry[] out = new ResourceEntry[entries.length];
    int k = 0;
    boolean changed = false;
    for (ResourceEntry e : entries) {
      Long cap = e.role == null && e.type == Value.Type.SCALAR ? capMillis.get(e.name) : null;
      if (cap == null || e.millis <= cap) {
        out[k++] = e;
      } else {
        changed = true;
        if (cap > 0) {
          out[k++] = ResourceEntry.scalar(e.name, null, cap);
        }
      }
    }
    if (!changed) {
      return this;
    }
    return k == 0 ? EMPTY : new Resources(Arrays.copyOf(out, k));
  }

  /** Calls {@code visitor(name, milliUnits)} for each unreserved scalar entry. */
  void forEachUnreservedScalar(ObjLongConsumer<String> visitor) {
    for (ResourceEntry e : entries) {
      if (e.type == Value.Type.SCALAR && e.role == null) {
        visitor.accept(e.name, e.millis);
      }
    }
  }

  private Resources filter(Predicate<ResourceEntry> keep) {
    ResourceEntry[] out = new ResourceEntry[entries.length];
    int k = 0;
    for (ResourceEntry e : entries) {
      if (keep.test(e)) {
        out[k++] = e;
      }
    }
    if (k == entries.length) {
      return this;
    }
    return k == 0 ? EMPTY : new Resources(Arrays.copyOf(out, k));
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof Resources r && Arrays.equals(entries, r.entries));
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(entries);
      hash = h;
    }
    return h;
  }

  /** The {@link #parse} syntax, in (name, role) order; parses back to an equal bag. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (ResourceEntry e : entries) {
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(e.name);
      if (e.role != null) {
        sb.append('(').append(e.role).append(')');
      }
      sb.append(':');
      switch (e.type) {
        case SCALAR -> appendMillis(sb, e.millis);
        case RANGES -> {
          sb.append('[');
          for (int i = 0; i < e.ranges.length; i += 2) {
            sb.append(i == 0 ? "" : ",").append(e.ranges[i]).append('-').append(e.ranges[i + 1]);
          }
          sb.append(']');
        }
        default -> sb.append('{').append(String.join(",", e.items)).append('}');
      }
    }
    return sb.toString();
  }

  private static void appendMillis(StringBuilder sb, long millis) {
    sb.append(millis / 1000);
    long frac = millis % 1000;
    if (frac != 0) {
      String digits = String.valueOf(1000 + frac).substring(1); // zero-padded to 3 digits
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(digits, 0, end);
    }
  }
}
