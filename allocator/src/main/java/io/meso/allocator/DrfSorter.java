package io.meso.allocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Weighted Dominant Resource Fairness.
 *
 * <p>A client's share is {@code max over scalar resources r of (allocated[r] / total[r]) / weight}
 * (resources with a zero total are left out); clients are ordered by share ascending, ties
 * broken by client name so that runs are deterministic.
 *
 * <p>Cost: the order is a {@link TreeSet} kept up to date incrementally, so an allocation moves
 * one client in O(log n) and {@link #visit} walks without sorting. A change of the totals
 * changes every share; it only bumps a version, and the next read recomputes all shares once.
 * Several sorters may share one {@link Totals} (the allocator's role sorter and its per-role
 * framework sorters do), so adding an agent costs O(1) however many roles there are.
 */
public final class DrfSorter implements Sorter {

  /** Cluster totals of scalar resources in milli-units, with a version bumped on each change. */
  public static final class Totals {
    private final Map<String, Integer> index = new HashMap<>();
    private String[] names = new String[0];
    private long[] millis = new long[0];
    private long version;

    public void add(Resources resources) {
      resources.forEachScalar((name, m) -> {
        int i = indexOf(name); // may grow the array: index first
        millis[i] = ResourceEntry.saturatedAdd(millis[i], m);
      });
      version++;
    }

    public void remove(Resources resources) {
      resources.forEachScalar((name, m) -> {
        int i = indexOf(name);
        millis[i] = Math.max(0, millis[i] - m);
      });
      version++;
    }

    /** The total of one resource, in units. */
    public double get(String name) {
      Integer i = index.get(name);
      return i == null ? 0 : millis[i] / 1000.0;
    }

    int indexOf(String name) {
      Integer i = index.get(name);
      if (i == null) {
        i = names.length;
        index.put(name, i);
        names = Arrays.copyOf(names, i + 1);
        names[i] = name;
        millis = Arrays.copyOf(millis, i + 1);
      }
      return i;
    }
  }

  private static final class Client {
    final String name;
    double weight = 1.0;
    long[] allocated = new long[4];
    double share;

    Client(String name) {
      this.name = name;
    }
  }

  private static final Comparator<Client> ORDER =
      Comparator.<Client>comparingDouble(c -> c.share).thenComparing(c -> c.name);

  private final Totals totals;
  private final Map<String, Client> clients = new HashMap<>();
  private final TreeSet<Client> order = new TreeSet<>(ORDER);
  /** The totals version the shares in {@link #order} were computed with. */
  private long sharesVersion = -1;

  /** A sorter with its own totals. */
  public DrfSorter() {
    this(new Totals());
  }

  /** A sorter reading totals that the caller maintains (and may share between sorters). */
  public DrfSorter(Totals totals) {
    this.totals = totals;
  }

  public Totals totals() {
    return totals;
  }

  @Override
  public void add(String client) {
    if (!clients.containsKey(client)) {
      Client c = new Client(client);
      clients.put(client, c);
      c.share = computeShare(c);
      order.add(c);
    }
  }

  @Override
  public void remove(String client) {
    Client c = clients.remove(client);
    if (c != null) {
      order.remove(c);
    }
  }

  @Override
  public boolean contains(String client) {
    return clients.containsKey(client);
  }

  @Override
  public int size() {
    return clients.size();
  }

  @Override
  public void updateWeight(String client, double weight) {
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight of '" + client + "' is " + weight + "; expected a positive finite number");
    }
    Client c = clients.get(client);
    if (c != null) {
      reposition(c, () -> c.weight = weight);
    }
  }

  @Override
  public void allocated(String client, String agentId, Resources resources) {
    Client c = clients.get(client);
    if (c != null) {
      reposition(c, () -> resources.forEachScalar((name, m) -> {
        int i = slot(c, name);
        c.allocated[i] = ResourceEntry.saturatedAdd(c.allocated[i], m);
      }));
    }
  }

  @Override
  public void unallocated(String client, String agentId, Resources resources) {
    Client c = clients.get(client);
    if (c != null) {
      reposition(c, () -> resources.forEachScalar((name, m) -> {
        int i = slot(c, name);
        c.allocated[i] = Math.max(0, c.allocated[i] - m);
      }));
    }
  }

  @Override
  public void addTotal(String agentId, Resources resources) {
    totals.add(resources);
  }

  @Override
  public void removeTotal(String agentId, Resources resources) {
    totals.remove(resources);
  }

  @Override
  public List<String> sort() {
    refresh();
    List<String> out = new ArrayList<>(order.size());
    for (Client c : order) {
      out.add(c.name);
    }
    return out;
  }

  @Override
  public void visit(Predicate<String> visitor) {
    refresh();
    for (Client c : order) {
      if (!visitor.test(c.name)) {
        return;
      }
    }
  }

  @Override
  public double share(String client) {
    Client c = clients.get(client);
    return c == null ? 0 : computeShare(c);
  }

  /** Applies a change to a client's share inputs, keeping the TreeSet keyed consistently. */
  private void reposition(Client c, Runnable change) {
    if (sharesVersion != totals.version) {
      change.run(); // the whole order is rebuilt on the next read anyway
      return;
    }
    order.remove(c);
    change.run();
    c.share = computeShare(c);
    order.add(c);
  }

  private void refresh() {
    if (sharesVersion == totals.version) {
      return;
    }
    order.clear();
    for (Client c : clients.values()) {
      c.share = computeShare(c);
      order.add(c);
    }
    sharesVersion = totals.version;
  }

  private int slot(Client c, String name) {
    int i = totals.indexOf(name);
    if (i >= c.allocated.length) {
      c.allocated = Arrays.copyOf(c.allocated, Math.max(i + 1, c.allocated.length * 2));
    }
    return i;
  }

  /** max over r with total[r] > 0 of allocated[r] / total[r], divided by the weight. */
  private double computeShare(Client c) {
    long[] total = totals.millis;
    double max = 0;
    int n = Math.min(total.length, c.allocated.length);
    for (int i = 0; i < n; i++) {
      if (total[i] > 0 && c.allocated[i] > 0) {
        max = Math.max(max, (double) c.allocated[i] / total[i]);
      }
    }
    return max / c.weight;
  }
}
