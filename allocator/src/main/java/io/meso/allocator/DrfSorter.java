package io.meso.allocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Weighted Dominant Resource Fairness.
 *
 * <p>A client's share is {@code max over scalar resources r of (allocated[r] / total[r]) / weight}
 * (resources with a zero total are left out); clients are ordered by share ascending, ties
 * broken by client name so that runs are deterministic.
 *
 * <p>Cost: the order is a sorted array kept up to date incrementally: an allocation moves one
 * client (binary search, then one {@code System.arraycopy} of the clients it passes), and
 * {@link #visit} walks the array without sorting or allocating. Each client may carry a payload
 * (the allocator attaches its {@code Subscription}) kept in a parallel array, so that an
 * allocation run reads the order as a plain array (see {@link #payloadAt}). A change of the totals
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
    Object payload;

    Client(String name) {
      this.name = name;
    }
  }

  private static final Comparator<Client> ORDER = (a, b) -> {
    int byShare = Double.compare(a.share, b.share);
    return byShare != 0 ? byShare : a.name.compareTo(b.name);
  };

  private final Totals totals;
  private final Map<String, Client> clients = new HashMap<>();
  /** Clients in {@link #ORDER} of their stored {@code share}, in {@code [0, clients.size())}. */
  private Client[] order = new Client[8];
  /** {@code payloads[i]} is {@code order[i].payload}. */
  private Object[] payloads = new Object[8];
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
    add(client, null);
  }

  /** {@link #add(String)} with the client's payload (see {@link #attach}); a present client keeps its payload. */
  void add(String client, Object payload) {
    if (!clients.containsKey(client)) {
      Client c = new Client(client);
      c.payload = payload;
      clients.put(client, c);
      c.share = computeShare(c);
      insert(c, clients.size() - 1);
    }
  }

  @Override
  public void remove(String client) {
    Client c = clients.get(client);
    if (c != null) {
      delete(indexOf(c), clients.size());
      clients.remove(client);
    }
  }

  /**
   * Attaches a payload to a present client (returned by {@link #payloadAt} in order); false if
   * the client is not present.
   */
  boolean attach(String client, Object payload) {
    Client c = clients.get(client);
    if (c == null) {
      return false;
    }
    c.payload = payload;
    payloads[indexOf(c)] = payload;
    return true;
  }

  /**
   * Brings the order up to date; then {@link #payloadAt}{@code (i)} for i in
   * {@code [0, size())} is the payload of the i-th client in {@link #sort()} order. For walks
   * that must not allocate; the sorter must not change during such a walk.
   */
  void prepareOrder() {
    refresh();
  }

  /** The payload of the i-th client in order (after {@link #prepareOrder()}); null if none attached. */
  Object payloadAt(int i) {
    return payloads[i];
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
    int n = clients.size();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(order[i].name);
    }
    return out;
  }

  @Override
  public void visit(Predicate<String> visitor) {
    refresh();
    Client[] o = order;
    int n = clients.size();
    for (int i = 0; i < n; i++) {
      if (!visitor.test(o[i].name)) {
        return;
      }
    }
  }

  @Override
  public double share(String client) {
    Client c = clients.get(client);
    return c == null ? 0 : computeShare(c);
  }

  /** Applies a change to a client's share inputs, keeping the array sorted by the stored shares. */
  private void reposition(Client c, Runnable change) {
    if (sharesVersion != totals.version) {
      change.run(); // the whole order is rebuilt on the next read anyway (stored shares unchanged)
      return;
    }
    int from = indexOf(c);
    change.run();
    c.share = computeShare(c);
    move(c, from);
  }

  /** Moves c (its share just changed) from index {@code from} to its place, shifting only the clients it passes. */
  private void move(Client c, int from) {
    int n = clients.size();
    int to = from;
    if (to + 1 < n && ORDER.compare(order[to + 1], c) < 0) {
      to = insertionPoint(c, from + 1, n) - 1;
      System.arraycopy(order, from + 1, order, from, to - from);
      System.arraycopy(payloads, from + 1, payloads, from, to - from);
    } else if (to > 0 && ORDER.compare(order[to - 1], c) > 0) {
      to = insertionPoint(c, 0, from);
      System.arraycopy(order, to, order, to + 1, from - to);
      System.arraycopy(payloads, to, payloads, to + 1, from - to);
    }
    order[to] = c;
    payloads[to] = c.payload;
  }

  private void refresh() {
    if (sharesVersion == totals.version) {
      return;
    }
    int n = clients.size();
    for (int i = 0; i < n; i++) {
      order[i].share = computeShare(order[i]);
    }
    Arrays.sort(order, 0, n, ORDER);
    for (int i = 0; i < n; i++) {
      payloads[i] = order[i].payload;
    }
    sharesVersion = totals.version;
  }

  /** Inserts c (not yet in the array) among the first n sorted clients. */
  private void insert(Client c, int n) {
    if (n == order.length) {
      order = Arrays.copyOf(order, n * 2);
      payloads = Arrays.copyOf(payloads, n * 2);
    }
    int at = insertionPoint(c, 0, n);
    System.arraycopy(order, at, order, at + 1, n - at);
    System.arraycopy(payloads, at, payloads, at + 1, n - at);
    order[at] = c;
    payloads[at] = c.payload;
  }

  /** Removes the client at index i of the first n. */
  private void delete(int i, int n) {
    System.arraycopy(order, i + 1, order, i, n - i - 1);
    System.arraycopy(payloads, i + 1, payloads, i, n - i - 1);
    order[n - 1] = null;
    payloads[n - 1] = null;
  }

  /** The first index in [lo, hi) whose client orders after c (clients there are sorted). */
  private int insertionPoint(Client c, int lo, int hi) {
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ORDER.compare(order[mid], c) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Where a present client is (its stored share is its key in the array). */
  private int indexOf(Client c) {
    int i = insertionPoint(c, 0, clients.size());
    if (order[i] != c) {
      throw new IllegalStateException("sorter order is inconsistent at client '" + c.name + "'");
    }
    return i;
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
