package io.meso.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * An operating-system user a task runs as: its name and the uid and primary gid the host's user
 * database ({@code getent passwd}, so NSS sources such as LDAP count) gives for it. Found users
 * are cached for the agent's life (a user that is added later is found on its first launch; a
 * user removed while cached is caught by setpriv, which then fails the task).
 */
record TaskUser(String name, long uid, long gid) {

  /** What a user name may look like (POSIX portable names, and numeric uids): never an option to getent. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.@-]{0,255}\\$?");
  private static final Map<String, TaskUser> FOUND = new ConcurrentHashMap<>();

  /** Why a user cannot be had: not a valid name, or not known on this host. */
  static final class UnknownUserException extends Exception {
    UnknownUserException(String message) {
      super(message);
    }
  }

  /** Whether {@code name} is a syntactically acceptable user name (checked before any lookup). */
  static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Blocking (a {@code getent} exec, about a millisecond, on a cache miss): the user called
   * {@code name}. {@code field} names where the name came from, for the message.
   */
  static TaskUser lookup(String name, String field) throws UnknownUserException {
    if (!validName(name)) {
      throw new UnknownUserException(field + " '" + name + "' is not a valid user name (letters, digits, '.', '_', "
          + "'-', '@', not starting with '-')");
    }
    TaskUser cached = FOUND.get(name);
    if (cached != null) {
      return cached;
    }
    String line;
    try {
      Process p = new ProcessBuilder("getent", "passwd", name).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new UnknownUserException("cannot look up " + field + " '" + name + "': getent did not answer");
      }
      if (p.exitValue() == 2) {
        throw new UnknownUserException(field + " '" + name + "' does not exist on this agent's host");
      }
      if (p.exitValue() != 0) {
        throw new UnknownUserException("cannot look up " + field + " '" + name + "': getent passwd exited "
            + p.exitValue());
      }
      line = new String(out, StandardCharsets.UTF_8).lines().findFirst().orElse("");
    } catch (IOException e) {
      throw new UnknownUserException("cannot look up " + field + " '" + name + "': " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnknownUserException("cannot look up " + field + " '" + name + "': interrupted");
    }
    TaskUser user = parse(line, name, field);
    FOUND.put(name, user);
    return user;
  }

  /** A {@code passwd} line ({@code name:x:uid:gid:gecos:home:shell}) as a user. */
  static TaskUser parse(String line, String name, String field) throws UnknownUserException {
    String[] parts = line.split(":", -1);
    try {
      if (parts.length >= 4) {
        return new TaskUser(parts[0], Long.parseLong(parts[2]), Long.parseLong(parts[3]));
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new UnknownUserException("cannot look up " + field + " '" + name + "': unexpected passwd entry '" + line
        + "'");
  }
}
