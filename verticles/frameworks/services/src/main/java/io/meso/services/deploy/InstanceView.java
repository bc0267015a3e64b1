package io.meso.services.deploy;

import io.meso.services.app.PathId;
import io.meso.services.deploy.Command.KillInstances;
import io.meso.services.deploy.Command.KillReason;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deployment's picture of the live instances of the apps it touches, kept up to date from the
 * runtime's {@link Fact.InstanceChanged} facts, and which of them it has asked to kill (Marathon's
 * instance goal: an instance asked to die no longer counts towards the app). Kill requests are
 * remembered after the instance ended, so its end can be told apart from a failure. Not
 * thread-safe.
 */
final class InstanceView {

  private final Map<String, InstanceStatus> live = new LinkedHashMap<>();
  private final Set<String> killRequested = new LinkedHashSet<>();

  InstanceView(Collection<InstanceStatus> snapshot) {
    snapshot.forEach(this::update);
  }

  /** Records {@code status}; a terminal one leaves the view. Returns the previous status or null. */
  InstanceStatus update(InstanceStatus status) {
    if (status.condition().terminal()) {
      return live.remove(status.id());
    }
    return live.put(status.id(), status);
  }

  /** Records a health verdict on a live instance. */
  void health(String instanceId, boolean healthy) {
    InstanceStatus s = live.get(instanceId);
    if (s != null) {
      live.put(instanceId, s.withHealthy(healthy));
    }
  }

  /** The live instances of {@code appId}, in the order they became known. */
  List<InstanceStatus> of(PathId appId) {
    List<InstanceStatus> out = new ArrayList<>();
    for (InstanceStatus s : live.values()) {
      if (s.appId().equals(appId)) {
        out.add(s);
      }
    }
    return out;
  }

  /** The live instances of {@code appId} still meant to run (Marathon's goal Running). */
  List<InstanceStatus> meantToRun(PathId appId) {
    return of(appId).stream().filter(this::meantToRun).toList();
  }

  boolean meantToRun(InstanceStatus s) {
    return !killRequested.contains(s.id()) && s.condition() != InstanceStatus.Condition.KILLING;
  }

  /** True if this deployment asked for {@code instanceId} to be killed. */
  boolean killRequested(String instanceId) {
    return killRequested.contains(instanceId);
  }

  /** True if {@code instanceId} is live and running. */
  boolean isRunning(String instanceId) {
    InstanceStatus s = live.get(instanceId);
    return s != null && s.condition() == InstanceStatus.Condition.RUNNING;
  }

  /** True if {@code instanceId} is live (known and not ended). */
  boolean isLive(String instanceId) {
    return live.containsKey(instanceId);
  }

  /** Every instance this deployment asked to kill, in the order it asked. */
  List<String> killRequested() {
    return List.copyOf(killRequested);
  }

  /** Puts back the kill requests of a deployment taken up by a new leader. */
  void restoreKillRequested(List<String> ids) {
    killRequested.addAll(ids);
  }

  /** Asks for the kill of those of {@code ids} not asked for yet; adds the command to {@code out}. */
  void kill(PathId appId, List<String> ids, KillReason reason, List<Command> out) {
    List<String> fresh = ids.stream().filter(killRequested::add).toList();
    if (!fresh.isEmpty()) {
      out.add(new KillInstances(appId, fresh, reason));
    }
  }
}
