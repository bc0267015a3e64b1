package io.meso.executor;

import io.meso.executor.isolation.Isolators;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ExecutorVerticle}'s tasks that are not its JVM's children: the ones a restarted
 * agent recovered from their checkpoints ({@link RecoverTasks}: adopted when their leader still
 * runs, ended with the status their wrapper recorded when it does not, a docker task whose client
 * is gone waited for at the engine), and the ones whose {@link LaunchServer} died while they ran.
 * Nothing can wait for such a process, so {@link #poll} checks each one's pid and start time every
 * {@link ExecutorOptions#getAdoptedPollMillis()} while any is left. Used on the executor's event
 * loop; the /proc and cgroup work runs on worker threads.
 */
final class TaskAdoption {

  private static final Logger LOG = LoggerFactory.getLogger(TaskAdoption.class);

  /** What the executor's parts an adoption needs: its running tasks and how it ends one. */
  record Parts(String agentId, Map<String, ProcessTask> tasks, WorkerExecutor worker, BlockingJobs blockingJobs,
      Containerizers containerizers, Isolators isolators, ExitWatcher exitWatcher, TaskHealth health,
      long pollMillis, BiConsumer<ProcessTask, AsyncResult<ExitFacts>> exited) {}

  private record Recovery(List<ProcessTask> alive, List<ProcessTask> ended, List<ExitFacts> endings,
      Map<ProcessTask, Process> waits) {}

  private final Vertx vertx;
  private final Context context;
  private final Parts p;
  private boolean polling;

  TaskAdoption(Vertx vertx, Context context, Parts parts) {
    this.vertx = vertx;
    this.context = context;
    this.p = parts;
  }

  /** Adopts the tasks a restarted agent recovered; see {@link RecoverTasks}. */
  void recover(RecoverTasks recover) {
    List<ProcessTask> candidates = new ArrayList<>();
    for (RecoverTasks.Adopt adopt : recover.tasks()) {
      String key = ExecutorVerticle.key(adopt.launch().frameworkId(), adopt.launch().taskId());
      if (p.tasks().containsKey(key)) {
        LOG.warn("ignoring recovery of a task this executor already runs task_id={}", adopt.launch().taskId());
        continue;
      }
      ProcessTask task = new ProcessTask(adopt.launch());
      task.adopted = true;
      task.leader = adopt.pid();
      task.container.leader(adopt.pid());
      task.startTime = adopt.startTime();
      p.containerizers().recovered(task);
      p.tasks().put(key, task);
      candidates.add(task);
    }
    p.worker().executeBlocking(() -> sort(candidates), false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("task recovery failed agent_id={}", p.agentId(), ar.cause());
        for (ProcessTask task : candidates) {
          p.exited().accept(task, Future.succeededFuture(new ExitFacts(null, List.of())));
        }
        return;
      }
      adopt(ar.result());
    });
  }

  /** Blocking: which recovered tasks still run, which ended while the agent was down, and which the engine runs. */
  private Recovery sort(List<ProcessTask> candidates) throws java.io.IOException {
    List<ProcessTask> alive = new ArrayList<>();
    List<ProcessTask> ended = new ArrayList<>();
    List<ExitFacts> endings = new ArrayList<>();
    Set<String> keep = new HashSet<>();
    Set<String> containers = new HashSet<>();
    for (ProcessTask task : candidates) {
      if (task.dockerName != null) {
        containers.add(task.dockerName);
      }
    }
    Set<String> listed = new HashSet<>(p.containerizers().sweepContainers(containers));
    Map<ProcessTask, Process> waits = new HashMap<>();
    for (ProcessTask task : candidates) {
      p.isolators().recover(task.container);
      if (task.cgroup() != null) {
        keep.add(task.cgroup().name());
      }
      if (task.leader > 0 && ProcessTree.alive(task.leader, task.startTime)) {
        alive.add(task);
      } else if (task.dockerName != null && listed.contains(task.dockerName)) {
        // `docker run` is gone but the engine still has the container: wait for it there.
        waits.put(task, p.containerizers().waitFor(task));
      } else {
        ended.add(task);
        endings.add(ExitFacts.ofAdopted(task, p.isolators()));
      }
    }
    p.isolators().sweepExcept(keep);
    return new Recovery(alive, ended, endings, waits);
  }

  private void adopt(Recovery r) {
    LOG.info("recovered tasks agent_id={} running={} ended_while_agent_down={}", p.agentId(), r.alive().size(),
        r.ended().size());
    for (int i = 0; i < r.ended().size(); i++) {
      p.exited().accept(r.ended().get(i), Future.succeededFuture(r.endings().get(i)));
    }
    r.waits().forEach((task, process) -> {
      task.adopted = false;
      task.process = process;
      p.exitWatcher().watch(process, () -> ExitFacts.ofExited(task, p.isolators()), context,
          facts -> p.exited().accept(task, facts));
      p.health().start(task);
    });
    r.alive().forEach(p.health()::start); // afresh: delay and grace period count from the adoption
    if (!r.alive().isEmpty()) {
      poll();
    }
  }

  /**
   * The launch server died while the task ran: its leader lives on, reparented to init (or a
   * subreaper) which reaps it, so it is watched as an adopted task from now on (its pid and
   * start time polled, its status read from {@code exit_status}, which only a checkpointed
   * task's leader writes: an uncheckpointed one ends with its status unknown).
   */
  void orphaned(ProcessTask task, ServedProcess served) {
    if (task.process != served || task.terminal || task.exitStatus != null) {
      return;
    }
    LOG.info("the launch server died: watching the task as adopted task_id={} pid={}", task.taskId(), task.leader);
    task.process = null;
    task.adopted = true;
    poll();
  }

  /**
   * Every {@link ExecutorOptions#getAdoptedPollMillis()}, one blocking step checks each adopted
   * task's pid and start time and reports the ones that ended. Runs while any adopted task is left.
   */
  void poll() {
    if (polling) {
      return;
    }
    polling = true;
    vertx.setTimer(p.pollMillis(), id -> {
      List<ProcessTask> watched = new ArrayList<>();
      for (ProcessTask t : p.tasks().values()) {
        if (t.adopted && t.exitStatus == null) {
          watched.add(t);
        }
      }
      if (watched.isEmpty()) {
        polling = false;
        return;
      }
      p.blockingJobs().run(() -> {
        Map<ProcessTask, ExitFacts> ended = new HashMap<>();
        for (ProcessTask t : watched) {
          if (!ProcessTree.alive(t.leader, t.startTime)) {
            ended.put(t, ExitFacts.ofAdopted(t, p.isolators()));
          }
        }
        return ended;
      }, false).onComplete(ar -> {
        polling = false;
        if (ar.succeeded()) {
          ar.result().forEach((t, facts) -> p.exited().accept(t, Future.succeededFuture(facts)));
        } else {
          LOG.warn("polling adopted tasks failed agent_id={} error={}", p.agentId(), ar.cause().toString());
        }
        poll();
      });
    });
  }
}
