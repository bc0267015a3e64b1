package io.meso.cli;

import io.meso.security.authn.Authenticator;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The authentication flags of {@code meso master}, {@code meso local} and {@code meso agent}: who
 * may call the node's HTTP port (a credentials file, JWT keys) and which Host/Origin names it
 * answers to. A master bound to a non-loopback address with neither credentials nor keys would
 * let anyone who reaches the port run commands on every agent (an agent's, read what runs on its
 * machine), so it refuses to start unless told {@code --insecure}.
 */
final class SecurityFlags {

  @Option(names = "--credentials", paramLabel = "FILE",
      description = "Credentials file: one principal:hash per line, bcrypt ($2b$...; make one with meso hash-password) "
          + "or argon2id ($argon2id$...). Callers then authenticate with HTTP Basic (gRPC metadata authorization).")
  Path credentials;

  @Option(names = "--jwt-key", paramLabel = "FILE", split = ",",
      description = "Key for bearer JWTs, repeatable or comma separated: a file holding an HS256 secret (at least 32 "
          + "bytes), or a PEM public key (RSA for RS256, EC for ES256). The token's sub is the principal.")
  List<Path> jwtKeys = new ArrayList<>();

  @Option(names = "--jwt-issuer", paramLabel = "ISS", description = "Accept only JWTs whose iss is this.")
  String jwtIssuer;

  @Option(names = "--jwt-audience", paramLabel = "AUD", description = "Accept only JWTs whose aud contains this.")
  String jwtAudience;

  @Option(names = "--jwt-clock-skew", paramLabel = "SECONDS", defaultValue = "60",
      description = "Clock skew allowed when checking a JWT's exp and nbf (default: ${DEFAULT-VALUE}).")
  long jwtClockSkew;

  @Option(names = "--allowed-hosts", paramLabel = "NAME", split = ",",
      description = "Host names (or addresses) requests and web pages may address this node's port by, besides --host, "
          + "localhost, 127.0.0.1 and ::1; any other Host is refused (DNS rebinding), as is a foreign Origin.")
  List<String> allowedHosts = new ArrayList<>();

  @Option(names = "--insecure", description = "Start on a non-loopback --host without --credentials or --jwt-key: "
      + "anyone who reaches the port is trusted.")
  boolean insecure;

  /** The authenticator the flags describe, or null when authentication is off. */
  Authenticator authenticator() {
    if (jwtClockSkew < 0 || jwtClockSkew > 86_400) {
      throw new IllegalArgumentException("--jwt-clock-skew is " + jwtClockSkew + "; expected 0 to 86400 seconds");
    }
    return Authenticator.fromFiles(credentials, jwtKeys, jwtIssuer, jwtAudience, Duration.ofSeconds(jwtClockSkew));
  }

  /**
   * Null when a node bound to {@code host} with {@code authenticator} may start; else the
   * refusal to print (exit 2). With --insecure on a non-loopback host it logs a warning instead.
   */
  String refusal(String command, String host, Authenticator authenticator) {
    return refusal(command, host, authenticator, "is trusted to run tasks, kill them and change the cluster",
        "could run commands on every agent");
  }

  /**
   * The same rule for an agent's own port ({@code meso agent}), whose endpoints show what runs on
   * the machine (tasks, their commands, users and resources).
   */
  String agentRefusal(String command, String host, Authenticator authenticator) {
    return refusal(command, host, authenticator, "may read what runs on this machine (/state, /metrics)",
        "could read every task on this machine, its command and user");
  }

  private String refusal(String command, String host, Authenticator authenticator, String trusted, String could) {
    if (authenticator != null || loopback(host)) {
      return null;
    }
    if (insecure) {
      LoggerFactory.getLogger(SecurityFlags.class).warn("{} listens on {} without authentication (--insecure): anyone "
          + "who reaches the port {}", command, host, trusted);
      return null;
    }
    return command + ": --host " + host + " is not a loopback address, and no --credentials or --jwt-key is given: "
        + "anyone who reaches the port " + could + ". Configure --credentials FILE and/or "
        + "--jwt-key FILE, or pass --insecure to run open anyway.";
  }

  static boolean loopback(String host) {
    String h = host.trim();
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      InetAddress[] all = InetAddress.getAllByName(h);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
