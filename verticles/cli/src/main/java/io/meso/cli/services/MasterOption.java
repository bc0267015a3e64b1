package io.meso.cli.services;

import io.meso.scheduler.MasterAddress;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The --master option every app and deployment command takes, and the client it makes. */
public final class MasterOption {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--master", paramLabel = "HOST:PORT[,HOST:PORT...]", defaultValue = MasterAddress.DEFAULT,
      description = "A master's HTTP port, or several masters' (any of them serves /v2; the next is tried when one is "
          + "down) (default: ${DEFAULT-VALUE}).")
  String master;

  @picocli.CommandLine.Mixin
  ClientAuth auth = new ClientAuth();

  public ServicesHttp client() {
    List<SocketAddress> masters;
    try {
      masters = MasterAddress.parseList(master);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--master: " + e.getMessage());
    }
    String authorization;
    try {
      authorization = auth.authorization();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return new ServicesHttp(masters, Duration.ofSeconds(35)).authorization(authorization);
  }
}
