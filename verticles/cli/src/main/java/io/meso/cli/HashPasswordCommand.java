package io.meso.cli;

import io.meso.security.authn.Credentials;
import io.meso.security.authn.PasswordHash;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meso hash-password PRINCIPAL}: reads a secret from standard input (its first line) and
 * prints the {@code principal:hash} line (bcrypt) for a master's {@code --credentials} file, so
 * the secret never appears on a command line.
 */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
    description = "Read a secret from stdin and print a principal:bcrypt-hash line for meso master --credentials FILE, "
        + "e.g.  printf %s \"$SECRET\" | meso hash-password ops >> credentials")
public final class HashPasswordCommand implements Callable<Integer> {

  @Parameters(paramLabel = "PRINCIPAL", description = "The principal the line is for.")
  String principal;

  @Option(names = "--cost", defaultValue = "12", description = "bcrypt cost, 4 to 31 (default: ${DEFAULT-VALUE}).")
  int cost;

  @Override
  public Integer call() throws Exception {
    if (!Credentials.PRINCIPAL.matcher(principal).matches()) {
      System.err.println("meso hash-password: principal '" + principal + "' is not allowed; expected 1-128 characters "
          + "of letters, digits and . _ @ + - /");
      return 2;
    }
    if (cost < 4 || cost > 31) {
      System.err.println("meso hash-password: --cost is " + cost + "; expected 4 to 31");
      return 2;
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String secret = in.readLine();
    if (secret == null || secret.isEmpty()) {
      System.err.println("meso hash-password: no secret on standard input; pipe it in, e.g. "
          + "printf %s \"$SECRET\" | meso hash-password " + principal);
      return 2;
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length > 72) {
      System.err.println("meso hash-password: the secret is longer than 72 bytes, which bcrypt cannot hash whole; "
          + "use a shorter one");
      return 2;
    }
    System.out.println(principal + ":" + PasswordHash.bcrypt(secret.toCharArray(), cost));
    System.out.flush();
    return 0;
  }
}
