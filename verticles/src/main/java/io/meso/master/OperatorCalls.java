package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.api.AgentSummary;
import io.meso.api.FrameworkSummary;
import io.meso.api.GetStateResponse;
import io.meso.api.GetTasksRequest;
import io.meso.api.GetTasksResponse;
import io.meso.api.KillTaskRequest;
import io.meso.api.KillTaskResponse;
import io.meso.api.ReadFileResponse;
import io.meso.api.TaskSummary;
import io.meso.codecs.Addresses;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;

/**
 * Operator calls on {@link Addresses#OPERATOR}: cluster state, task listing, killing a task by
 * id, and reading a file of a task's sandbox (proxied to the agent that holds it).
 */
final class OperatorCalls {

  private static final long MAX_READ = 1 << 20;
  private final MasterVerticle m;

  OperatorCalls(MasterVerticle master) {
    this.m = master;
  }

  void handle(Message<Object> message) {
    String action = message.headers().get(Addresses.ACTION_HEADER);
    try {
      if (action == null) {
        throw CallException.invalid("operator call without the '" + Addresses.ACTION_HEADER
            + "' header; expected GetState, GetTasks, KillTask or ReadFile");
      }
      switch (action) {
        case "GetState" -> message.reply(state());
        case "GetTasks" -> message.reply(tasks(message.body() instanceof GetTasksRequest r ? r
            : GetTasksRequest.getDefaultInstance()));
        case "KillTask" -> message.reply(kill(expect(message, KillTaskRequest.class)));
        case "ReadFile" -> readFile(message, expect(message, io.meso.api.ReadFileRequest.class));
        default -> throw CallException.invalid("operator action '" + action
            + "' is unknown; expected GetState, GetTasks, KillTask or ReadFile");
      }
    } catch (CallException e) {
      MasterVerticle.fail(message, e);
    }
  }

  private static <T> T expect(Message<Object> message, Class<T> type) {
    if (!type.isInstance(message.body())) {
      throw CallException.invalid("operator call body must be " + type.getSimpleName());
    }
    return type.cast(message.body());
  }

  GetStateResponse state() {
    GetStateResponse.Builder state = GetStateResponse.newBuilder().setMasterInfo(m.masterInfo).setStartTime(m.startTime);
    for (AgentRecord agent : m.agents.values()) {
      Resources offered = Resources.EMPTY;
      for (String offerId : agent.offerIds) {
        offered = offered.plus(m.offers.get(offerId).resources());
      }
      state.addAgents(AgentSummary.newBuilder()
          .setAgentInfo(agent.info)
          .addAllTotal(agent.total.toProto())
          .addAllUsed(agent.used().toProto())
          .addAllOffered(offered.toProto())
          .setActive(agent.status == AgentRecord.Status.ACTIVE)
          .setRegisteredTime(agent.registeredAt));
    }
    for (FrameworkRecord framework : m.frameworks.values()) {
      Resources used = Resources.EMPTY;
      int active = 0;
      for (TaskRecord task : framework.tasks.values()) {
        if (!task.terminal()) {
          used = used.plus(task.resources);
          active++;
        }
      }
      Resources offered = Resources.EMPTY;
      for (String offerId : framework.offerIds) {
        offered = offered.plus(m.offers.get(offerId).resources());
      }
      state.addFrameworks(FrameworkSummary.newBuilder()
          .setFrameworkInfo(framework.info)
          .setConnected(framework.connected())
          .setActiveTasks(active)
          .addAllUsed(used.toProto())
          .addAllOffered(offered.toProto()));
    }
    return state.build();
  }

  GetTasksResponse tasks(GetTasksRequest request) {
    GetTasksResponse.Builder response = GetTasksResponse.newBuilder();
    List<FrameworkRecord> all = new ArrayList<>(m.frameworks.values());
    if (request.getIncludeCompleted()) {
      all.addAll(m.completedFrameworks.values());
    }
    for (FrameworkRecord framework : all) {
      for (TaskRecord task : framework.tasks.values()) {
        response.addTasks(summary(framework, task));
      }
      if (request.getIncludeCompleted()) {
        for (TaskRecord task : framework.completed) {
          response.addTasks(summary(framework, task));
        }
      }
    }
    return response.build();
  }

  private TaskSummary summary(FrameworkRecord framework, TaskRecord task) {
    AgentRecord agent = m.agents.get(task.agentId);
    return TaskSummary.newBuilder()
        .setTask(task.toProto())
        .setHostname(agent == null ? "" : agent.hostname())
        .setFrameworkName(framework.info.getName())
        .setCreatedAt(task.createdAt)
        .build();
  }

  private TaskRecord find(io.meso.v1.TaskID taskId, FrameworkID frameworkId, boolean includeCompleted) {
    if (taskId == null || taskId.getValue().isEmpty()) {
      throw CallException.invalid("task_id is missing; name the task");
    }
    String id = taskId.getValue();
    TaskRecord found = null;
    List<FrameworkRecord> all = new ArrayList<>(m.frameworks.values());
    if (includeCompleted) {
      all.addAll(m.completedFrameworks.values());
    }
    for (FrameworkRecord framework : all) {
      if (frameworkId != null && !frameworkId.getValue().isEmpty() && !framework.id.equals(frameworkId.getValue())) {
        continue;
      }
      TaskRecord task = framework.tasks.get(id);
      if (task == null && includeCompleted) {
        for (TaskRecord c : framework.completed) {
          if (c.id().equals(id)) {
            task = c;
          }
        }
      }
      if (task != null) {
        if (found != null && !found.frameworkId.equals(task.frameworkId)) {
          throw CallException.invalid("task id '" + id + "' is used by two frameworks ('" + found.frameworkId
              + "' and '" + task.frameworkId + "'); also give framework_id");
        }
        found = task;
      }
    }
    if (found == null) {
      throw CallException.notFound("task '" + id + "' is unknown; `meso tasks --all` lists the tasks the master knows");
    }
    return found;
  }

  private KillTaskResponse kill(KillTaskRequest request) {
    TaskRecord task = find(request.getTaskId(), request.hasFrameworkId() ? request.getFrameworkId() : null, true);
    if (task.terminal()) {
      throw CallException.invalid("task '" + task.id() + "' already ended (" + task.state + ")");
    }
    SchedulerCalls.killTask(m, task, null);
    return KillTaskResponse.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
        .setAgentId(AgentID.newBuilder().setValue(task.agentId))
        .build();
  }

  private void readFile(Message<Object> message, io.meso.api.ReadFileRequest request) {
    TaskRecord task = find(request.getTaskId(), request.hasFrameworkId() ? request.getFrameworkId() : null, true);
    AgentRecord agent = m.agents.get(task.agentId);
    if (agent == null || agent.status != AgentRecord.Status.ACTIVE) {
      throw new CallException(503, "agent '" + task.agentId + "' holding task '" + task.id() + "' is not reachable");
    }
    if (request.getOffset() < 0) {
      throw CallException.invalid("offset is " + request.getOffset() + "; expected a byte offset >= 0");
    }
    long length = request.hasLength() ? request.getLength() : MAX_READ;
    if (length < 0) {
      throw CallException.invalid("length is " + length + "; expected a byte count >= 0");
    }
    io.meso.internal.ReadFileRequest forward = io.meso.internal.ReadFileRequest.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
        .setTaskId(task.info.getTaskId())
        .setPath(request.getPath())
        .setOffset(request.getOffset())
        .setLength(Math.min(length, MAX_READ))
        .build();
    m.bus.<io.meso.internal.ReadFileResponse>request(Addresses.agent(agent.id), forward,
            new DeliveryOptions().setSendTimeout(10_000))
        .onSuccess(reply -> {
          io.meso.internal.ReadFileResponse r = reply.body();
          message.reply(ReadFileResponse.newBuilder().setData(r.getData()).setOffset(r.getOffset())
              .setSize(r.getSize()).build());
        })
        .onFailure(e -> {
          int code = e instanceof ReplyException re && re.failureCode() > 0 ? re.failureCode() : 503;
          message.fail(code, e.getMessage());
        });
  }
}
