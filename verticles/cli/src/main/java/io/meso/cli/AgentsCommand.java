package io.meso.cli;

import io.meso.proto.AgentSummary;
import io.meso.proto.GetStateResponse;
import io.meso.proto.TaskSummary;
import io.meso.codecs.TaskStates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code meso agents}: the agents the master has admitted, one line each: id, hostname, state
 * (active, draining, not ready with why, disconnected), cpus and mem used of total, running tasks
 * and how long ago it registered. From Operator.GetState and Operator.GetTasks.
 */
@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    defaultValueProvider = MesoDefaults.class,
    description = "List the agents the master has admitted, with their state, resources and tasks.")
public final class AgentsCommand implements Callable<Integer> {

  static final String[] HEADER = {"ID", "HOSTNAME", "STATE", "CPUS", "MEM", "TASKS", "AGE"};

  @picocli.CommandLine.Mixin
  OperatorAccess access = new OperatorAccess();

  @Override
  public Integer call() throws InterruptedException {
    return access.call(AgentsCommand.class, (vertx, operator, out, err) -> {
      GetStateResponse state = operator.getState().await(TasksCommand.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<TaskSummary> tasks = operator.getTasks(false).await(TasksCommand.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .getTasksList();
      if (state.getAgentsCount() == 0) {
        out.println("no agents (start one with `meso agent --join HOST:PORT`)");
      } else {
        out.print(table(state.getAgentsList(), tasks, System.currentTimeMillis() / 1000.0));
      }
      out.flush();
      return 0;
    });
  }

  /** One row per agent, by hostname then id. */
  static String table(List<AgentSummary> agents, List<TaskSummary> tasks, double nowSeconds) {
    Map<String, Integer> running = new HashMap<>();
    for (TaskSummary t : tasks) {
      if (!TaskStates.isTerminal(t.getTask().getState())) {
        running.merge(t.getTask().getAgentId().getValue(), 1, Integer::sum);
      }
    }
    List<AgentSummary> sorted = new ArrayList<>(agents);
    sorted.sort(Comparator.comparing((AgentSummary a) -> a.getAgentInfo().getHostname())
        .thenComparing(a -> a.getAgentInfo().getId().getValue()));
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (AgentSummary a : sorted) {
      String id = a.getAgentInfo().getId().getValue();
      rows.add(new String[] {
          id,
          a.getAgentInfo().getHostname() + ":" + a.getAgentInfo().getPort(),
          state(a),
          RunCommand.number(TasksCommand.scalar(a.getUsedList(), "cpus")) + "/"
              + RunCommand.number(TasksCommand.scalar(a.getTotalList(), "cpus")),
          RunCommand.number(TasksCommand.scalar(a.getUsedList(), "mem")) + "/"
              + RunCommand.number(TasksCommand.scalar(a.getTotalList(), "mem")) + "MB",
          String.valueOf(running.getOrDefault(id, 0)),
          TasksCommand.age(a.getRegisteredTime(), nowSeconds)});
    }
    return Columns.format(rows);
  }

  static String state(AgentSummary a) {
    if (!a.getActive()) {
      return "disconnected";
    }
    if (a.hasNotReadyReason() && !a.getNotReadyReason().isEmpty()) {
      return "not ready: " + a.getNotReadyReason();
    }
    return a.getDraining() ? "draining" : "active";
  }
}
