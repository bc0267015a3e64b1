package io.meso.cli;

import io.meso.proto.KillTaskRequest;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.MasterAddress;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

  @Option(names = "--master", paramLabel = "[https://]HOST:PORT[,...]", defaultValue = MasterAddress.DEFAULT,
      description = "The master's API port, or several masters' (any of them serves; the next is tried when one is "
          + "down) (default: ${DEFAULT-VALUE}).")
  String master;

  @picocli.CommandLine.Mixin
  CaCertOption ca = new CaCertOption();

  @picocli.CommandLine.Mixin
  io.meso.cli.services.ClientAuth auth = new io.meso.cli.services.ClientAuth();

  @Override
  public Integer call() {
    java.util.List<SocketAddress> address = RunCommand.masterAddresses(spec, master);
    io.meso.security.tls.ClientTls tls = RunCommand.clientTls(spec, ca, master);
    if (taskId.isBlank()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "TASK_ID must not be empty");
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
    KillTaskRequest.Builder request = KillTaskRequest.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
    if (framework != null && !framework.isBlank()) {
      request.setFrameworkId(FrameworkID.newBuilder().setValue(framework));
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    vertx.exceptionHandler(t -> org.slf4j.LoggerFactory.getLogger(KillCommand.class).debug("unhandled", t));
    GrpcOperatorClient operator = new GrpcOperatorClient(vertx, address, tls)
        .withCredentials(RunCommand.credentials(spec, auth));
    try {
      operator.killTask(request.build()).await(TasksCommand.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      out.println("killing " + taskId);
      out.flush();
      return 0;
    } catch (TimeoutException e) {
      err.println("meso: the master at " + MasterAddress.format(address) + " did not answer within "
          + TasksCommand.ANSWER_TIMEOUT_SECONDS + "s");
      return RunCommand.EXIT_UNREACHABLE;
    } catch (ApiException e) {
      if (e.code() == ApiException.NOT_FOUND) {
        // The master's message names the task and says how to list the known ones.
        err.println("meso: " + e.getMessage());
        return 1;
      }
      return RunCommand.report(err, e, MasterAddress.format(address));
    } catch (RuntimeException e) {
      return RunCommand.report(err, e, MasterAddress.format(address));
    } finally {
      TasksCommand.closeQuietly(vertx);
    }
  }
}
