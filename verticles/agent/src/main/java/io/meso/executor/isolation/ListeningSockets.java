package io.meso.executor.isolation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which TCP ports some processes listen on, from /proc: the listening sockets of the network
 * namespace ({@code net/tcp} and {@code net/tcp6}, state 0A, with their inode) matched against
 * the socket inodes the processes hold open ({@code fd/*} links "socket:[inode]"). That is how
 * Mesos's network/ports isolator attributes sockets to containers, without sock_diag. Blocking.
 */
final class ListeningSockets {

  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  /** The listening TCP sockets (inode -> port) of the network namespace of process {@code netOf}. */
  static Map<Long, Integer> table(long netOf) {
    Map<Long, Integer> listening = new HashMap<>();
    Path net = Path.of("/proc", Long.toString(netOf), "net");
    read(net.resolve("tcp"), listening);
    read(net.resolve("tcp6"), listening);
    return listening;
  }

  /** The TCP ports the given processes listen on, from a {@link #table} of listening sockets. */
  static Set<Integer> ports(Collection<Long> pids, Map<Long, Integer> listening) {
    Set<Integer> ports = new TreeSet<>();
    if (listening.isEmpty()) {
      return ports;
    }
    for (long pid : pids) {
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
        for (Path fd : fds) {
          String target;
          try {
            target = Files.readSymbolicLink(fd).toString();
          } catch (IOException e) {
            continue; // closed meanwhile
          }
          if (target.startsWith("socket:[")) {
            Integer port = listening.get(Long.parseLong(target.substring(8, target.length() - 1)));
            if (port != null) {
              ports.add(port);
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // exited meanwhile
      }
    }
    return ports;
  }

  /** Adds the listening sockets of one /proc/net table: inode -> local port. */
  static void read(Path table, Map<Long, Integer> listening) {
    try {
      for (String line : Files.readAllLines(table)) {
        parse(line, listening);
      }
    } catch (IOException e) {
      // no IPv6, or the process is gone
    }
  }

  /** One line: "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...". */
  static void parse(String line, Map<Long, Integer> listening) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 10 || !f[3].equals(LISTEN)) {
      return;
    }
    int colon = f[1].lastIndexOf(':');
    try {
      listening.put(Long.parseLong(f[9]), Integer.parseInt(f[1].substring(colon + 1), 16));
    } catch (RuntimeException e) {
      // the header line, or a malformed one
    }
  }
}
