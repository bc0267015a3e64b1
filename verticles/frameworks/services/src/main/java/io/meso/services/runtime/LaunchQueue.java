package io.meso.services.runtime;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.placement.AgentFacts;
import io.meso.services.placement.InstanceSpec;
import io.meso.services.placement.LaunchBackoff;
import io.meso.services.placement.MatchResult;
import io.meso.services.placement.OfferMatcher;
import io.meso.services.placement.OfferStatistics;
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

  /** Queues {@code count} more instances of {@code app} (this version replaces a queued older one). */
  void add(App app, int count, Instant now) {
    Entry e = entries.computeIfAbsent(app.id(), id -> new Entry(app, now));
    e.app = app;
    e.count += count;
  }

  /** Forgets the waiting instances of {@code appId} (a deployment takes over its launches). */
  void purge(PathId appId) {
    entries.remove(appId);
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
    }
    return entries.containsKey(appId);
  }

  /** Forgets everything about {@code appId}. */
  void forget(PathId appId) {
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
      }
      if (e.count == 0) {
        entries.remove(e.app.id());
      }
    }
    return out;
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
