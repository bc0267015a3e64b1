package io.meso.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vert.x's Hazelcast cluster manager, except that an event-bus lookup never returns a consumer
 * of a node that is no longer a member of the cluster.
 *
 * <p>When a member dies, every other member removes the dead member's subscriptions from the
 * shared subscription map one synchronous remove at a time (vertx-hazelcast's
 * {@code SubsMapHelper.removeAllForNodes}), and until its turn comes each of them is still handed
 * out: a request to an address that the dead node and a live node both consumed went, turn
 * about, to the dead node, was dropped ("Connecting to server ... failed") and timed out. A dead
 * master holding a few addresses cleared them in milliseconds; a dead master whose agent gateway
 * held one subscription per connected agent (hundreds to thousands) kept its
 * {@code meso.master} and {@code meso.master.scheduler} subscriptions in the map for seconds after
 * a new leader had taken over: half the agents' re-registrations were lost (recorded
 * unreachable), and the new leader's own jobs framework timed out subscribing and stepped down.
 * Hazelcast's member list knows of the death before the clean-up starts, so what the event bus
 * learns of an address's consumers (a lookup, or an update of the addresses it has cached) is
 * filtered by it.
 *
 * <p>What the event bus has already cached needs more: Vert.x 5.0.7's node selector keeps each
 * address's consumers until an update for that address arrives, and ignores
 * {@code registrationsLost}, so a cached round robin that included the dead node went on picking
 * it until the clean-up reached that address's entry (seconds, at a thousand gateway agents: half
 * the moved agents' first re-registrations went to the dead master and missed their window). So
 * this manager remembers the consumers it last told the selector of, per address, and when the
 * member set changes (seen first of: Hazelcast's membership event, or any lookup or update, which
 * the clean-up itself produces) it sends every cached address that names a node no longer a member
 * an update without it (an empty one drops the cache: the next send looks up again, and fails at
 * once with no handlers if nobody is left), before the clean-up starts.
 */
final class LiveNodesClusterManager extends HazelcastClusterManager {

  /** Vert.x node ids of the members, and the Hazelcast member set they were read from. */
  private volatile LiveView view;
  /** The member set the cached addresses were last checked against. */
  private volatile Set<com.hazelcast.cluster.Member> checkedFor;
  /** The event bus's node selector. */
  private volatile RegistrationListener selector;
  /** Guards {@link #told}, and orders what the selector is told per address. */
  private final Object updates = new Object();
  /** Per address, the consumers (unfiltered) the selector was last told of or looked up. */
  private final Map<String, List<RegistrationInfo>> told = new HashMap<>();

  LiveNodesClusterManager(Config config) {
    super(config);
  }

  @Override
  public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
    super.getRegistrations(address, (registrations, failure) -> {
      if (failure != null) {
        promise.fail(failure);
        return;
      }
      dropDeadNodesFromCache();
      if (!registrations.isEmpty()) {
        synchronized (updates) {
          // An update that came in while this lookup ran is newer: keep it.
          told.putIfAbsent(address, registrations);
        }
      }
      promise.succeed(liveOnly(registrations));
    });
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    selector = listener;
    super.registrationListener(new RegistrationListener() {
      @Override
      public void registrationsUpdated(RegistrationUpdateEvent event) {
        dropDeadNodesFromCache();
        synchronized (updates) {
          if (event.registrations().isEmpty()) {
            told.remove(event.address());
          } else {
            told.put(event.address(), event.registrations());
          }
          listener.registrationsUpdated(new RegistrationUpdateEvent(event.address(), liveOnly(event.registrations())));
        }
      }

      @Override
      public void registrationsLost() {
        listener.registrationsLost();
      }

      @Override
      public boolean wantsUpdatesFor(String address) {
        return listener.wantsUpdatesFor(address);
      }
    });
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    // Before vertx-hazelcast's own handling, which cleans the dead node's entries one by one.
    dropDeadNodesFromCache();
    super.memberRemoved(event);
  }

  /** The member set the cached addresses were last checked against (null before the first check). */
  Set<com.hazelcast.cluster.Member> checkedMembers() {
    return checkedFor;
  }

  /**
   * If the member set changed since the last check: every cached address naming a node that is
   * no longer a member is updated without it; addresses the selector no longer caches are
   * forgotten.
   */
  void dropDeadNodesFromCache() {
    Set<com.hazelcast.cluster.Member> members = getHazelcastInstance().getCluster().getMembers();
    RegistrationListener listener = selector;
    if (members == checkedFor || listener == null) {
      return;
    }
    synchronized (updates) {
      if (members == checkedFor) {
        return;
      }
      checkedFor = members;
      for (Iterator<Map.Entry<String, List<RegistrationInfo>>> it = told.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, List<RegistrationInfo>> e = it.next();
        if (!listener.wantsUpdatesFor(e.getKey())) {
          it.remove();
          continue;
        }
        List<RegistrationInfo> alive = liveOnly(e.getValue());
        if (alive != e.getValue()) {
          if (alive.isEmpty()) {
            it.remove();
          }
          listener.registrationsUpdated(new RegistrationUpdateEvent(e.getKey(), alive));
        }
      }
    }
  }

  /** The registrations whose node is a member now (the list itself when all are: the usual case). */
  List<RegistrationInfo> liveOnly(List<RegistrationInfo> registrations) {
    Set<String> known = liveNodes();
    boolean allKnown = true;
    for (RegistrationInfo r : registrations) {
      if (!known.contains(r.nodeId())) {
        allKnown = false;
        break;
      }
    }
    if (allKnown) {
      return registrations;
    }
    List<RegistrationInfo> alive = new ArrayList<>(registrations.size());
    for (RegistrationInfo r : registrations) {
      if (known.contains(r.nodeId())) {
        alive.add(r);
      }
    }
    return alive;
  }

  /**
   * The Vert.x node ids of Hazelcast's current members. Hazelcast replaces its member set when the
   * membership changes (it is not updated in place), so the ids are read again only then; this
   * does not wait for the membership event, which reaches listeners late when Hazelcast's event
   * threads are busy with the subscription map's own events, as they are after a member died.
   */
  private Set<String> liveNodes() {
    Set<com.hazelcast.cluster.Member> members = getHazelcastInstance().getCluster().getMembers();
    LiveView view = this.view;
    if (view == null || view.members != members) {
      view = new LiveView(members, new HashSet<>(getNodes()));
      this.view = view;
    }
    return view.ids;
  }

  private record LiveView(Set<com.hazelcast.cluster.Member> members, Set<String> ids) {}
}
