package io.meso.cli;

import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.MasterAddress;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every operator command (`tasks`, `kill`, `logs`, `agents`) shares: which masters to ask
 * (`--master`), how to trust them (`--ca-cert`) and who the caller is (`--principal`,
 * `--secret-file`, `--token-file`), and the one way such a command runs: a small Vert.x, a gRPC
 * operator client, the answer on stdout, and a failure turned into a plain line and an exit code
 * (2 when no master answered).
 */
public final class OperatorAccess {

  /** What a command does with its operator client; returns the exit code. */
  @FunctionalInterface
  public interface Body {
    int run(Vertx vertx, GrpcOperatorClient operator, PrintStream out, PrintStream err)
        throws TimeoutException, InterruptedException;
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--master", paramLabel = "[https://]HOST:PORT[,...]", defaultValue = MasterAddress.DEFAULT,
      description = "The master's API port, or several masters' (any of them serves; the next is tried when one is "
          + "down) (default: ${DEFAULT-VALUE}).")
  String master;

  @Mixin
  CaCertOption ca = new CaCertOption();

  @Mixin
  io.meso.cli.services.ClientAuth auth = new io.meso.cli.services.ClientAuth();

  /** Runs {@code body} against the masters; bad options are refused before anything starts. */
  int call(Class<?> command, Body body) throws InterruptedException {
    List<SocketAddress> address = RunCommand.masterAddresses(spec, master);
    io.meso.security.tls.ClientTls tls = RunCommand.clientTls(spec, ca, master);
    io.meso.scheduler.ClientCredentials credentials = RunCommand.credentials(spec, auth);
    PrintStream out = System.out;
    PrintStream err = System.err;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    vertx.exceptionHandler(t -> org.slf4j.LoggerFactory.getLogger(command).debug("unhandled", t));
    GrpcOperatorClient operator = new GrpcOperatorClient(vertx, address, tls).withCredentials(credentials);
    try {
      return body.run(vertx, operator, out, err);
    } catch (TimeoutException e) {
      err.println("meso: the master at " + MasterAddress.format(address) + " did not answer within "
          + TasksCommand.ANSWER_TIMEOUT_SECONDS + "s");
      return RunCommand.EXIT_UNREACHABLE;
    } catch (RuntimeException e) {
      return RunCommand.report(err, e, MasterAddress.format(address));
    } finally {
      TasksCommand.closeQuietly(vertx);
    }
  }
}
