package io.meso.jobs.runtime;

import io.meso.jobs.graph.EdgeState;
import io.meso.jobs.graph.JobGraph;
import io.meso.jobs.job.Job;
import io.meso.jobs.job.JobValidationException;
import io.meso.jobs.schedule.IsoSchedule;
import io.meso.v1.AgentID;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs framework's decisions, in plain Java: which (job, instant) runs are due, which queued
 * run goes on which offer, what a task's status means for its run (retry, success, failure,
 * dependent children), and what the API's operations change. It reads time only from its
 * {@link Clock} and acts only through {@link Effects}, so tests drive it with a clock they move
 * and read the effects it decided.
 *
 * <p>Exactly once per instant: a due run is first <em>claimed</em> (a registry write of
 * {@link Claim}, keyed by job and instant) and only then launched, under a task id that names
 * the job, instant and attempt; the schedule's cursor (the rewritten ISO schedule, or a cron
 * job's cursor) moves past the instant only after the claim. A new leader loads the claims and
 * reconciles each one whose task may exist before launching it again: a task the master knows
 * is adopted, one it does not know was never launched (or was lost), so the run is neither
 * repeated nor forgotten. A run's end is recorded (history, counters, children) before its
 * update is acknowledged, so a leader that dies in between gets the update again, and a run
 * already in the history is not counted twice.
 *
 * <p>This class is the facade the verticle and the API call: it places runs on offers and
 * carries out the API's operations; {@link DuePlanner} decides what is due, {@link RunEnds} what
 * a task status means, and {@link JobsState} holds the state and writes every change of it.
 * Not thread-safe: the framework verticle calls it on its event loop only.
 */
public final class JobScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

  /** Which endpoint a job was submitted to. */
  public enum Endpoint {
    /** POST /v1/scheduler/iso8601: a job with a schedule (or Meso's cron). */
    SCHEDULED,
    /** POST /v1/scheduler/dependency: a job with parents. */
    DEPENDENT
  }

  private final Clock clock;
  private final JobsOptions options;
  private final Effects effects;
  private final JobsState state;
  private final DuePlanner planner;
  private final RunEnds ends;
  /** What the framework last told the master about offers; null: not told on this subscription. */
  private Boolean offersWanted;

  public JobScheduler(Clock clock, JobsOptions options, Effects effects) {
    this.clock = clock;
    this.options = options;
    this.effects = effects;
    this.state = new JobsState(options, effects);
    this.planner = new DuePlanner(state);
    this.ends = new RunEnds(state);
  }

  // ---------------------------------------------------------------- takeover and subscription

  /**
   * Loads what previous leaders stored (the sections this leader just claimed). Every claim is
   * unverified until the master says what became of its task. A value that cannot be read is
   * logged and left out, never fatal.
   */
  public void restore(Map<String, byte[]> defs, Map<String, byte[]> storedClaims,
      Map<String, byte[]> runs, Map<String, byte[]> edges) {
    Instant now = clock.instant();
    defs.forEach((name, value) -> read("job", name, () ->
        state.jobs.put(name, StateJson.job(value, options.getDefaults(), now))));
    storedClaims.forEach((key, value) -> read("claim", key, () -> {
      state.claims.put(key, StateJson.claim(value));
      state.unverified.add(key);
    }));
    runs.forEach((name, value) -> read("history", name, () ->
        state.history.put(name, new ArrayList<>(StateJson.runs(value)))));
    List<EdgeState> counts = new ArrayList<>();
    edges.forEach((key, value) -> read("edge", key, () -> {
      String[] pc = key.split("/", 2);
      counts.add(StateJson.edge(pc[0], pc[1], value));
    }));
    state.restoreGraph(counts);
    LOG.info("restored jobs={} claims={} edges={}", state.jobs.size(), state.claims.size(), counts.size());
  }

  private static void read(String what, String key, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.error("ignoring the stored {} key={} that cannot be read: {}", what, key, e.toString());
    }
  }

  /**
   * A (re)subscription: the master may know tasks this leader has not heard of, and a launch
   * sent on the old subscription may have been lost. Reconciles every claim whose task may exist
   * (explicitly, so an unknown task is answered) and every task the master knows (implicitly,
   * so a task of no claim is found and killed).
   */
  public void subscribed() {
    offersWanted = null;
    for (Claim c : state.claims.values()) {
      if (c.active()) {
        state.unverified.add(c.key());
      }
    }
    reconcileUnverified();
    effects.reconcile(List.of());
    updateOffersWanted(clock.instant());
  }

  /** Asks the master again about the claims it has not answered for (called periodically). */
  public void reconcileUnverified() {
    List<Call.Reconcile.Task> tasks = new ArrayList<>();
    for (String key : state.unverified) {
      Claim c = state.claims.get(key);
      if (c == null) {
        continue;
      }
      Call.Reconcile.Task.Builder t = Call.Reconcile.Task.newBuilder()
          .setTaskId(TaskID.newBuilder().setValue(c.taskId()));
      if (!c.agentId().isEmpty()) {
        t.setAgentId(AgentID.newBuilder().setValue(c.agentId()));
      }
      tasks.add(t.build());
    }
    if (!tasks.isEmpty()) {
      effects.reconcile(tasks);
    }
  }

  /** True while some claim waits for the master to say what became of its task. */
  public boolean awaitingReconciliation() {
    return state.unverified.stream().anyMatch(state.claims::containsKey);
  }

  /**
   * The launch of these tasks may not have reached the master (the call failed): until the master
   * says otherwise, they may or may not run, so they are reconciled before any relaunch.
   */
  public void launchUncertain(List<String> taskIds) {
    for (String id : taskIds) {
      TaskIds.Parsed p = TaskIds.parse(id);
      Claim c = p == null ? null : state.claims.get(p.claimKey());
      if (c != null && c.attempt() == p.attempt()) {
        state.unverified.add(c.key());
      }
    }
    reconcileUnverified();
  }

  // ---------------------------------------------------------------- time, offers, statuses

  /**
   * Claims every run that is due now, kills runs that overstay maxCompletionTime, and asks for
   * offers if runs wait ({@link DuePlanner}). Returns when to look again: the earliest next
   * instant, retry or deadline, at most {@link JobsOptions#getMaxSleep()} from now.
   */
  public Instant tick() {
    Instant now = clock.instant();
    planner.plan(now);
    updateOffersWanted(now);
    return planner.nextWake(now);
  }

  /**
   * Places the runs that may launch now on {@code offers}, higher-priority runs first
   * (highPriority, then the earliest instant), and declines the offers that got none. A queued
   * run of a disabled job, or of a non-concurrent job with another run active, is dropped and
   * recorded as SKIPPED, as Chronos did.
   */
  public void offers(List<Offer> offers) {
    Instant now = clock.instant();
    List<OfferFit> fits = offers.stream().map(OfferFit::new).toList();
    Map<OfferFit, List<TaskInfo>> launches = new LinkedHashMap<>();
    Map<String, Integer> active = new HashMap<>();
    state.claims.values().stream().filter(Claim::active).forEach(c -> active.merge(c.job(), 1, Integer::sum));
    for (Claim c : ready(now)) {
      StoredJob s = state.jobs.get(c.job());
      if (s == null) {
        state.removeClaim(c); // a claim restored without its job: nothing to run
        continue;
      }
      if (s.job().disabled()) {
        ends.skip(c, now, "the job is disabled");
        continue;
      }
      if (!s.job().concurrent() && active.getOrDefault(c.job(), 0) > 0) {
        ends.skip(c, now, "another run of the job was still active and the job is not concurrent");
        continue;
      }
      for (OfferFit f : fits) {
        List<Resource> resources = f.take(s.job());
        if (resources != null) {
          Claim l = c.launched(f.offer().getAgentId().getValue(), now);
          state.replaceClaim(l);
          launches.computeIfAbsent(f, k -> new ArrayList<>())
              .add(JobTasks.task(s.job(), l, f.offer(), resources));
          active.merge(c.job(), 1, Integer::sum);
          LOG.info("launching task={} agent={}", l.taskId(), l.agentId());
          break;
        }
      }
    }
    List<OfferID> declined = new ArrayList<>();
    for (OfferFit f : fits) {
      if (launches.containsKey(f)) {
        effects.launch(f.offer(), launches.get(f));
      } else {
        declined.add(f.offer().getId());
      }
    }
    if (!declined.isEmpty()) {
      effects.decline(declined, ready(now).isEmpty() ? options.getRefuseIdleSeconds()
          : options.getRefuseWaitingSeconds());
    }
    updateOffersWanted(now);
  }

  /** The runs that may launch now, in launch order. */
  private List<Claim> ready(Instant now) {
    Comparator<Claim> order = Comparator.comparing((Claim c) -> !highPriority(c))
        .thenComparing(Claim::instant).thenComparing(Claim::job);
    return state.claims.values().stream()
        .filter(c -> c.state() == Claim.State.QUEUED && !state.unverified.contains(c.key())
            && !c.notBefore().isAfter(now))
        .sorted(order)
        .toList();
  }

  private boolean highPriority(Claim c) {
    StoredJob s = state.jobs.get(c.job());
    return s != null && s.job().highPriority();
  }

  private void updateOffersWanted(Instant now) {
    boolean wanted = !ready(now).isEmpty();
    if (offersWanted == null || offersWanted != wanted) {
      offersWanted = wanted;
      effects.offersWanted(wanted);
    }
  }

  /**
   * A status of one of the framework's tasks (an update or a reconciliation answer): moves its
   * run on ({@link RunEnds}), stores what changed, then acknowledges it.
   */
  public void update(TaskStatus status) {
    Instant now = clock.instant();
    ends.update(status, now);
    updateOffersWanted(now);
  }

  // ---------------------------------------------------------------- API operations

  /** Parses a submitted job with this framework's defaults and clock (a job without schedule runs now). */
  public Job parse(String body) {
    return io.meso.jobs.job.JobJson.parse(body == null ? "" : body, options.getDefaults(), clock.instant());
  }

  /** Now, by this scheduler's clock. */
  public Instant now() {
    return clock.instant();
  }

  /**
   * Creates or replaces a job (POST /iso8601 or /dependency). Replacing keeps nothing of the old
   * definition (Chronos's counters come from the body), except a cron job's cursor while its
   * cron, zone and enabled state are unchanged; a replaced dependent job's edges start at 0.
   *
   * @throws JobValidationException naming the field, for a job the endpoint does not take, a
   *     name too long for a task id, a missing parent or a cycle
   */
  public void submit(Job job, Endpoint endpoint) {
    if (endpoint == Endpoint.SCHEDULED && job.kind() == Job.Kind.DEPENDENT) {
      throw new JobValidationException("parents", String.join(",", job.parents()),
          "a job with parents is a dependent job: POST it to /v1/scheduler/dependency");
    }
    if (endpoint == Endpoint.DEPENDENT && job.kind() != Job.Kind.DEPENDENT) {
      throw new JobValidationException("parents", null,
          "a dependent job needs parents, a non-empty array of job names");
    }
    String longest = TaskIds.of(job.name(), Instant.ofEpochMilli(Long.MAX_VALUE / 1000), 9999);
    if (longest.getBytes(StandardCharsets.UTF_8).length > TaskIds.MAX_BYTES) {
      throw new JobValidationException("name", job.name(), "at most "
          + (TaskIds.MAX_BYTES - (longest.length() - job.name().length()))
          + " characters: the name is part of the task id, which Mesos limits to 255 bytes");
    }
    List<Job> others = state.jobList().stream().filter(j -> !j.name().equals(job.name())).toList();
    JobGraph.checkSubmit(job, others);
    Instant now = clock.instant();
    StoredJob old = state.jobs.get(job.name());
    StoredJob stored = switch (job.kind()) {
      case ISO -> new StoredJob(job.withSchedule(((IsoSchedule) job.parsedSchedule(now)).render()), null);
      case CRON -> new StoredJob(job, keepsCursor(old, job) ? old.cursor() : now);
      case DEPENDENT -> new StoredJob(job, null);
    };
    if (old != null) {
      stored = stored.withCounted(old.counted()); // (runs counted whose claims are still stored)
    }
    state.putJob(stored);
    state.rebuildGraph();
    state.setDependencies(state.deps().childStarted(job.name()));
    LOG.info("{} job={} kind={}", old == null ? "created" : "replaced", job.name(), job.kind());
  }

  private static boolean keepsCursor(StoredJob old, Job job) {
    return old != null && old.cursor() != null && old.job().kind() == Job.Kind.CRON
        && !old.job().disabled() && !job.disabled() && old.job().cron().equals(job.cron())
        && old.job().scheduleTimeZone().equals(job.scheduleTimeZone());
  }

  /**
   * Deletes a job (DELETE /job/{name}): kills its tasks, forgets its runs and history, and
   * rewires its children as Chronos does ({@link JobGraph#childrenAfterDelete}).
   */
  public void delete(String name) {
    StoredJob s = require(name);
    Instant now = clock.instant();
    for (Job child : state.graph().childrenAfterDelete(name)) {
      state.putJob(new StoredJob(child, child.kind() == Job.Kind.CRON ? now : null));
    }
    for (Claim c : state.claimsOf(name)) {
      if (c.active()) {
        effects.kill(TaskID.newBuilder().setValue(c.taskId()).build(), JobsState.agent(c));
      }
      state.removeClaim(c);
    }
    state.removeJob(s.name());
    state.rebuildGraph();
    LOG.info("deleted job={}", name);
  }

  /**
   * Runs a job now (PUT /job/{name}), with {@code arguments} appended to its command; as in
   * Chronos a run of a disabled job is dropped without notice. The run's instant is now (moved
   * by a millisecond if that instant is taken or is one of the job's scheduled instants).
   */
  public void runNow(String name, String arguments) {
    StoredJob s = require(name);
    if (s.job().disabled()) {
      LOG.info("not running disabled job={}", name);
      return;
    }
    String args = TaskIds.cleanArguments(arguments);
    Instant now = clock.instant();
    Instant at = Claim.millis(now);
    while (state.claims.containsKey(Claim.key(name, at)) || state.ran(name, at) || scheduledAt(s.job(), at)) {
      at = at.plusMillis(1);
    }
    if (args.length() > TaskIds.MAX_ARGUMENTS) {
      throw new JobValidationException("arguments", args, "at most " + TaskIds.MAX_ARGUMENTS
          + " characters");
    }
    state.claim(s.job(), at, Claim.Trigger.MANUAL, args, now);
    updateOffersWanted(now);
  }

  private static boolean scheduledAt(Job job, Instant at) {
    if (job.kind() == Job.Kind.DEPENDENT) {
      return false;
    }
    return job.parsedSchedule(at).nextAfter(at.minusMillis(1)).filter(at::equals).isPresent();
  }

  /**
   * Marks a job successful (PUT /job/success/{name}) as if a run had succeeded now: counters,
   * lastSuccess, its children's edges, and its children that are now due. False if unknown.
   */
  public boolean markSuccess(String name) {
    StoredJob s = state.jobs.get(name);
    if (s == null) {
      return false;
    }
    Instant now = clock.instant();
    Job j = s.job();
    state.putJob(s.withJob(j.withStats(j.successCount() + 1, j.errorCount(), 0, JobsState.timestamp(now),
        j.lastError(), j.disabled())));
    state.setDependencies(state.deps().childStarted(name));
    ends.parentFinished(name, null, true, j.softError(), Claim.millis(now), now);
    updateOffersWanted(now);
    return true;
  }

  /** Kills the job's runs (DELETE /task/kill/{name}): queued ones are dropped, launched ones killed. */
  public void kill(String name) {
    require(name);
    Instant now = clock.instant();
    for (Claim c : state.claimsOf(name)) {
      if (c.state() == Claim.State.QUEUED) {
        ends.killed(c, now, "killed before it was launched");
      } else {
        state.putClaim(c.killing());
        effects.kill(TaskID.newBuilder().setValue(c.taskId()).build(), JobsState.agent(c));
      }
    }
    updateOffersWanted(now);
  }

  // ---------------------------------------------------------------- views (for the API)

  /** The jobs, in the graph's order (scheduled first, then dependent), as Chronos lists them. */
  public List<Job> jobs() {
    List<Job> out = new ArrayList<>(state.graph().jobs());
    Set<String> listed = new HashSet<>();
    out.forEach(j -> listed.add(j.name()));
    for (StoredJob s : state.jobs.values()) {
      if (listed.add(s.name())) {
        out.add(s.job());
      }
    }
    return out;
  }

  public Optional<Job> job(String name) {
    return Optional.ofNullable(state.jobs.get(name)).map(StoredJob::job);
  }

  /** The dependency graph of the jobs as they are now. */
  public JobGraph graph() {
    return state.graph();
  }

  /** The job's runs in flight (claimed and not ended), oldest instant first. */
  public List<Claim> claimsOf(String name) {
    return state.claimsOf(name);
  }

  /** The job's ended attempts, oldest first. */
  public List<RunRecord> history(String name) {
    return List.copyOf(state.history.getOrDefault(name, List.of()));
  }

  /** Chronos's job state: "N running", else "queued", else "idle". */
  public String runState(String name) {
    List<Claim> mine = claimsOf(name);
    long running = mine.stream().filter(Claim::active).count();
    if (running > 0) {
      return running + " running";
    }
    return mine.isEmpty() ? "idle" : "queued";
  }

  /** The job's next scheduled run after now, if it has a schedule and is enabled. */
  public Optional<Instant> nextRun(String name) {
    StoredJob s = state.jobs.get(name);
    if (s == null || s.job().disabled() || s.job().kind() == Job.Kind.DEPENDENT) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return s.job().parsedSchedule(now).nextAfter(now);
  }

  private StoredJob require(String name) {
    StoredJob s = state.jobs.get(name);
    if (s == null) {
      throw new NoSuchJobException(name);
    }
    return s;
  }

  /** For tests and logs: every claim, by key. */
  Collection<Claim> allClaims() {
    return List.copyOf(state.claims.values());
  }
}
