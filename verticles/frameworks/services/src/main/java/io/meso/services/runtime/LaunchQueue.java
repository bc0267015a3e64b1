package io.meso.services.runtime;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.placement.AgentFacts;
import io.meso.services.placement.InstanceSpec;
import io.meso.services.placement.LaunchBackoff;
import io.meso.services.placement.MatchResult;
import io.meso.services.placement.OfferMatcher;
import io.meso.services.placement.OfferStatistics;
import io.meso.services.store.StoredLaunches;
import io.meso.v1.Offer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The instances waiting for an offer, per app (Marathon's launch queue): how many of which app
 * version, since when, the offers processed for them ({@link OfferStatistics}, for
 * {@code /v2/queue}) and the app's launch delay ({@link LaunchBackoff}). Matching an offer takes
 * as many waiting instances as it holds, app after app. Not thread-safe: the framework's event
 * loop owns it.
 */
final class LaunchQueue {

  /** The waiting instances of one app. */
  static final class Entry {
    App app;
    int count;
    final Instant since;
    final OfferStatistics statistics = new OfferStatistics();

    Entry(App app, Instant since) {
      this.app = app;
      this.since = since;
    }
  }

  /** One instance to launch: its app (at the version queued) and the offer part it takes. */
  record Launch(App app, MatchResult.Match match) {}

  private final OfferMatcher matcher = new OfferMatcher();
  private final Map<PathId, Entry> entries = new LinkedHashMap<>();
  private final Map<PathId, LaunchBackoff> backoffs = new LinkedHashMap<>();
  private final Map<PathId, LaunchBackoff.Policy> policies = new LinkedHashMap<>();
  /** Apps whose waiting instances or delay changed since {@link #drainChanged}. */
  private final java.util.Set<PathId> changed = new java.util.LinkedHashSet<>();

  /** Queues {@code count} more instances of {@code app} (this version replaces a queued older one). */
  void add(App app, int count, Instant now) {
    Entry e = entries.computeIfAbsent(app.id(), id -> new Entry(app, now));
    e.app = app;
    e.count += count;
    changed.add(app.id());
  }

  /** Forgets the waiting instances of {@code appId} (a deployment takes over its launches). */
  void purge(PathId appId) {
    if (entries.remove(appId) != null) {
      changed.add(appId);
    }
  }

  /** The waiting instances of {@code appId}, 0 if none. */
  int waiting(PathId appId) {
    Entry e = entries.get(appId);
    return e == null ? 0 : e.count;
  }

  /** The apps with instances waiting. */
  Collection<Entry> entries() {
    return entries.values();
  }

  /** True if some app has instances waiting. */
  boolean anyWaiting() {
    return !entries.isEmpty();
  }

  /** A launch of {@code app} failed at {@code now}: returns when its next launch may go. */
  Instant launchFailed(App app, Instant now) {
    changed.add(app.id());
    return backoff(app).launchFailed(versionKey(app), now);
  }

  /** Until when launches of {@code app} wait, empty if they may go now. */
  Optional<Instant> delayedUntil(App app, Instant now) {
    LaunchBackoff b = backoffs.get(app.id());
    return b == null ? Optional.empty() : b.delayedUntil(versionKey(app), now);
  }

  /** Clears the launch delay of {@code appId}; true if the app had waiting instances. */
  boolean resetDelay(PathId appId) {
    LaunchBackoff b = backoffs.get(appId);
    if (b != null) {
      b.reset();
      changed.add(appId);
    }
    return entries.containsKey(appId);
  }

  /** Forgets everything about {@code appId}. */
  void forget(PathId appId) {
    changed.add(appId);
    entries.remove(appId);
    backoffs.remove(appId);
    policies.remove(appId);
  }

  /**
   * Matches {@code offer} against the waiting instances not held back by a launch delay, taking
   * what fits; every match or miss is counted in the app's statistics.
   *
   * @param placed the agents each app's reachable instances (any version) run on; asked only for
   *     apps with constraints (it looks at every instance, and an offer is matched for each app
   *     waiting: without constraints, where instances run cannot matter)
   */
  List<Launch> match(Offer offer, Instant now, Function<App, List<AgentFacts>> placed) {
    List<Launch> out = new ArrayList<>();
    Offer left = offer;
    for (Entry e : List.copyOf(entries.values())) {
      if (delayedUntil(e.app, now).isPresent()) {
        continue;
      }
      InstanceSpec spec = TaskInfos.spec(e.app);
      boolean constrained = !spec.constraints().isEmpty();
      List<AgentFacts> agents = constrained ? new ArrayList<>(placed.apply(e.app)) : List.of();
      while (e.count > 0) {
        MatchResult result = matcher.match(left, spec, agents, now);
        e.statistics.record(result, now);
        if (!(result instanceof MatchResult.Match m)) {
          break;
        }
        out.add(new Launch(e.app, m));
        if (constrained) {
          agents.add(AgentFacts.of(offer));
        }
        left = m.remaining();
        e.count--;
        changed.add(e.app.id());
      }
      if (e.count == 0) {
        entries.remove(e.app.id());
      }
    }
    return out;
  }

  /** The apps whose queue entry or delay changed since the last call. */
  java.util.Set<PathId> drainChanged() {
    java.util.Set<PathId> out = java.util.Set.copyOf(changed);
    changed.clear();
    return out;
  }

  /** What the store keeps of {@code appId}: waiting instances and delay; null when there is neither. */
  StoredLaunches stored(PathId appId) {
    Entry e = entries.get(appId);
    LaunchBackoff b = backoffs.get(appId);
    StoredLaunches.Queued queued = e == null || e.count == 0 ? null
        : new StoredLaunches.Queued(e.app.version(), e.count, e.since);
    StoredLaunches.Backoff backoff = b == null ? null : b.state()
        .map(s -> new StoredLaunches.Backoff(s.version(), s.reference(), s.delay())).orElse(null);
    return queued == null && backoff == null ? null : new StoredLaunches(appId, queued, backoff);
  }

  /**
   * Puts back what a leader before stored for an app: {@code queuedApp} is the app at the version
   * the waiting instances were queued with (null if none wait), {@code current} the app as it is now
   * (its backoff settings apply to the delay).
   */
  void restore(StoredLaunches stored, App queuedApp, App current) {
    if (stored.queued() != null && queuedApp != null) {
      Entry e = new Entry(queuedApp, stored.queued().since());
      e.count = stored.queued().count();
      entries.put(queuedApp.id(), e);
    }
    if (stored.backoff() != null && current != null) {
      StoredLaunches.Backoff b = stored.backoff();
      backoff(current).restore(new LaunchBackoff.State(b.versionKey(), b.reference(), b.delay()));
    }
  }

  /** The app's backoff; a new one when the app's backoff settings changed (a new configuration). */
  private LaunchBackoff backoff(App app) {
    LaunchBackoff.Policy policy = new LaunchBackoff.Policy(Duration.ofSeconds(app.backoffSeconds()),
        app.backoffFactor(), Duration.ofSeconds(app.maxLaunchDelaySeconds()));
    if (!policy.equals(policies.get(app.id()))) {
      policies.put(app.id(), policy);
      backoffs.put(app.id(), new LaunchBackoff(policy));
    }
    return backoffs.get(app.id());
  }

  /** A delay belongs to one configuration of the app (Marathon keys it by lastConfigChangeAt). */
  private static String versionKey(App app) {
    Instant v = app.versionInfo() != null ? app.versionInfo().lastConfigChangeAt() : app.version();
    return String.valueOf(v);
  }
}
