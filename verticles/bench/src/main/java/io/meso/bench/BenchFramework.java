package io.meso.bench;

import io.meso.codecs.TaskStates;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.scheduler.SchedulerClient;
import io.meso.v1.CommandInfo;
import io.meso.v1.Filters;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's framework: subscribes on the event bus, packs as many pending tasks as fit
 * into every offer it gets (one ACCEPT per offer, the rest of the offer returned unfiltered),
 * suppresses offers once every task is launched, and acknowledges every update that carries a
 * uuid. It records, per task, when the offer that carried it arrived and when its TASK_RUNNING
 * arrived; {@link #done()} completes once every task reached a terminal state.
 *
 * <p>Task ids are {@code t<index>}; all state is confined to this verticle's event loop
 * (read it with {@link #stats()}).
 */
public final class BenchFramework extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BenchFramework.class);
  private static final String TASK_PREFIX = "t";
  /** An offer with room for no task: filtered until the agent has more free (a task ended). */
  private static final double REFUSE_TOO_SMALL_SECONDS = 5;
  /** Offers still in flight after the last launch: not wanted again. */
  private static final double REFUSE_DONE_SECONDS = 3600;

  private static final byte LAUNCHED = 0;
  private static final byte RUNNING = 1;
  private static final byte ENDED = 2;
  /** Bits of {@link #seen}: which kinds of update a task already got (to count resent ones). */
  private static final byte SEEN_STARTING = 1;
  private static final byte SEEN_RUNNING = 2;
  private static final byte SEEN_TERMINAL = 4;

  private final int tasks;
  private final long cpusMillis;
  private final long memMillis;
  private final List<Resource> taskResources;
  private final CommandInfo command;
  private final Promise<Void> done = Promise.promise();
  private final byte[] stage;
  private final byte[] seen;
  private final long[] offeredAt;
  private final long[] latency;
  private SchedulerClient client;
  private int next;
  private int running;
  private int finished;
  private int failed;
  private int offersReceived;
  private int offersDeclined;
  private int acceptCalls;
  private int ackFailures;
  private int updates;
  private int duplicateUpdates;
  private String firstFailure;
  private long firstOfferAt = -1;
  private long lastRunningAt = -1;
  private long lastEndedAt = -1;
  private boolean suppressed;

  /** A framework that launches {@code options.getTasks()} tasks running {@code command}. */
  public BenchFramework(BenchOptions options, CommandInfo command) {
    this.tasks = options.getTasks();
    this.cpusMillis = options.taskCpusMillis();
    this.memMillis = options.taskMemMillis();
    this.taskResources = List.of(scalar("cpus", cpusMillis / 1000.0), scalar("mem", memMillis / 1000.0));
    this.command = command;
    this.stage = new byte[tasks];
    this.seen = new byte[tasks];
    this.offeredAt = new long[tasks];
    this.latency = new long[tasks];
    Arrays.fill(latency, -1);
  }

  @Override
  public Future<?> start() {
    client = new EventBusSchedulerClient(vertx);
    client.disconnectHandler(err -> done.tryFail("the framework's subscription ended: " + err.getMessage()));
    FrameworkInfo info = FrameworkInfo.newBuilder().setName("meso-bench").setUser("").setFailoverTimeout(0).build();
    return client.subscribe(info, this::onEvent);
  }

  @Override
  public Future<?> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  /** Completes when every task has reached a terminal state; fails if the subscription ends or a call fails. */
  public Future<Void> done() {
    return done.future();
  }

  /** A snapshot of what the framework saw so far, taken on its event loop; null if it was never deployed. */
  public Future<LaunchStats> stats() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<LaunchStats> stats = Promise.promise();
    context.runOnContext(v -> stats.complete(snapshot()));
    return stats.future();
  }

  private void onEvent(Event event) {
    switch (event.getType()) {
      case OFFERS -> onOffers(event.getOffers().getOffersList());
      case UPDATE -> onUpdate(event.getUpdate().getStatus());
      case ERROR -> done.tryFail("the master sent ERROR: " + event.getError().getMessage());
      default -> { }
    }
  }

  private void onOffers(List<Offer> offers) {
    long now = System.nanoTime();
    if (firstOfferAt < 0) {
      firstOfferAt = now;
    }
    for (Offer offer : offers) {
      offersReceived++;
      if (next >= tasks) {
        decline(offer, REFUSE_DONE_SECONDS);
        continue;
      }
      long cpus = 0;
      long mem = 0;
      for (Resource r : offer.getResourcesList()) {
        if (r.getType() == Value.Type.SCALAR && r.getName().equals("cpus")) {
          cpus += Math.round(r.getScalar().getValue() * 1000);
        } else if (r.getType() == Value.Type.SCALAR && r.getName().equals("mem")) {
          mem += Math.round(r.getScalar().getValue() * 1000);
        }
      }
      int fit = (int) Math.min(tasks - next, Math.min(cpus / cpusMillis, mem / memMillis));
      if (fit == 0) {
        decline(offer, REFUSE_TOO_SMALL_SECONDS);
        continue;
      }
      Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
      for (int i = 0; i < fit; i++) {
        int index = next++;
        offeredAt[index] = now;
        String id = TASK_PREFIX + index;
        launch.addTaskInfos(TaskInfo.newBuilder()
            .setName(id)
            .setTaskId(TaskID.newBuilder().setValue(id))
            .setAgentId(offer.getAgentId())
            .addAllResources(taskResources)
            .setCommand(command));
      }
      acceptCalls++;
      Offer.Operation operation = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
          .setLaunch(launch).build();
      // refuse_seconds 0: what the tasks leave of the offer comes back at the next run, unfiltered.
      client.accept(List.of(offer.getId()), List.of(operation), Filters.newBuilder().setRefuseSeconds(0).build())
          .onFailure(err -> done.tryFail("ACCEPT of offer " + offer.getId().getValue() + " failed: " + err.getMessage()));
    }
    if (next >= tasks && !suppressed) {
      suppressed = true;
      client.suppress().onFailure(err -> LOG.warn("SUPPRESS failed error={}", err.getMessage()));
    }
  }

  private void decline(Offer offer, double refuseSeconds) {
    offersDeclined++;
    client.decline(List.of(offer.getId()), refuseSeconds)
        .onFailure(err -> LOG.warn("DECLINE failed offer_id={} error={}", offer.getId().getValue(), err.getMessage()));
  }

  private void onUpdate(TaskStatus status) {
    long now = System.nanoTime();
    client.acknowledge(status).onFailure(err -> ackFailures++);
    int index = index(status.getTaskId().getValue());
    if (index < 0) {
      LOG.warn("update for a task this framework never launched task_id={} state={}", status.getTaskId().getValue(),
          status.getState());
      return;
    }
    TaskState state = status.getState();
    updates++;
    byte kind = state == TaskState.TASK_STARTING ? SEEN_STARTING : state == TaskState.TASK_RUNNING ? SEEN_RUNNING
        : TaskStates.isTerminal(state) ? SEEN_TERMINAL : 0;
    if ((seen[index] & kind) != 0) {
      duplicateUpdates++;
    }
    seen[index] |= kind;
    if (state == TaskState.TASK_RUNNING && stage[index] == LAUNCHED) {
      stage[index] = RUNNING;
      latency[index] = now - offeredAt[index];
      running++;
      lastRunningAt = now;
    } else if (TaskStates.isTerminal(state) && stage[index] != ENDED) {
      stage[index] = ENDED;
      lastEndedAt = now;
      if (state == TaskState.TASK_FINISHED) {
        finished++;
      } else {
        failed++;
        if (firstFailure == null) {
          firstFailure = "task " + status.getTaskId().getValue() + " ended " + state + " (" + status.getReason()
              + "): " + status.getMessage();
        }
      }
      if (finished + failed == tasks) {
        done.tryComplete();
      }
    }
  }

  private int index(String taskId) {
    if (!taskId.startsWith(TASK_PREFIX)) {
      return -1;
    }
    try {
      int index = Integer.parseInt(taskId.substring(TASK_PREFIX.length()));
      return index >= 0 && index < tasks ? index : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private LaunchStats snapshot() {
    long[] measured = Arrays.stream(latency).filter(l -> l >= 0).sorted().toArray();
    return new LaunchStats(tasks, next, running, finished, failed, firstFailure, offersReceived, offersDeclined,
        acceptCalls, ackFailures, updates, duplicateUpdates, firstOfferAt, lastRunningAt, lastEndedAt, measured);
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
