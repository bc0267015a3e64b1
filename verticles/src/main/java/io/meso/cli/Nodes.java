package io.meso.cli;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.api.server.ApiServerOptions;
import io.meso.api.server.ApiServerVerticle;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Deploys the verticles of a node on a Vert.x instance: a master with its HTTP/gRPC server,
 * or an agent. Used by the CLI, tests and benchmarks alike.
 */
public final class Nodes {

  private Nodes() {}

  /** A deployed master: its verticle and the port its HTTP/gRPC server listens on. */
  public record Master(MasterVerticle verticle, ApiServerVerticle api, int port) {}

  /** Deploys a master and its API server; the server's port is advertised in MasterInfo. */
  public static Future<Master> deployMaster(Vertx vertx, MasterOptions master, ApiServerOptions api) {
    ApiServerVerticle server = new ApiServerVerticle(api);
    return vertx.deployVerticle(server).compose(id -> {
      int port = server.actualPort();
      MasterVerticle verticle = new MasterVerticle(master.setHostname(api.getHost()).setPort(port));
      return vertx.deployVerticle(verticle).map(x -> new Master(verticle, server, port));
    });
  }

  /** Deploys an agent; the future completes once the agent is deployed (registration goes on in the background). */
  public static Future<AgentVerticle> deployAgent(Vertx vertx, AgentOptions options) {
    AgentVerticle agent = new AgentVerticle(options);
    return vertx.deployVerticle(agent).map(id -> agent);
  }
}
