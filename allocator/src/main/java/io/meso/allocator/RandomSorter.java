package io.meso.allocator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * A fairness policy that ignores shares: each sort is a weighted random order, as Mesos's random
 * sorter. A client of weight w comes first with probability w / (sum of weights), by the
 * Efraimidis-Spirakis method: each client draws u in (0, 1] and clients are ordered by u^(1/w),
 * largest first. Allocation bookkeeping is kept by a {@link DrfSorter} so that shares can still
 * be read (for the operator API), but they do not decide the order.
 */
public final class RandomSorter implements Sorter {

  private final DrfSorter bookkeeping;
  private final Random random;
  private final Map<String, Double> weights = new HashMap<>();

  public RandomSorter(DrfSorter.Totals totals, Random random) {
    this.bookkeeping = new DrfSorter(totals);
    this.random = random;
  }

  @Override
  public void add(String client) {
    bookkeeping.add(client);
  }

  @Override
  public void remove(String client) {
    bookkeeping.remove(client);
    weights.remove(client);
  }

  @Override
  public boolean contains(String client) {
    return bookkeeping.contains(client);
  }

  @Override
  public int size() {
    return bookkeeping.size();
  }

  @Override
  public void updateWeight(String client, double weight) {
    bookkeeping.updateWeight(client, weight);
    weights.put(client, weight);
  }

  @Override
  public void allocated(String client, String agentId, Resources resources) {
    bookkeeping.allocated(client, agentId, resources);
  }

  @Override
  public void unallocated(String client, String agentId, Resources resources) {
    bookkeeping.unallocated(client, agentId, resources);
  }

  @Override
  public void addTotal(String agentId, Resources resources) {
    bookkeeping.addTotal(agentId, resources);
  }

  @Override
  public void removeTotal(String agentId, Resources resources) {
    bookkeeping.removeTotal(agentId, resources);
  }

  @Override
  public List<String> sort() {
    List<String> clients = new ArrayList<>(bookkeeping.sort());
    Map<String, Double> keys = new HashMap<>(clients.size() * 2);
    for (String client : clients) {
      double u = 1.0 - random.nextDouble(); // (0, 1]
      keys.put(client, Math.pow(u, 1.0 / weights.getOrDefault(client, 1.0)));
    }
    clients.sort((a, b) -> Double.compare(keys.get(b), keys.get(a)));
    return clients;
  }

  @Override
  public void visit(Predicate<String> visitor) {
    for (String client : sort()) {
      if (!visitor.test(client)) {
        return;
      }
    }
  }

  @Override
  public double share(String client) {
    return bookkeeping.share(client);
  }
}
