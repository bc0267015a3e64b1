package io.meso.cli;

import io.meso.proto.GetTasksResponse;
import io.meso.proto.TaskSummary;
import io.meso.codecs.TaskStates;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meso tasks}: the cluster's tasks as a table, from the master's Operator.GetTasks. */
@Command(
    name = "tasks",
    mixinStandardHelpOptions = true,
    defaultValueProvider = MesoDefaults.class,
    description = "List the cluster's active tasks (with --all, also the finished ones the master remembers).")
public final class TasksCommand implements Callable<Integer> {

  static final String[] HEADER = {"ID", "NAME", "STATE", "AGENT", "CPUS", "MEM", "AGE"};
  private static final int MAX_NAME = 40;
  /** The master answers operator calls within 30 s or fails them; wait a little longer. */
  static final long ANSWER_TIMEOUT_SECONDS = 35;

  @picocli.CommandLine.Mixin
  OperatorAccess access = new OperatorAccess();

  @Option(names = {"-a", "--all"}, description = "Include finished tasks.")
  boolean all;

  @Override
  public Integer call() throws InterruptedException {
    return access.call(TasksCommand.class, (vertx, operator, out, err) -> {
      GetTasksResponse response = operator.getTasks(all).await(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<TaskSummary> shown = select(response.getTasksList(), all);
      if (shown.isEmpty()) {
        out.println(all ? "no tasks" : "no active tasks (meso tasks --all shows finished ones)");
      } else {
        out.print(table(shown, System.currentTimeMillis() / 1000.0));
      }
      out.flush();
      return 0;
    });
  }

  static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (TimeoutException | RuntimeException e) {
      // Exiting anyway.
    }
  }

  /** Active tasks only unless {@code all}; oldest first. */
  static List<TaskSummary> select(List<TaskSummary> tasks, boolean all) {
    List<TaskSummary> out = new ArrayList<>();
    for (TaskSummary t : tasks) {
      if (all || !TaskStates.isTerminal(t.getTask().getState())) {
        out.add(t);
      }
    }
    out.sort(Comparator.comparingDouble(TaskSummary::getCreatedAt)
        .thenComparing(t -> t.getTask().getTaskId().getValue()));
    return out;
  }

  /** The table: a header, one row per task, columns left-aligned and two spaces apart. */
  static String table(List<TaskSummary> tasks, double nowSeconds) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (TaskSummary t : tasks) {
      rows.add(new String[] {
          t.getTask().getTaskId().getValue(),
          truncate(t.getTask().getName(), MAX_NAME),
          RunCommand.stateName(t.getTask().getState()),
          t.getHostname().isEmpty() ? "-" : t.getHostname(),
          RunCommand.number(scalar(t.getTask().getResourcesList(), "cpus")),
          RunCommand.number(scalar(t.getTask().getResourcesList(), "mem")) + "MB",
          age(t.getCreatedAt(), nowSeconds)});
    }
    return Columns.format(rows);
  }

  static double scalar(List<Resource> resources, String name) {
    double sum = 0;
    for (Resource r : resources) {
      if (r.getName().equals(name) && r.getType() == Value.Type.SCALAR) {
        sum += r.getScalar().getValue();
      }
    }
    // Resources are fixed-point with 3 decimals; avoid printing 0.30000000000000004.
    return Math.round(sum * 1000) / 1000.0;
  }

  /** "3s", "2m", "1h", "4d" (whole units, rounded down); "-" when the start time is unknown. */
  static String age(double createdAtSeconds, double nowSeconds) {
    if (createdAtSeconds <= 0) {
      return "-";
    }
    long s = Math.max(0, (long) Math.floor(nowSeconds - createdAtSeconds));
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m";
    }
    if (s < 86400) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }

  private static String truncate(String s, int max) {
    String oneLine = s.replace('\n', ' ').replace('\t', ' ');
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 3) + "...";
  }
}
