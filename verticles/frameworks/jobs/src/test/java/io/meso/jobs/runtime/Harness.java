package io.meso.jobs.runtime;

import io.meso.jobs.job.Job;
import io.meso.testkit.ManualClock;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import io.meso.v1.scheduler.Call;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drives a {@link JobScheduler} with a {@link ManualClock} and records what it decides: every
 * effect in order, and the registry as its writes left it. {@link #newLeader()} starts another
 * scheduler from that registry, as a leader taking over would (optionally without the last
 * writes, as if the old leader died before making them).
 */
final class Harness implements Effects {

  /** One decided effect, in order. */
  sealed interface Effect {}

  record Store(String section, String key, byte[] value) implements Effect {}

  record Launch(Offer offer, List<TaskInfo> tasks) implements Effect {}

  record Decline(List<OfferID> offers, double refuseSeconds) implements Effect {}

  record Kill(String taskId) implements Effect {}

  record Ack(String taskId, TaskState state) implements Effect {}

  record Reconcile(List<String> taskIds) implements Effect {}

  record OffersWanted(boolean wanted) implements Effect {}

  final ManualClock clock;
  final JobsOptions options;
  final List<Effect> effects = new ArrayList<>();
  /** Section → key → value, as the stores left it. */
  final Map<String, Map<String, byte[]>> registry = new TreeMap<>();
  JobScheduler scheduler;
  private int offerCount;

  Harness(Instant start) {
    this(start, new JobsOptions());
  }

  Harness(Instant start, JobsOptions options) {
    this.clock = new ManualClock(start);
    this.options = options;
    this.scheduler = new JobScheduler(clock, options, this);
    for (String s : Sections.ALL) {
      registry.put(s, new TreeMap<>());
    }
  }

  // ---- Effects

  @Override
  public void store(String section, String key, byte[] value) {
    effects.add(new Store(section, key, value));
    if (value == null) {
      registry.get(section).remove(key);
    } else {
      registry.get(section).put(key, value);
    }
  }

  @Override
  public void launch(Offer offer, List<TaskInfo> tasks) {
    effects.add(new Launch(offer, tasks));
  }

  @Override
  public void decline(List<OfferID> offers, double refuseSeconds) {
    effects.add(new Decline(offers, refuseSeconds));
  }

  @Override
  public void kill(TaskID task, AgentID agent) {
    effects.add(new Kill(task.getValue()));
  }

  @Override
  public void acknowledge(TaskStatus status) {
    effects.add(new Ack(status.getTaskId().getValue(), status.getState()));
  }

  @Override
  public void reconcile(List<Call.Reconcile.Task> tasks) {
    effects.add(new Reconcile(tasks.stream().map(t -> t.getTaskId().getValue()).toList()));
  }

  @Override
  public void offersWanted(boolean wanted) {
    effects.add(new OffersWanted(wanted));
  }

  // ---- driving

  /** A new leader restored from the registry as it is now; effects are cleared. */
  Harness newLeader() {
    scheduler = new JobScheduler(clock, options, this);
    scheduler.restore(copy(Sections.DEFS), copy(Sections.CLAIMS), copy(Sections.RUNS), copy(Sections.EDGES));
    effects.clear();
    scheduler.subscribed();
    return this;
  }

  private Map<String, byte[]> copy(String section) {
    return new LinkedHashMap<>(registry.get(section));
  }

  /** Submits a job given as JSON to the endpoint its kind belongs to, then ticks. */
  Job submit(JsonObject json) {
    Job job = scheduler.parse(json.encode());
    scheduler.submit(job, job.kind() == Job.Kind.DEPENDENT ? JobScheduler.Endpoint.DEPENDENT
        : JobScheduler.Endpoint.SCHEDULED);
    scheduler.tick();
    return job;
  }

  /** A job that runs `true` on a cron schedule. */
  static JsonObject cronJob(String name, String cron) {
    return new JsonObject().put("name", name).put("command", "true").put("cron", cron)
        .put("retries", 0).put("cpus", 0.1).put("mem", 32).put("disk", 10);
  }

  static JsonObject dependentJob(String name, String... parents) {
    return new JsonObject().put("name", name).put("command", "true").put("retries", 0)
        .put("parents", new io.vertx.core.json.JsonArray(List.of(parents)))
        .put("cpus", 0.1).put("mem", 32).put("disk", 10);
  }

  /** Moves the clock to {@code t} and ticks. */
  Instant at(Instant t) {
    clock.set(t);
    scheduler.tick();
    return t;
  }

  /** An offer of one agent with these resources; its id is fresh. */
  Offer offer(String agent, double cpus, double mem, double disk) {
    return Offer.newBuilder()
        .setId(OfferID.newBuilder().setValue("o" + (++offerCount)))
        .setFrameworkId(FrameworkID.newBuilder().setValue("f"))
        .setAgentId(AgentID.newBuilder().setValue(agent))
        .setHostname("host-" + agent)
        .addResources(scalar("cpus", cpus)).addResources(scalar("mem", mem))
        .addResources(scalar("disk", disk))
        .build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  /** Offers plenty of resources on agent a1; returns the tasks launched on it. */
  List<TaskInfo> offerPlenty() {
    int before = effects.size();
    scheduler.offers(List.of(offer("a1", 8, 4096, 4096)));
    return launchedSince(before);
  }

  List<TaskInfo> launchedSince(int index) {
    List<TaskInfo> out = new ArrayList<>();
    for (Effect e : effects.subList(index, effects.size())) {
      if (e instanceof Launch l) {
        out.addAll(l.tasks());
      }
    }
    return out;
  }

  /** Every task launched so far (this leader's effects). */
  List<String> launchedTaskIds() {
    return launchedSince(0).stream().map(t -> t.getTaskId().getValue()).toList();
  }

  /** A status update from the agent (with a uuid-less status; the recorder does not care). */
  void status(String taskId, TaskState state) {
    scheduler.update(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(AgentID.newBuilder().setValue("a1")).setState(state).setMessage(state.name())
        .build());
  }

  /** A reconciliation answer from the master. */
  void reconciled(String taskId, TaskState state) {
    scheduler.update(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))
        .setState(state).setReason(TaskStatus.Reason.REASON_RECONCILIATION).build());
  }

  /** Runs a launched task to the end: running, then {@code end}. */
  void runTo(String taskId, TaskState end) {
    status(taskId, TaskState.TASK_RUNNING);
    status(taskId, end);
  }

  /** The claims in the registry, by key. */
  Map<String, Claim> storedClaims() {
    Map<String, Claim> out = new TreeMap<>();
    registry.get(Sections.CLAIMS).forEach((k, v) -> out.put(k, StateJson.claim(v)));
    return out;
  }

  /** The job as the registry has it. */
  Job storedJob(String name) {
    return StateJson.job(registry.get(Sections.DEFS).get(name), options.getDefaults(), clock.instant()).job();
  }

  List<RunRecord> storedRuns(String name) {
    byte[] v = registry.get(Sections.RUNS).get(name);
    return v == null ? List.of() : StateJson.runs(v);
  }

  <T extends Effect> List<T> all(Class<T> type) {
    return effects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  int indexOf(Effect e) {
    return effects.indexOf(e);
  }
}
