package io.meso.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node started with host 127.0.0.1 listens on its Hazelcast member port on 127.0.0.1 only, not
 * on every interface (Hazelcast's default binds 0.0.0.0 whatever interface it is told to use), and
 * so does its event-bus server.
 * Read from the kernel's socket tables, /proc/net/tcp and tcp6.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BindTest {

  @Test
  void hazelcastListensOnTheHostOnly() throws Exception {
    Vertx vertx = MesoCluster.start(ClusterOptions.loopbackForTest()).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    try {
      int port = MesoCluster.memberPort(vertx);
      List<String> listening = listeningAddresses(port);
      assertThat(listening).as("addresses listening on the Hazelcast port %d", port).isNotEmpty()
          .allMatch(a -> a.equals("127.0.0.1"), "127.0.0.1");
      // The event bus's own TCP server (what members send messages to) listens on the host only too.
      int eventBusPort = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager().getNodeInfo().port();
      assertThat(eventBusPort).isNotEqualTo(port).isPositive();
      assertThat(listeningAddresses(eventBusPort)).as("addresses listening on the event-bus port %d", eventBusPort)
          .isNotEmpty().allMatch(a -> a.equals("127.0.0.1"), "127.0.0.1");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** The local addresses of the sockets in state LISTEN on {@code port}, as dotted IPv4 or "ipv6:<hex>". */
  static List<String> listeningAddresses(int port) throws Exception {
    List<String> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (!"0A".equals(f[3]) || Integer.parseInt(local[1], 16) != port) {
          continue;
        }
        out.add(address(local[0]));
      }
    }
    return out;
  }

  /** /proc/net's little-endian hex address: IPv4 (8 digits) or IPv6 (32; a v4-mapped one as IPv4). */
  static String address(String hex) {
    if (hex.length() == 32) {
      if (hex.startsWith("0000000000000000FFFF0000")) {
        return address(hex.substring(24));
      }
      return "ipv6:" + hex;
    }
    long v = Long.parseLong(hex, 16);
    return (v & 0xff) + "." + (v >> 8 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 24 & 0xff);
  }
}
