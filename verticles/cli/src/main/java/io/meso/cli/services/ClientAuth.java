package io.meso.cli.services;

import io.meso.scheduler.ClientCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The credentials a client command ({@code meso run}, tasks, kill, app*, job*...) sends to a
 * master that requires them: {@code --principal} with {@code --secret-file} (HTTP Basic), or
 * {@code --token-file} (a bearer JWT). As every flag they also come from {@code MESO_PRINCIPAL},
 * {@code MESO_SECRET_FILE}, {@code MESO_TOKEN_FILE} or the config file; the secret or token
 * itself may be given in {@code MESO_SECRET} / {@code MESO_TOKEN} (never on the command line,
 * where other users' {@code ps} would see it).
 */
public final class ClientAuth {

  @Option(names = "--principal", paramLabel = "NAME",
      description = "Principal to authenticate as, with --secret-file (or MESO_SECRET).")
  String principal;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "File holding the principal's secret (its first line).")
  Path secretFile;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding a bearer token (a JWT) to authenticate with, instead of --principal.")
  Path tokenFile;

  /** The credentials the flags and environment give, or null for none. */
  public ClientCredentials credentials() {
    return credentials(System.getenv());
  }

  ClientCredentials credentials(Map<String, String> env) {
    String token = tokenFile != null ? firstLine("--token-file", tokenFile) : blankToNull(env.get("MESO_TOKEN"));
    if (principal != null && !principal.isBlank()) {
      if (tokenFile != null) {
        throw new IllegalArgumentException("--principal and --token-file exclude each other: the token names its principal");
      }
      String secret = secretFile != null ? firstLine("--secret-file", secretFile) : env.get("MESO_SECRET");
      if (secret == null) {
        throw new IllegalArgumentException("--principal " + principal + " needs its secret: --secret-file FILE "
            + "(or the MESO_SECRET environment variable)");
      }
      return ClientCredentials.basic(principal.strip(), secret);
    }
    if (secretFile != null) {
      throw new IllegalArgumentException("--secret-file needs --principal (or MESO_PRINCIPAL)");
    }
    return token == null ? null : ClientCredentials.bearer(token);
  }

  /** The Authorization header value, or null. */
  public String authorization() {
    ClientCredentials c = credentials();
    return c == null ? null : c.authorization();
  }

  private static String firstLine(String flag, Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      String line = (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
      if (line.isEmpty()) {
        throw new IllegalArgumentException(flag + " " + file + " is empty; expected the secret on its first line");
      }
      return line;
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + " " + file + " cannot be read: " + e.getMessage());
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
