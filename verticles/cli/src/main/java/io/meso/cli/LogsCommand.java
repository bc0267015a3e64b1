package io.meso.cli;

import io.meso.codecs.TaskStates;
import io.meso.proto.TaskSummary;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.SandboxTail;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meso logs TASK [-f]}: a task's stdout and stderr, read from its sandbox through the
 * master (Operator.ReadFile, which the master proxies to the task's agent): stdout here on
 * stdout, stderr on stderr. With {@code --follow} it keeps reading as the task writes, like
 * {@code tail -f}, and exits once the task has ended and everything it wrote is printed.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    defaultValueProvider = MesoDefaults.class,
    description = "Print a task's stdout and stderr (with -f, follow them until the task ends).")
public final class LogsCommand implements Callable<Integer> {

  /** Exit code when no task has that id. */
  static final int EXIT_NO_SUCH_TASK = 3;
  /** How often a follower asks the master whether the task has ended. */
  static final long STATE_POLL_MILLIS = 1_000;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task (see `meso tasks --all`).")
  String taskId;

  @Option(names = {"-f", "--follow"}, description = "Keep printing what the task writes until it ends.")
  boolean follow;

  @Option(names = "--stdout", description = "Only stdout.")
  boolean stdoutOnly;

  @Option(names = "--stderr", description = "Only stderr.")
  boolean stderrOnly;

  @Option(names = "--framework", paramLabel = "FRAMEWORK_ID",
      description = "The task's framework, needed only when two frameworks use the same task id.")
  String framework;

  @picocli.CommandLine.Mixin
  OperatorAccess access = new OperatorAccess();

  @Override
  public Integer call() throws InterruptedException {
    if (taskId.isBlank()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "TASK_ID must not be empty");
    }
    if (stdoutOnly && stderrOnly) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--stdout and --stderr together are the default (both); give one or neither");
    }
    return access.call(LogsCommand.class, (vertx, operator, out, err) -> {
      Optional<TaskSummary> found = find(operator);
      if (found.isEmpty()) {
        err.println("meso: no task " + taskId + (framework == null ? "" : " of framework " + framework)
            + " (meso tasks --all lists the tasks the master knows)");
        return EXIT_NO_SUCH_TASK;
      }
      FrameworkID frameworkId = found.get().getTask().getFrameworkId();
      TaskID id = found.get().getTask().getTaskId();
      // Output reaches the terminal from this thread, in the order it was read.
      BlockingQueue<Runnable> console = new LinkedBlockingQueue<>();
      List<SandboxTail> tails = new ArrayList<>();
      for (String file : files()) {
        PrintStream sink = file.equals("stdout") ? out : err;
        tails.add(new SandboxTail(vertx, operator::readFile, frameworkId, id, file, SandboxTail.DEFAULT_INTERVAL_MILLIS,
            bytes -> console.add(() -> {
              sink.write(bytes, 0, bytes.length);
              sink.flush();
            })));
      }
      Runnable done = () -> { };
      vertx.runOnContext(v -> {
        if (follow && !TaskStates.isTerminal(found.get().getTask().getState())) {
          tails.forEach(SandboxTail::start);
          untilEnded(vertx, operator, () -> finish(tails).onComplete(x -> console.add(done)));
        } else {
          finish(tails).onComplete(x -> console.add(done));
        }
      });
      for (Runnable next = console.take(); next != done; next = console.take()) {
        next.run();
      }
      return 0;
    });
  }

  private List<String> files() {
    if (stdoutOnly) {
      return List.of("stdout");
    }
    if (stderrOnly) {
      return List.of("stderr");
    }
    return List.of("stdout", "stderr");
  }

  /** The task with this id (and framework, when given), newest first if several frameworks used it. */
  private Optional<TaskSummary> find(GrpcOperatorClient operator) throws TimeoutException {
    List<TaskSummary> tasks = operator.getTasks(true).await(TasksCommand.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .getTasksList();
    return tasks.stream()
        .filter(t -> t.getTask().getTaskId().getValue().equals(taskId))
        .filter(t -> framework == null || framework.isBlank() || t.getTask().getFrameworkId().getValue().equals(framework))
        .max(java.util.Comparator.comparingDouble(TaskSummary::getCreatedAt));
  }

  /** Asks the master every second until the task is in a terminal state (or forgotten), then runs {@code then}. */
  private void untilEnded(Vertx vertx, GrpcOperatorClient operator, Runnable then) {
    operator.getTasks(true).onComplete(ar -> {
      boolean ended = ar.succeeded() && ar.result().getTasksList().stream()
          .filter(t -> t.getTask().getTaskId().getValue().equals(taskId))
          .filter(t -> framework == null || framework.isBlank()
              || t.getTask().getFrameworkId().getValue().equals(framework))
          .allMatch(t -> TaskStates.isTerminal(t.getTask().getState()));
      if (ended) {
        then.run();
      } else {
        // A master that does not answer for a moment (a failover) is asked again.
        vertx.setTimer(STATE_POLL_MILLIS, t -> untilEnded(vertx, operator, then));
      }
    });
  }

  private static Future<Void> finish(List<SandboxTail> tails) {
    List<Future<Void>> drained = new ArrayList<>();
    for (SandboxTail tail : tails) {
      drained.add(tail.finish());
    }
    return Future.join(drained).mapEmpty();
  }
}
