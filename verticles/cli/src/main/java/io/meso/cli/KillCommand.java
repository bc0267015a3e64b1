package io.meso.cli;

import io.meso.proto.KillTaskRequest;
import io.meso.scheduler.ApiException;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meso kill TASK_ID}: asks the master to kill a task (Operator.KillTask). */
@Command(
    name = "kill",
    mixinStandardHelpOptions = true,
    defaultValueProvider = MesoDefaults.class,
    description = "Kill a task. The kill is asynchronous: watch it end with `meso tasks --all`.")
public final class KillCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task to kill (see `meso tasks`).")
  String taskId;

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
    KillTaskRequest.Builder request = KillTaskRequest.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
    if (framework != null && !framework.isBlank()) {
      request.setFrameworkId(FrameworkID.newBuilder().setValue(framework));
    }
    return access.call(KillCommand.class, (vertx, operator, out, err) -> {
      try {
        operator.killTask(request.build()).await(TasksCommand.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ApiException e) {
        if (e.code() != ApiException.NOT_FOUND) {
          throw e;
        }
        // The master's message names the task and says how to list the known ones.
        err.println("meso: " + e.getMessage());
        return 1;
      }
      out.println("killing " + taskId);
      out.flush();
      return 0;
    });
  }
}
