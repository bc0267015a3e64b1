package io.meso.executor;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.codecs.TaskStates;
import io.meso.executor.isolation.HostSupport;
import io.meso.executor.isolation.IsolatorName;
import io.meso.executor.isolation.Isolators;
import io.meso.executor.isolation.Limitation;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an agent's tasks as real processes. Consumes {@link LaunchTask} and {@link KillTask} on
 * {@code Addresses.executor(agentId)} (local) and reports {@link TaskStatusChanged} to
 * {@code Addresses.executorStatus(agentId)}:
 * TASK_STARTING -> TASK_RUNNING -> TASK_FINISHED (exit 0) | TASK_FAILED (non-zero exit, signal,
 * a limit an isolator enforces: memory, disk, with REASON_CONTAINER_LIMITATION_*, or
 * REASON_CONTAINER_LAUNCH_FAILED when it could not be spawned) | TASK_KILLED (after a kill,
 * preceded by TASK_KILLING when asked). The isolators ({@link Isolators}, chosen by
 * {@link ExecutorOptions#getIsolation()}) prepare each launch, are asked at exit what limits the
 * task ran into, and are checked while it runs by a {@link LimitWatcher}: a task over a hard
 * limit is killed and fails with the limitation's reason; a notice (a port used outside the
 * task's own) is a TASK_RUNNING update with its message. A task with a health check is checked
 * while it runs ({@link HealthChecker}, {@link HealthProbes}): each change of its health is a
 * TASK_RUNNING with {@code healthy} and REASON_TASK_HEALTH_CHECK_STATUS_UPDATED; too many
 * failures in a row kill it (TASK_KILLED with healthy=false, as Mesos's command executor).
 * Tasks a restarted agent recovers ({@link RecoverTasks}), and those the launch server leaves
 * behind when it dies, are not this JVM's children: {@link TaskAdoption} watches them.
 *
 * <p>Threads: bookkeeping on this verticle's event loop; spawning on a dedicated worker pool
 * (so that exits and kills never queue behind a burst of launches); each exit is awaited by an
 * {@link ExitWatcher} thread, which also writes the status to {@code <sandbox>/exit_status}
 * (read by a restarted agent's recovery) and hops back with {@code context.runOnContext};
 * /proc and cgroup IO for kills and usage samples ({@link UsageRequest}, {@link TaskUsageSampler})
 * on Vert.x's worker pool. How processes are spawned: {@link ProcessLauncher}; as which user and
 * with which privileges (none): {@link TaskPrivileges}.
 */
public class ExecutorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorVerticle.class);

  private final String agentId;
  private final ExecutorOptions options;
  private final Map<String, ProcessTask> tasks = new HashMap<>();
  /** Tasks whose spawn was asked for and has not completed: the stop waits for them. */
  private final Map<ProcessTask, Future<ProcessLauncher.Spawned>> launching = new HashMap<>();
  /** Set once {@link #stop} began: a launch still in progress then ends there, not here. */
  private boolean stopping;
  private Isolation isolation;
  private WorkerExecutor worker;
  private BlockingJobs blockingJobs;
  private ProcessLauncher launcher;
  private LeftoverReaper reaper;
  private ExitWatcher exitWatcher;
  private Isolators isolators;
  private LimitWatcher limits;
  private TaskHealth health;
  private TaskUsageSampler usage;
  /** Recovered tasks, and the ones the launch server left: watched by polling. */
  private TaskAdoption adoption;
  /** Docker tasks and GPUs (detected at start). */
  private Containerizers containerizers;
  /** Which user each task runs as, and what it gives up. */
  private TaskPrivileges privileges;
  /** The native launch helper, null when tasks launch with the program pipeline. */
  private LaunchHelper helper;
  /** The long-lived launch server, null without one (then every launch spawns its helper). */
  private LaunchServer server;

  public ExecutorVerticle(String agentId, ExecutorOptions options) {
    this.agentId = agentId;
    this.options = new ExecutorOptions(options);
  }

  /** Whether tasks launch with the native helper meso-launch (else the program pipeline); known once started. */
  public boolean launchesWithHelper() {
    return launcher != null && launcher.helper();
  }

  /** Whether launches go through the launch server now (false without one, or once it died). */
  public boolean launchesWithServer() {
    return launcher != null && launcher.served();
  }

  /** The launch server's pid, or -1 without one. */
  long launchServerPid() {
    return server == null ? -1 : server.pid();
  }

  /** The isolators in effect, as an explicit list (never auto once started). */
  public Isolation isolation() {
    return isolation;
  }

  @Override
  public Future<?> start() {
    worker = vertx.createSharedWorkerExecutor("meso-executor-" + agentId, options.getSpawnPoolSize());
    blockingJobs = new BlockingJobs(vertx, agentId);
    exitWatcher = new ExitWatcher("meso-exit-" + agentId);
    return worker.executeBlocking(this::openIsolators, false)
        .compose(opened -> worker.executeBlocking(() -> {
          containerizers = Containerizers.open(agentId, options);
          privileges = TaskPrivileges.open(agentId, options);
          if (options.isLaunchHelper()) {
            helper = LaunchHelper.open(Path.of(options.getRuntimeDir()), agentId);
            if (helper != null && options.isLaunchServer()) {
              server = LaunchServer.start(helper, agentId);
            }
          } else {
            LOG.info("launch_helper=false: tasks launch with the program pipeline agent_id={}", agentId);
          }
          return opened;
        }, false))
        .compose(opened -> {
          isolators = opened;
          isolation = Isolation.of(opened.names());
          reaper = new LeftoverReaper(vertx, options.getCleanupDelayMillis(), opened::cleanup);
          launcher = new ProcessLauncher(agentId, opened, options.isSessions(), privileges, helper, server);
          usage = new TaskUsageSampler(vertx, opened);
          health = new TaskHealth(vertx, new HealthProbes(vertx, context, worker, exitWatcher, agentId, opened,
              privileges),
              this::report, this::kill, options.getKillGracePeriodMillis());
          adoption = new TaskAdoption(vertx, context, new TaskAdoption.Parts(agentId, tasks, worker, blockingJobs,
              containerizers, opened, exitWatcher, health, options.getAdoptedPollMillis(), this::exited));
          limits = new LimitWatcher(vertx, opened, options.getWatchIntervalMillis(), launcher.sessions(), tasks::values,
              this::limited);
          limits.start();
          MessageConsumer<Object> consumer = vertx.eventBus().localConsumer(Addresses.executor(agentId), this::onMessage);
          LOG.info("executor started agent_id={} isolation={} sessions={}", agentId, isolation, launcher.sessions());
          return consumer.completion();
        })
        .recover(failure -> {
          closeServer();
          exitWatcher.close();
          return worker.close().transform(ar -> Future.failedFuture(failure));
        });
  }

  /** Blocking: what the host supports, what the options ask for, and the isolators set up for it. */
  private Isolators openIsolators() throws IOException {
    Path cgroupBase = Path.of(options.getCgroupBase());
    HostSupport host = HostSupport.probe(cgroupBase);
    Set<IsolatorName> chosen = options.getIsolation().isolators(host);
    Set<IsolatorName> optional = options.getIsolation().isAuto() ? chosen : Set.of();
    LOG.info("isolation agent_id={} asked={} cgroups={} chosen={}", agentId, options.getIsolation(),
        host.cgroups().describe(), chosen);
    return Isolators.open(chosen, optional, host, new Isolators.Settings(cgroupBase, options.getCgroupsRoot(),
        agentId, options.getPidsMax(), options.isCgroupsEnableCfs(), Path.of(options.getRuntimeDir()),
        options.getDiskWatchIntervalMillis(), options.getPortsWatchIntervalMillis()));
  }

  /** {@code vertx.executeBlocking}, counted, so that {@link #stop} waits for what is still running. */
  private <T> Future<T> blocking(java.util.concurrent.Callable<T> job, boolean ordered) {
    return blockingJobs.run(job, ordered);
  }

  @Override
  public Future<?> stop() {
    if (isolators == null) {
      return worker.close(); // never started
    }
    limits.stop();
    stopping = true;
    List<ProcessTask> all = new ArrayList<>(tasks.values());
    for (ProcessTask t : all) {
      t.terminal = true; // nothing more is reported once stopping
      TaskHealth.stop(t);
      if (t.graceTimer >= 0) {
        vertx.cancelTimer(t.graceTimer);
      }
    }
    tasks.clear();
    // A task between its cgroups' creation and its spawn's end would otherwise run on unkilled
    // and leave its cgroups behind: the stop waits for its spawn and then treats it as the others.
    List<Future<ProcessLauncher.Spawned>> inProgress = new ArrayList<>(launching.values());
    if (inProgress.isEmpty()) {
      return stopTasks(all);
    }
    LOG.info("executor stopping: waiting for launches in progress agent_id={} count={}", agentId, inProgress.size());
    // Bounded as the blocking jobs are: a launch that hangs (a stuck launch server) must not hold the stop for ever.
    io.vertx.core.Promise<Void> launched = io.vertx.core.Promise.promise();
    Future.join(inProgress).onComplete(ar -> launched.tryComplete());
    long timer = vertx.setTimer(BlockingJobs.STOP_WAITS_MILLIS, id -> {
      if (launched.tryComplete()) {
        LOG.warn("executor stopping with {} launches still in progress agent_id={}", launching.size(), agentId);
      }
    });
    return launched.future().andThen(ar -> vertx.cancelTimer(timer)).transform(ar -> stopTasks(all));
  }

  /** The rest of {@link #stop}, once no spawn is in progress: kills the tasks (if asked to), then closes. */
  private Future<?> stopTasks(List<ProcessTask> all) {
    List<ProcessTask> running = new ArrayList<>();
    for (ProcessTask t : all) {
      if (t.process != null || t.adopted) {
        running.add(t);
      }
    }
    Future<List<ProcessTask>> killed = Future.succeededFuture(List.of());
    if (options.isKillTasksOnStop() && !running.isEmpty()) {
      LOG.info("executor stopping: killing tasks agent_id={} count={}", agentId, running.size());
      killed = worker.executeBlocking(() -> {
        List<ProcessTask> uncleaned = new ArrayList<>();
        for (ProcessTask t : running) {
          if (t.dockerName != null) {
            containerizers.kill(t);
            containerizers.cleanup(t.launch.frameworkId(), t.taskId(), t.dockerName);
          }
          t.killTree();
          if (!isolators.cleanup(t.container)) {
            uncleaned.add(t); // still in its cgroups (the kernel not done with its exit): the flush retries
          }
          ExitFacts.recordKilledOnStop(t);
        }
        return uncleaned;
      }, false);
    }
    Future<List<ProcessTask>> killedOnStop = killed;
    return blockingJobs.done().transform(ar -> killedOnStop)
        .transform(ar -> {
          if (ar.succeeded()) {
            ar.result().forEach(t -> reaper.addForFlush(t.taskId(), t.leader, t.container));
          }
          return reaper.flush();
        })
        .transform(ar -> worker.executeBlocking(() -> {
          containerizers.close();
          isolators.close();
          return null;
        }, false))
        .transform(ar -> health == null ? Future.succeededFuture() : health.close())
        .transform(ar -> worker.executeBlocking(() -> {
          closeServer(); // the tasks it launched run on (killTasksOnStop=false): init reaps them
          return null;
        }, false))
        .transform(ar -> {
          exitWatcher.close();
          return worker.close();
        });
  }

  private void closeServer() {
    if (server != null) {
      server.close();
    }
  }

  private void onMessage(Message<Object> msg) {
    Object body = msg.body();
    try {
      if (body instanceof LaunchTask launch) {
        launch(launch);
      } else if (body instanceof KillTask kill) {
        kill(kill);
      } else if (body instanceof RecoverTasks recover) {
        adoption.recover(recover);
      } else if (body instanceof UsageRequest) {
        usage.sample(tasks.values()).onComplete(ar -> {
          if (ar.succeeded()) {
            msg.reply(ar.result(), MesoCodecs.LOCAL);
          } else {
            msg.fail(500, "usage sampling failed: " + ar.cause());
          }
        });
      } else {
        LOG.warn("executor ignores unexpected message agent_id={} type={}", agentId,
            body == null ? "null" : body.getClass().getName());
      }
    } catch (RuntimeException e) {
      LOG.error("executor failed to handle message agent_id={} type={}", agentId, body.getClass().getSimpleName(), e);
    }
  }

  private void launch(LaunchTask launch) {
    String key = key(launch.frameworkId(), launch.taskId());
    if (tasks.containsKey(key)) {
      LOG.warn("ignoring second launch of a running task framework_id={} task_id={}", launch.frameworkId(),
          launch.taskId());
      return;
    }
    ProcessTask task = new ProcessTask(launch);
    tasks.put(key, task);
    report(task, TaskState.TASK_STARTING, null, null);
    Containerizers.Prepared prepared;
    try {
      prepared = containerizers.prepare(task, privileges.userName(launch));
    } catch (Containerizers.Refused refused) {
      LOG.info("task refused task_id={} error={}", task.taskId(), refused.getMessage());
      finish(task, refused.state, refused.getMessage(), refused.reason);
      return;
    }
    // A docker image pull may take long: on Vert.x's worker pool, not the spawn pool.
    Future<ProcessLauncher.Spawned> spawn = (prepared.run() == null ? Future.succeededFuture(prepared)
        : blocking(() -> containerizers.beforeSpawn(task, prepared), false))
        .compose(ready -> {
          if (stopping) { // pulled while the executor stopped: nothing was made for it yet
            return Future.failedFuture(new ProcessLauncher.LaunchException("the agent is stopping"));
          }
          return worker.executeBlocking(() -> {
            Containerizers.Prepared p = prepared.run() == null ? containerizers.beforeSpawn(task, ready) : ready;
            return launcher.spawn(launch, task.container, p.command(), p.env(), p.cgroups(), p.run() != null);
          }, false);
        });
    launching.put(task, spawn);
    spawn.onComplete(ar -> {
      launching.remove(task);
      if (stopping) {
        if (ar.succeeded()) { // the stop, waiting for it, kills it (or leaves it running) with the others
          task.process = ar.result().process();
          task.leader = task.process.pid();
          task.startTime = ar.result().startTime();
        }
        return;
      }
      spawned(task, ar);
    });
  }

  private void spawned(ProcessTask task, AsyncResult<ProcessLauncher.Spawned> ar) {
    if (ar.failed()) {
      String message = ar.cause() instanceof ProcessLauncher.LaunchException ? ar.cause().getMessage()
          : "Failed to launch task " + task.taskId() + ": " + (ar.cause() instanceof IOException
              ? ar.cause().getMessage() : ar.cause().toString());
      LOG.info("task launch failed task_id={} error={}", task.taskId(), message);
      finish(task, TaskState.TASK_FAILED, message, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
      return;
    }
    task.process = ar.result().process();
    task.leader = task.process.pid();
    task.startTime = ar.result().startTime();
    LOG.debug("task spawned task_id={} pid={}", task.taskId(), task.leader);
    watch(task);
    if (task.killRequested) {
      task.killedDuringLaunch = true;
      forceKill(task);
    } else {
      report(task, TaskState.TASK_RUNNING, null, null);
      health.start(task);
    }
  }

  /** Watches a task this JVM launched until it exits. */
  private void watch(ProcessTask task) {
    Process process = task.process;
    if (process instanceof ServedProcess served) {
      served.exit().exceptionally(orphaned -> {
        context.runOnContext(v -> adoption.orphaned(task, served));
        return null;
      });
    }
    exitWatcher.watch(process, () -> ExitFacts.ofExited(task, isolators), context, facts -> exited(task, facts));
  }

  private void exited(ProcessTask task, AsyncResult<ExitFacts> ar) {
    ExitFacts facts = ar.succeeded() ? ar.result()
        : new ExitFacts(task.process != null ? task.process.exitValue() : null, List.of());
    task.exitStatus = facts.status() == null ? ExitFacts.UNKNOWN_STATUS : facts.status();
    if (task.terminal) {
      return; // already reported (executor stopping)
    }
    if (task.killRequested) {
      blocking(() -> task.members().isEmpty(), false).onComplete(empty -> {
        if (empty.succeeded() && empty.result()) {
          task.treeGone = true;
        }
        reportKilledWhenDone(task);
      });
      return;
    }
    ExitFacts.Ending ending = facts.ending();
    finish(task, ending.state(), ending.message(), ending.reason());
  }

  /** A limitation the {@link LimitWatcher} found while the task runs. */
  private void limited(ProcessTask task, Limitation limitation) {
    if (task.terminal || task.killRequested || task.exitStatus != null) {
      return;
    }
    switch (limitation.effect()) {
      case FAIL -> {
        LOG.info("killing task over its limit task_id={} reason={} message={}", task.taskId(), limitation.reason(),
            limitation.message());
        task.limitation = limitation;
        task.killRequested = true;
        TaskHealth.stop(task);
        forceKill(task);
      }
      case NOTICE -> {
        LOG.warn("task_id={} framework_id={} {}", task.taskId(), task.launch.frameworkId(), limitation.message());
        report(task, TaskState.TASK_RUNNING, limitation.message(), limitation.reason(),
            task.health == null ? null : task.health.reportedHealth());
      }
      case EXPLAINS_FAILURE -> { } // only at exit
    }
  }

  private void kill(KillTask kill) {
    ProcessTask task = tasks.get(key(kill.frameworkId(), kill.taskId()));
    if (task == null) {
      LOG.info("kill for a task this executor does not run framework_id={} task_id={}", kill.frameworkId(),
          kill.taskId());
      return;
    }
    if (task.killRequested) {
      LOG.debug("kill already in progress task_id={}", kill.taskId());
      return;
    }
    task.killRequested = true;
    TaskHealth.stop(task);
    LOG.info("killing task task_id={} grace_period_ms={}", kill.taskId(), kill.gracePeriodMillis());
    if (kill.reportKilling()) {
      report(task, TaskState.TASK_KILLING, "Kill requested", null);
    }
    if (task.process == null && !task.adopted) {
      return; // still spawning: spawned() kills it at once
    }
    blocking(() -> {
      if (task.dockerName != null) {
        containerizers.stop(task, kill.gracePeriodMillis()); // the engine stops it; `docker run` then exits
      } else {
        ProcessTree.signal(task.members(), false);
      }
      return null;
    }, false);
    task.graceTimer = vertx.setTimer(Math.max(1, kill.gracePeriodMillis()), id -> {
      task.graceTimer = -1;
      forceKill(task);
    });
  }

  private void forceKill(ProcessTask task) {
    blocking(() -> {
      if (task.dockerName != null) {
        containerizers.kill(task);
      }
      return task.killTree();
    }, false).onComplete(ar -> {
      Set<Long> left = ar.succeeded() ? ar.result() : Set.of();
      if (!left.isEmpty()) {
        LOG.warn("processes survived SIGKILL task_id={} pids={}", task.taskId(), left);
      }
      task.treeGone = true;
      reportKilledWhenDone(task);
    });
  }

  /** TASK_KILLED once the main process was reaped and nothing of its tree is left. */
  private void reportKilledWhenDone(ProcessTask task) {
    if (task.terminal || task.exitStatus == null || !task.treeGone) {
      return;
    }
    if (task.graceTimer >= 0) {
      vertx.cancelTimer(task.graceTimer);
      task.graceTimer = -1;
    }
    if (task.limitation != null) {
      finish(task, TaskState.TASK_FAILED, task.limitation.message() + "; " + ExitFacts.describe(task.exitStatus),
          task.limitation.reason());
      return;
    }
    TaskStatus.Reason reason = task.killedDuringLaunch ? TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH : null;
    // Killed for its health: as Mesos's command executor, TASK_KILLED with healthy=false.
    boolean unhealthy = task.killedByHealthCheck != null;
    finish(task, TaskState.TASK_KILLED, (unhealthy ? task.killedByHealthCheck + "; " : "") + ExitFacts.describe(task.exitStatus),
        reason, unhealthy ? false : null);
  }

  private void finish(ProcessTask task, TaskState state, String message, TaskStatus.Reason reason) {
    finish(task, state, message, reason, null);
  }

  private void finish(ProcessTask task, TaskState state, String message, TaskStatus.Reason reason, Boolean healthy) {
    TaskHealth.stop(task);
    report(task, state, message, reason, healthy);
    tasks.remove(key(task.launch.frameworkId(), task.taskId()));
    containerizers.release(task);
    if (task.dockerName != null || !task.gpus.isEmpty() || ProcessLauncher.scalar(task.launch.task(), "gpus") > 0) {
      String frameworkId = task.launch.frameworkId();
      String dockerName = task.dockerName;
      blocking(() -> {
        containerizers.cleanup(frameworkId, task.taskId(), dockerName);
        return null;
      }, false);
    }
    // Without a session or cgroup nothing left behind can be found after the leader is gone.
    if ((task.process != null || task.adopted) && (launcher.sessions() || task.cgroup() != null)) {
      reaper.add(task.taskId(), task.leader, task.container);
    }
  }

  private void report(ProcessTask task, TaskState state, String message, TaskStatus.Reason reason) {
    report(task, state, message, reason, null);
  }

  private void report(ProcessTask task, TaskState state, String message, TaskStatus.Reason reason,
      Boolean healthy) {
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(task.launch.task().getTaskId())
        .setState(state)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR);
    if (message != null) {
      status.setMessage(message);
    }
    if (reason != null) {
      status.setReason(reason);
    }
    if (healthy != null) {
      status.setHealthy(healthy);
    }
    if (TaskStates.isTerminal(state)) {
      task.terminal = true;
    }
    vertx.eventBus().send(Addresses.executorStatus(agentId),
        new TaskStatusChanged(task.launch.frameworkId(), status.build()), MesoCodecs.LOCAL);
  }

  static String key(String frameworkId, String taskId) {
    return frameworkId + '\0' + taskId;
  }
}
