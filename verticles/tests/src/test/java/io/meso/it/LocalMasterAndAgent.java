package io.meso.it;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The in-JVM cluster most master tests need: one non-clustered Vert.x with a master (allocation
 * every 100 ms) and one agent offering {@code resources}, its work dir a fresh temporary one.
 */
public final class LocalMasterAndAgent {

  private LocalMasterAndAgent() {}

  public static Vertx start(String workDirPrefix, String resources) throws Exception {
    Vertx vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)))
        .await(30, TimeUnit.SECONDS);
    vertx.deployVerticle(new AgentVerticle(new AgentOptions()
        .setWorkDir(Files.createTempDirectory(workDirPrefix).toString())
        .setResources(resources))).await(30, TimeUnit.SECONDS);
    return vertx;
  }
}
