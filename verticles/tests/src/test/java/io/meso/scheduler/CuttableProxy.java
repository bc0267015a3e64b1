package io.meso.scheduler;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, whose link can be cut: after
 * {@link #cut()} it forwards nothing either way and closes nothing (no FIN, no RST), like a
 * network cable pulled out, and a new connection is accepted and then ignored, like a SYN that
 * some middlebox answers for a host that is gone. Both sides' sockets stay open until
 * {@link #close()}.
 */
final class CuttableProxy {

  private final Vertx vertx;
  private final SocketAddress target;
  private final NetClient client;
  private final List<NetSocket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger closedByProxy = new AtomicInteger();
  private final AtomicInteger closedByClient = new AtomicInteger();
  private volatile boolean cut;
  private NetServer server;

  CuttableProxy(Vertx vertx, SocketAddress target) {
    this.vertx = vertx;
    this.target = target;
    this.client = vertx.createNetClient();
  }

  /** Starts listening on a free port of 127.0.0.1; completes with it. */
  Future<SocketAddress> start() {
    return vertx.createNetServer().connectHandler(this::accepted).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return SocketAddress.inetSocketAddress(s.actualPort(), "127.0.0.1");
    });
  }

  /** Stops forwarding, both ways and on every connection, without closing any. */
  void cut() {
    cut = true;
  }

  /** Sockets the proxy closed because the other side closed while the link was up. */
  int closedByProxy() {
    return closedByProxy.get();
  }

  /** Client connections the client closed itself (counted whether the link is cut or not). */
  int closedByClient() {
    return closedByClient.get();
  }

  Future<Void> close() {
    cut = true;
    for (NetSocket socket : sockets) {
      socket.close();
    }
    return (server == null ? Future.<Void>succeededFuture() : server.close()).compose(v -> client.close());
  }

  private void accepted(NetSocket in) {
    sockets.add(in);
    if (cut) {
      in.handler(buf -> { });
      in.closeHandler(v -> closedByClient.incrementAndGet());
      return;
    }
    in.pause();
    client.connect(target).onComplete(ar -> {
      if (ar.failed()) {
        in.close();
        return;
      }
      NetSocket out = ar.result();
      sockets.add(out);
      pipe(in, out);
      pipe(out, in);
      in.endHandler(v -> closedByClient.incrementAndGet());
      in.resume();
    });
  }

  private void pipe(NetSocket from, NetSocket to) {
    from.handler(buf -> {
      if (!cut) {
        to.write(buf);
      }
    });
    from.closeHandler(v -> {
      if (!cut) {
        closedByProxy.incrementAndGet();
        to.close();
      }
    });
  }
}
