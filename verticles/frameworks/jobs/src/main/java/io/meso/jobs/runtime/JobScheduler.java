package io.meso.jobs.runtime;

import io.meso.jobs.graph.Dependencies;
import io.meso.jobs.graph.EdgeState;
import io.meso.jobs.graph.JobGraph;
import io.meso.jobs.job.Job;
import io.meso.jobs.job.JobValidationException;
import io.meso.jobs.schedule.CronSchedule;
import io.meso.jobs.schedule.IsoSchedule;
import io.meso.jobs.schedule.MissedRuns;
import io.meso.jobs.schedule.RunPlan;
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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
import java.util.TreeMap;
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
 * <p>Not thread-safe: the framework verticle calls it on its event loop only.
 */
public final class JobScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);
  /** How Chronos prints lastSuccess and lastError (Joda's DateTime.toString in UTC). */
  static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");
  /** Planning rounds per job per tick (a run-all plan is cut into batches of MissedRuns.MAX_BATCH). */
  private static final int MAX_ROUNDS = 10;

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
  private final Map<String, StoredJob> jobs = new LinkedHashMap<>();
  private final Map<String, Claim> claims = new TreeMap<>();
  private final Map<String, List<RunRecord>> history = new HashMap<>();
  /** Claims whose task may exist but whose state the master has not told this leader yet. */
  private final Set<String> unverified = new HashSet<>();
  /** The DAG; its Job values go stale when a run's end changes a job, so read it with {@link #graph()}. */
  private JobGraph graph = JobGraph.of(List.of());
  private boolean graphStale;
  private Dependencies deps = Dependencies.of(graph, List.of());
  /** What the framework last told the master about offers; null: not told on this subscription. */
  private Boolean offersWanted;

  public JobScheduler(Clock clock, JobsOptions options, Effects effects) {
    this.clock = clock;
    this.options = options;
    this.effects = effects;
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
        jobs.put(name, StateJson.job(value, options.getDefaults(), now))));
    storedClaims.forEach((key, value) -> read("claim", key, () -> {
      claims.put(key, StateJson.claim(value));
      unverified.add(key);
    }));
    runs.forEach((name, value) -> read("history", name, () ->
        history.put(name, new ArrayList<>(StateJson.runs(value)))));
    List<EdgeState> counts = new ArrayList<>();
    edges.forEach((key, value) -> read("edge", key, () -> {
      String[] pc = key.split("/", 2);
      counts.add(new EdgeState(pc[0], pc[1], StateJson.count(value)));
    }));
    graph = JobGraph.of(jobList());
    deps = Dependencies.of(graph, counts);
    LOG.info("restored jobs={} claims={} edges={}", jobs.size(), claims.size(), counts.size());
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
    for (Claim c : claims.values()) {
      if (c.active()) {
        unverified.add(c.key());
      }
    }
    reconcileUnverified();
    effects.reconcile(List.of());
    updateOffersWanted(clock.instant());
  }

  /** Asks the master again about the claims it has not answered for (called periodically). */
  public void reconcileUnverified() {
    List<Call.Reconcile.Task> tasks = new ArrayList<>();
    for (String key : unverified) {
      Claim c = claims.get(key);
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
    return unverified.stream().anyMatch(claims::containsKey);
  }

  /**
   * The launch of these tasks may not have reached the master (the call failed): until the master
   * says otherwise, they may or may not run, so they are reconciled before any relaunch.
   */
  public void launchUncertain(List<String> taskIds) {
    for (String id : taskIds) {
      TaskIds.Parsed p = TaskIds.parse(id);
      Claim c = p == null ? null : claims.get(p.claimKey());
      if (c != null && c.attempt() == p.attempt()) {
        unverified.add(c.key());
      }
    }
    reconcileUnverified();
  }

  // ---------------------------------------------------------------- scheduling

  /**
   * Claims every run that is due now (each job's missed-run policy decides what an outage
   * left), kills runs that overstay maxCompletionTime, and asks for offers if runs wait.
   * Returns when to look again: the earliest next instant, retry or deadline, at most
   * {@link JobsOptions#getMaxSleep()} from now.
   */
  public Instant tick() {
    Instant now = clock.instant();
    for (StoredJob s : List.copyOf(jobs.values())) {
      if (s.job().disabled() || s.job().kind() == Job.Kind.DEPENDENT) {
        continue;
      }
      try {
        if (s.job().kind() == Job.Kind.ISO) {
          planIso(s, now);
        } else {
          planCron(s, now);
        }
      } catch (RuntimeException e) {
        LOG.error("cannot plan job={}: {}", s.name(), e.toString());
      }
    }
    killOverstaying(now);
    updateOffersWanted(now);
    return nextWake(now);
  }

  /**
   * An ISO job: plan from its stored start (its own cursor), claim, then store the schedule
   * rewritten past what was decided (Chronos's skipForward; n drops by the runs launched).
   */
  private void planIso(StoredJob s, Instant now) {
    Job job = s.job();
    IsoSchedule iso = (IsoSchedule) job.parsedSchedule(now);
    for (int round = 0; round < MAX_ROUNDS && !iso.exhausted(); round++) {
      RunPlan plan = MissedRuns.plan(iso, null, now, job.missedRunPolicy(), job.epsilon());
      for (Instant t : plan.launch()) {
        claim(job, t, Claim.Trigger.SCHEDULE, "", now);
      }
      IsoSchedule next = iso.afterRuns(plan.launch().size(), plan.handledUpTo());
      if (next.render().equals(job.schedule())) {
        return;
      }
      job = job.withSchedule(next.render());
      iso = next;
      putJob(new StoredJob(job, null));
      if (!plan.more()) {
        return;
      }
    }
  }

  /** A cron job: plan from its cursor, claim, then store the cursor if it passed a due instant. */
  private void planCron(StoredJob s, Instant now) {
    Job job = s.job();
    CronSchedule cron = (CronSchedule) job.parsedSchedule(now);
    Instant cursor = s.cursor();
    if (cursor == null) {
      putJob(s.withCursor(now));
      return;
    }
    for (int round = 0; round < MAX_ROUNDS; round++) {
      RunPlan plan = MissedRuns.plan(cron, cursor, now, job.missedRunPolicy(), job.epsilon());
      for (Instant t : plan.launch()) {
        claim(job, t, Claim.Trigger.SCHEDULE, "", now);
      }
      Optional<Instant> first = cron.nextAfter(cursor);
      if (first.isEmpty() || first.get().isAfter(plan.handledUpTo())) {
        return; // nothing was due: the cursor need not move (nor be written)
      }
      cursor = plan.handledUpTo();
      putJob(jobs.get(job.name()).withCursor(cursor));
      if (!plan.more()) {
        return;
      }
    }
  }

  /** Claims the run of {@code job} at {@code instant} unless it is claimed or ran already. */
  private Claim claim(Job job, Instant instant, Claim.Trigger trigger, String arguments,
      Instant now) {
    String key = Claim.key(job.name(), instant);
    if (claims.containsKey(key) || ran(job.name(), instant)) {
      return null;
    }
    Claim c = Claim.queued(job.name(), instant, trigger, arguments, now);
    claims.put(key, c);
    effects.store(Sections.CLAIMS, key, StateJson.claim(c));
    if (job.kind() == Job.Kind.DEPENDENT) {
      setDependencies(deps.childStarted(job.name()));
    }
    LOG.info("claimed job={} instant={} trigger={}", job.name(), instant, trigger);
    return c;
  }

  private boolean ran(String job, Instant instant) {
    Instant at = Claim.millis(instant);
    return history.getOrDefault(job, List.of()).stream().anyMatch(r -> r.instant().equals(at));
  }

  private void killOverstaying(Instant now) {
    for (Claim c : List.copyOf(claims.values())) {
      Optional<Instant> deadline = deadline(c);
      if (deadline.isPresent() && !c.overstayed() && !deadline.get().isAfter(now)) {
        Claim k = c.overstaying();
        claims.put(k.key(), k);
        effects.store(Sections.CLAIMS, k.key(), StateJson.claim(k));
        LOG.info("killing task={}: it overstayed maxCompletionTime", c.taskId());
        effects.kill(TaskID.newBuilder().setValue(c.taskId()).build(), agent(c));
      }
    }
  }

  /** When a running attempt overstays its job's maxCompletionTime, if it has one. */
  private Optional<Instant> deadline(Claim c) {
    StoredJob s = jobs.get(c.job());
    if (s == null || s.job().maxCompletionTime() <= 0 || c.state() != Claim.State.RUNNING
        || c.startedAt() == null) {
      return Optional.empty();
    }
    return Optional.of(c.startedAt().plusSeconds(s.job().maxCompletionTime()));
  }

  private Instant nextWake(Instant now) {
    Instant wake = now.plus(options.getMaxSleep());
    for (StoredJob s : jobs.values()) {
      if (!s.job().disabled() && s.job().kind() != Job.Kind.DEPENDENT) {
        try {
          Optional<Instant> next = s.job().parsedSchedule(now).nextAfter(now);
          if (next.isPresent() && next.get().isBefore(wake)) {
            wake = next.get();
          }
        } catch (RuntimeException e) {
          LOG.debug("no next run for job={}: {}", s.name(), e.toString());
        }
      }
    }
    for (Claim c : claims.values()) {
      if (c.state() == Claim.State.QUEUED && c.notBefore().isAfter(now) && c.notBefore().isBefore(wake)) {
        wake = c.notBefore();
      }
      Optional<Instant> deadline = deadline(c);
      if (deadline.isPresent() && deadline.get().isAfter(now) && deadline.get().isBefore(wake)) {
        wake = deadline.get();
      }
    }
    return wake;
  }

  // ---------------------------------------------------------------- offers

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
    claims.values().stream().filter(Claim::active).forEach(c -> active.merge(c.job(), 1, Integer::sum));
    for (Claim c : ready(now)) {
      StoredJob s = jobs.get(c.job());
      if (s == null || s.job().disabled()) {
        skip(c, now, "the job is disabled");
        continue;
      }
      if (!s.job().concurrent() && active.getOrDefault(c.job(), 0) > 0) {
        skip(c, now, "another run of the job was still active and the job is not concurrent");
        continue;
      }
      for (OfferFit f : fits) {
        List<Resource> resources = f.take(s.job());
        if (resources != null) {
          Claim l = c.launched(f.offer().getAgentId().getValue(), now);
          claims.put(l.key(), l);
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
    return claims.values().stream()
        .filter(c -> c.state() == Claim.State.QUEUED && !unverified.contains(c.key())
            && !c.notBefore().isAfter(now))
        .sorted(order)
        .toList();
  }

  private boolean highPriority(Claim c) {
    StoredJob s = jobs.get(c.job());
    return s != null && s.job().highPriority();
  }

  private void updateOffersWanted(Instant now) {
    boolean wanted = !ready(now).isEmpty();
    if (offersWanted == null || offersWanted != wanted) {
      offersWanted = wanted;
      effects.offersWanted(wanted);
    }
  }

  // ---------------------------------------------------------------- task status

  /**
   * A status of one of the framework's tasks (an update or a reconciliation answer): moves its
   * run on, stores what changed, then acknowledges it. A running task of no claim (a deleted
   * job's, or a superseded attempt's) is killed.
   */
  public void update(TaskStatus status) {
    Instant now = clock.instant();
    String taskId = status.getTaskId().getValue();
    TaskIds.Parsed p = TaskIds.parse(taskId);
    Claim c = p == null ? null : claims.get(p.claimKey());
    if (c == null || c.attempt() != p.attempt()) {
      if (!io.meso.codecs.TaskStates.isTerminal(status.getState())) {
        LOG.info("killing task={}: it belongs to no run of a job", taskId);
        effects.kill(status.getTaskId(), status.hasAgentId() ? status.getAgentId() : null);
      }
      effects.acknowledge(status);
      return;
    }
    boolean reconciliation = status.getReason() == TaskStatus.Reason.REASON_RECONCILIATION;
    TaskOutcome outcome = TaskOutcome.of(status.getState(), c.state() == Claim.State.RUNNING);
    if (outcome == TaskOutcome.NOT_LAUNCHED && reconciliation && !unverified.contains(c.key())) {
      // A late answer to an earlier reconciliation: this leader has relaunched the run since.
      effects.acknowledge(status);
      return;
    }
    if (outcome != TaskOutcome.WAIT) {
      unverified.remove(c.key());
    }
    String message = status.getMessage();
    switch (outcome) {
      case ACTIVE -> {
        if (c.state() != Claim.State.RUNNING) {
          Claim r = c.running(status.hasAgentId() ? status.getAgentId().getValue() : "", now);
          claims.put(r.key(), r);
          effects.store(Sections.CLAIMS, r.key(), StateJson.claim(r));
        }
      }
      case WAIT -> { }
      case NOT_LAUNCHED -> {
        if (c.killRequested()) {
          killed(c, now, "killed before it started");
        } else {
          LOG.info("task={} never started ({}): queued again", taskId, status.getState());
          claims.put(c.key(), c.requeued());
        }
      }
      case SUCCESS -> succeeded(c, message, now);
      case FAILURE -> failed(c, message, now);
      case KILLED -> {
        if (c.killRequested()) {
          killed(c, now, message);
        } else {
          failed(c, c.overstayed() ? "killed after overstaying maxCompletionTime ("
              + maxCompletionTime(c) + " s)" : message, now);
        }
      }
    }
    effects.acknowledge(status);
    updateOffersWanted(now);
  }

  private long maxCompletionTime(Claim c) {
    StoredJob s = jobs.get(c.job());
    return s == null ? 0 : s.job().maxCompletionTime();
  }

  private void succeeded(Claim c, String message, Instant now) {
    if (recorded(c)) {
      removeClaim(c);
      return;
    }
    StoredJob s = jobs.get(c.job());
    if (s != null) {
      Job j = s.job();
      boolean exhausted = j.kind() == Job.Kind.ISO && ((IsoSchedule) j.parsedSchedule(now)).exhausted();
      putJob(s.withJob(j.withStats(j.successCount() + 1, j.errorCount(), 0, timestamp(now),
          j.lastError(), j.disabled() || exhausted)));
      parentFinished(c.job(), true, j.softError(), c.instant(), now);
    }
    addHistory(record(c, RunRecord.Outcome.SUCCESS, message, now));
    removeClaim(c);
  }

  /**
   * A failed attempt: retried after the retry delay while attempts are left (retries 0: none),
   * else the run failed: errorCount and errorsSinceLastSuccess grow, the job is disabled after
   * {@link JobsOptions#getDisableAfterFailures()} failures in a row, and with softError the
   * children still count it as a completion. Unlike Chronos, a job whose previous run failed
   * gets its retries too (Chronos skipped them when lastError was after lastSuccess).
   */
  private void failed(Claim c, String message, Instant now) {
    StoredJob s = jobs.get(c.job());
    if (s != null && !c.killRequested() && c.attempt() < s.job().retries()) {
      Claim retry = c.retry(now.plus(options.getRetryDelay()));
      claims.put(retry.key(), retry);
      effects.store(Sections.CLAIMS, retry.key(), StateJson.claim(retry));
      addHistory(record(c, RunRecord.Outcome.FAILURE, message, now));
      LOG.info("task={} failed; attempt {} of job={} at {}", c.taskId(), retry.attempt(), c.job(),
          retry.notBefore());
      return;
    }
    if (recorded(c)) {
      removeClaim(c);
      return;
    }
    if (s != null) {
      Job j = s.job();
      long inARow = j.errorsSinceLastSuccess() + 1;
      boolean disable = options.getDisableAfterFailures() > 0 && inARow >= options.getDisableAfterFailures();
      if (disable && !j.disabled()) {
        LOG.warn("disabling job={} after {} failures in a row", j.name(), inARow);
      }
      putJob(s.withJob(j.withStats(j.successCount(), j.errorCount() + 1, inARow, j.lastSuccess(),
          timestamp(now), j.disabled() || disable)));
      if (j.softError()) {
        parentFinished(c.job(), false, true, c.instant(), now);
      }
    }
    addHistory(record(c, RunRecord.Outcome.FAILURE, message, now));
    removeClaim(c);
  }

  private void killed(Claim c, Instant now, String message) {
    addHistory(record(c, RunRecord.Outcome.KILLED, message, now));
    removeClaim(c);
  }

  private void skip(Claim c, Instant now, String why) {
    LOG.info("dropping run job={} instant={}: {}", c.job(), c.instant(), why);
    addHistory(record(c, RunRecord.Outcome.SKIPPED, why, now));
    removeClaim(c);
  }

  /** True if this attempt's end is already in the history (its update came again). */
  private boolean recorded(Claim c) {
    return history.getOrDefault(c.job(), List.of()).stream()
        .anyMatch(r -> r.taskId().equals(c.taskId()));
  }

  /**
   * A parent completed: the children now due are claimed, at the parent run's instant, so that
   * the same completion seen again (after a failover) claims the same (child, instant).
   */
  private void parentFinished(String parent, boolean succeeded, boolean softError,
      Instant instant, Instant now) {
    Dependencies.Transition t = deps.parentFinished(parent, succeeded, softError);
    setDependencies(t.state());
    for (String child : t.dueChildren()) {
      StoredJob cs = jobs.get(child);
      if (cs != null && !cs.job().disabled()) {
        claim(cs.job(), instant, Claim.Trigger.DEPENDENCY, "", now);
      }
    }
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
    List<Job> others = jobList().stream().filter(j -> !j.name().equals(job.name())).toList();
    JobGraph.checkSubmit(job, others);
    Instant now = clock.instant();
    StoredJob old = jobs.get(job.name());
    StoredJob stored = switch (job.kind()) {
      case ISO -> new StoredJob(job.withSchedule(((IsoSchedule) job.parsedSchedule(now)).render()), null);
      case CRON -> new StoredJob(job, keepsCursor(old, job) ? old.cursor() : now);
      case DEPENDENT -> new StoredJob(job, null);
    };
    putJob(stored);
    rebuildGraph();
    setDependencies(deps.childStarted(job.name()));
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
    for (Job child : graph().childrenAfterDelete(name)) {
      putJob(new StoredJob(child, child.kind() == Job.Kind.CRON ? now : null));
    }
    for (Claim c : claimsOf(name)) {
      if (c.active()) {
        effects.kill(TaskID.newBuilder().setValue(c.taskId()).build(), agent(c));
      }
      removeClaim(c);
    }
    jobs.remove(s.name());
    effects.store(Sections.DEFS, name, null);
    if (history.remove(name) != null) {
      effects.store(Sections.RUNS, name, null);
    }
    rebuildGraph();
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
    while (claims.containsKey(Claim.key(name, at)) || ran(name, at) || scheduledAt(s.job(), at)) {
      at = at.plusMillis(1);
    }
    if (args.length() > TaskIds.MAX_ARGUMENTS) {
      throw new JobValidationException("arguments", args, "at most " + TaskIds.MAX_ARGUMENTS
          + " characters");
    }
    claim(s.job(), at, Claim.Trigger.MANUAL, args, now);
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
    StoredJob s = jobs.get(name);
    if (s == null) {
      return false;
    }
    Instant now = clock.instant();
    Job j = s.job();
    putJob(s.withJob(j.withStats(j.successCount() + 1, j.errorCount(), 0, timestamp(now),
        j.lastError(), j.disabled())));
    setDependencies(deps.childStarted(name));
    parentFinished(name, true, j.softError(), Claim.millis(now), now);
    updateOffersWanted(now);
    return true;
  }

  /** Kills the job's runs (DELETE /task/kill/{name}): queued ones are dropped, launched ones killed. */
  public void kill(String name) {
    require(name);
    Instant now = clock.instant();
    for (Claim c : claimsOf(name)) {
      if (c.state() == Claim.State.QUEUED) {
        killed(c, now, "killed before it was launched");
      } else {
        Claim k = c.killing();
        claims.put(k.key(), k);
        effects.store(Sections.CLAIMS, k.key(), StateJson.claim(k));
        effects.kill(TaskID.newBuilder().setValue(c.taskId()).build(), agent(c));
      }
    }
    updateOffersWanted(now);
  }

  // ---------------------------------------------------------------- views (for the API)

  /** The jobs, in the graph's order (scheduled first, then dependent), as Chronos lists them. */
  public List<Job> jobs() {
    List<Job> out = new ArrayList<>(graph().jobs());
    Set<String> listed = new HashSet<>();
    out.forEach(j -> listed.add(j.name()));
    for (StoredJob s : jobs.values()) {
      if (listed.add(s.name())) {
        out.add(s.job());
      }
    }
    return out;
  }

  public Optional<Job> job(String name) {
    return Optional.ofNullable(jobs.get(name)).map(StoredJob::job);
  }

  /** The dependency graph of the jobs as they are now. */
  public JobGraph graph() {
    if (graphStale) {
      graph = JobGraph.of(jobList());
      graphStale = false;
    }
    return graph;
  }

  /** The job's runs in flight (claimed and not ended), oldest instant first. */
  public List<Claim> claimsOf(String name) {
    return claims.values().stream().filter(c -> c.job().equals(name)).toList();
  }

  /** The job's ended attempts, oldest first. */
  public List<RunRecord> history(String name) {
    return List.copyOf(history.getOrDefault(name, List.of()));
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
    StoredJob s = jobs.get(name);
    if (s == null || s.job().disabled() || s.job().kind() == Job.Kind.DEPENDENT) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return s.job().parsedSchedule(now).nextAfter(now);
  }

  // ---------------------------------------------------------------- state helpers

  private StoredJob require(String name) {
    StoredJob s = jobs.get(name);
    if (s == null) {
      throw new NoSuchJobException(name);
    }
    return s;
  }

  private List<Job> jobList() {
    return jobs.values().stream().map(StoredJob::job).toList();
  }

  private void putJob(StoredJob s) {
    jobs.put(s.name(), s);
    graphStale = true;
    effects.store(Sections.DEFS, s.name(), StateJson.job(s));
  }

  private void removeClaim(Claim c) {
    claims.remove(c.key());
    unverified.remove(c.key());
    effects.store(Sections.CLAIMS, c.key(), null);
  }

  private void addHistory(RunRecord r) {
    List<RunRecord> runs = history.computeIfAbsent(r.job(), k -> new ArrayList<>());
    runs.add(r);
    while (runs.size() > options.getHistoryPerJob()) {
      runs.remove(0);
    }
    effects.store(Sections.RUNS, r.job(), StateJson.runs(runs));
  }

  private static RunRecord record(Claim c, RunRecord.Outcome outcome, String message, Instant now) {
    return new RunRecord(c.taskId(), c.job(), c.instant(), c.attempt(), c.trigger(), c.agentId(),
        c.startedAt(), now, outcome, message);
  }

  private void rebuildGraph() {
    graph = JobGraph.of(jobList());
    graphStale = false;
    setDependencies(Dependencies.of(graph, deps.edges()));
  }

  /** Replaces the edge state, storing each edge whose count changed (0 is stored as no key). */
  private void setDependencies(Dependencies next) {
    Map<String, Long> before = new HashMap<>();
    deps.edges().forEach(e -> before.put(Sections.edgeKey(e.parent(), e.child()), e.completions()));
    Map<String, Long> after = new HashMap<>();
    next.edges().forEach(e -> after.put(Sections.edgeKey(e.parent(), e.child()), e.completions()));
    for (Map.Entry<String, Long> e : after.entrySet()) {
      if (!e.getValue().equals(before.getOrDefault(e.getKey(), 0L))) {
        effects.store(Sections.EDGES, e.getKey(), e.getValue() == 0 ? null : StateJson.count(e.getValue()));
      }
    }
    for (Map.Entry<String, Long> e : before.entrySet()) {
      if (!after.containsKey(e.getKey()) && e.getValue() != 0) {
        effects.store(Sections.EDGES, e.getKey(), null);
      }
    }
    deps = next;
  }

  private static AgentID agent(Claim c) {
    return c.agentId().isEmpty() ? null : AgentID.newBuilder().setValue(c.agentId()).build();
  }

  static String timestamp(Instant t) {
    return TIMESTAMP.format(t.atOffset(ZoneOffset.UTC));
  }

  /** For tests and logs: every claim, by key. */
  Collection<Claim> allClaims() {
    return List.copyOf(claims.values());
  }
}
