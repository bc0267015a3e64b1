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

  @Option(names = "--master", paramLabel = "[https://]HOST:PORT[,...]", defaultValue = MasterAddress.DEFAULT,
      description = "A master's HTTP port, or several masters' (any of them serves /v2; the next is tried when one is "
          + "down) (default: ${DEFAULT-VALUE}).")
  String master;

  @picocli.CommandLine.Mixin
  io.meso.cli.CaCertOption ca = new io.meso.cli.CaCertOption();

  @picocli.CommandLine.Mixin
  ClientAuth auth = new ClientAuth();

  public ServicesHttp client() {
    List<SocketAddress> masters;
    io.meso.security.tls.ClientTls tls;
    try {
      masters = MasterAddress.parseList(master);
      tls = ca.tls(master);
    } catch (io.meso.security.tls.TlsConfigException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--master: " + e.getMessage());
    }
    String authorization;
    try {
      authorization = auth.authorization();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return new ServicesHttp(masters, Duration.ofSeconds(35), tls).authorization(authorization);
  }
}
