package io.meso.cli;

import io.meso.scheduler.MasterAddress;
import io.meso.security.tls.ClientTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --ca-cert FILE} (env {@code MESO_CA_CERT}) of every command that talks to a master: the
 * CA whose certificates the client trusts. Given, or with the master written as
 * {@code https://HOST:PORT}, the client speaks TLS and verifies the master's certificate and host
 * name; otherwise cleartext, as before.
 */
public final class CaCertOption {

  @Option(names = "--ca-cert", paramLabel = "FILE", description = "PEM CA that signed the master's TLS certificate: "
      + "talk TLS to the master and verify it (env MESO_CA_CERT). A master given as https://HOST:PORT without it is "
      + "verified against the JVM's default trust store.")
  Path caCert;

  /**
   * How to reach the masters named by {@code masterValue}: null for cleartext.
   *
   * @throws IllegalArgumentException naming the file when the CA file is missing or holds no certificate
   */
  public ClientTls tls(String masterValue) {
    if (caCert != null) {
      return ClientTls.trusting(caCert);
    }
    return MasterAddress.isHttps(masterValue) ? ClientTls.systemTrust() : null;
  }
}
