package io.meso.jobs.runtime;

import io.meso.jobs.graph.Dependencies;
import io.meso.jobs.graph.EdgeState;
import io.meso.jobs.graph.JobGraph;
import io.meso.jobs.job.Job;
import io.meso.v1.AgentID;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the jobs framework knows, and the one place that changes it: every change is also
 * handed to {@link Effects#store} for the registry, in the order it is made, so the registry
 * always holds what this state holds (jobs and cursors, claims, bounded histories, edge counts).
 * Shared by {@link JobScheduler}, {@link DuePlanner} and {@link RunEnds}; not thread-safe.
 */
final class JobsState {

  private static final Logger LOG = LoggerFactory.getLogger(JobsState.class);
  /** How Chronos prints lastSuccess and lastError (Joda's DateTime.toString in UTC). */
  static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

  final JobsOptions options;
  final Effects effects;
  final Map<String, StoredJob> jobs = new LinkedHashMap<>();
  final Map<String, Claim> claims = new TreeMap<>();
  final Map<String, List<RunRecord>> history = new HashMap<>();
  /** Claims whose task may exist but whose state the master has not told this leader yet. */
  final Set<String> unverified = new HashSet<>();
  /** The DAG; its Job values go stale when a run's end changes a job, so read it with {@link #graph()}. */
  private JobGraph graph = JobGraph.of(List.of());
  private boolean graphStale;
  private Dependencies deps = Dependencies.of(graph, List.of());

  JobsState(JobsOptions options, Effects effects) {
    this.options = options;
    this.effects = effects;
  }

  /** Sets the graph and edge counts as restored from the registry (nothing is written). */
  void restoreGraph(List<EdgeState> counts) {
    graph = JobGraph.of(jobList());
    graphStale = false;
    deps = Dependencies.of(graph, counts);
  }

  List<Job> jobList() {
    return jobs.values().stream().map(StoredJob::job).toList();
  }

  /** The dependency graph of the jobs as they are now. */
  JobGraph graph() {
    if (graphStale) {
      graph = JobGraph.of(jobList());
      graphStale = false;
    }
    return graph;
  }

  Dependencies deps() {
    return deps;
  }

  void putJob(StoredJob s) {
    jobs.put(s.name(), s);
    graphStale = true;
    effects.store(Sections.DEFS, s.name(), StateJson.job(s));
  }

  void removeJob(String name) {
    jobs.remove(name);
    effects.store(Sections.DEFS, name, null);
    if (history.remove(name) != null) {
      effects.store(Sections.RUNS, name, null);
    }
  }

  /** Rebuilds the graph after jobs were added, removed or rewired; edges keep their counts. */
  void rebuildGraph() {
    graph = JobGraph.of(jobList());
    graphStale = false;
    setDependencies(Dependencies.of(graph, deps.edges()));
  }

  void putClaim(Claim c) {
    claims.put(c.key(), c);
    effects.store(Sections.CLAIMS, c.key(), StateJson.claim(c));
  }

  /** Replaces a claim in memory only (its stored form did not change). */
  void replaceClaim(Claim c) {
    claims.put(c.key(), c);
  }

  /** Removes a claim, then the marks its run left on the edges to its job's children. */
  void removeClaim(Claim c) {
    claims.remove(c.key());
    unverified.remove(c.key());
    effects.store(Sections.CLAIMS, c.key(), null);
    Dependencies unmarked = deps.unmark(c.job(), c.taskId());
    if (unmarked != deps) {
      setDependencies(unmarked);
    }
  }

  List<Claim> claimsOf(String name) {
    return claims.values().stream().filter(c -> c.job().equals(name)).toList();
  }

  /**
   * Claims the run of {@code job} at {@code instant} unless it is claimed or in the history
   * already; a dependent job's edges start counting again. Returns the claim, or null.
   */
  Claim claim(Job job, Instant instant, Claim.Trigger trigger, String arguments, Instant now) {
    String key = Claim.key(job.name(), instant);
    if (claims.containsKey(key) || ran(job.name(), instant)) {
      return null;
    }
    Claim c = Claim.queued(job.name(), instant, trigger, arguments, now);
    putClaim(c);
    if (job.kind() == Job.Kind.DEPENDENT) {
      setDependencies(deps.childStarted(job.name()));
    }
    LOG.info("claimed job={} instant={} trigger={}", job.name(), instant, trigger);
    return c;
  }

  /** True if the history has an attempt of {@code job} at {@code instant}. */
  boolean ran(String job, Instant instant) {
    Instant at = Claim.millis(instant);
    return history.getOrDefault(job, List.of()).stream().anyMatch(r -> r.instant().equals(at));
  }

  /** True if this attempt's end is already in the history (its update came again). */
  boolean recorded(Claim c) {
    return history.getOrDefault(c.job(), List.of()).stream()
        .anyMatch(r -> r.taskId().equals(c.taskId()));
  }

  void addHistory(RunRecord r) {
    List<RunRecord> runs = history.computeIfAbsent(r.job(), k -> new ArrayList<>());
    runs.add(r);
    while (runs.size() > options.getHistoryPerJob()) {
      runs.remove(0);
    }
    effects.store(Sections.RUNS, r.job(), StateJson.runs(runs));
  }

  /** Replaces the edge state, storing each edge that changed (an edge with no count and no mark as no key). */
  void setDependencies(Dependencies next) {
    Map<String, EdgeState> before = new HashMap<>();
    deps.edges().forEach(e -> before.put(Sections.edgeKey(e.parent(), e.child()), e));
    Map<String, EdgeState> after = new HashMap<>();
    next.edges().forEach(e -> after.put(Sections.edgeKey(e.parent(), e.child()), e));
    for (Map.Entry<String, EdgeState> e : after.entrySet()) {
      EdgeState was = before.get(e.getKey());
      boolean changed = was == null ? !e.getValue().isEmpty() : !was.equals(e.getValue());
      if (changed) {
        effects.store(Sections.EDGES, e.getKey(), e.getValue().isEmpty() ? null : StateJson.edge(e.getValue()));
      }
    }
    for (Map.Entry<String, EdgeState> e : before.entrySet()) {
      if (!after.containsKey(e.getKey()) && !e.getValue().isEmpty()) {
        effects.store(Sections.EDGES, e.getKey(), null);
      }
    }
    deps = next;
  }

  static RunRecord record(Claim c, RunRecord.Outcome outcome, String message, Instant now) {
    return new RunRecord(c.taskId(), c.job(), c.instant(), c.attempt(), c.trigger(), c.agentId(),
        c.startedAt(), now, outcome, message);
  }

  static AgentID agent(Claim c) {
    return c.agentId().isEmpty() ? null : AgentID.newBuilder().setValue(c.agentId()).build();
  }

  static String timestamp(Instant t) {
    return TIMESTAMP.format(t.atOffset(ZoneOffset.UTC));
  }
}
