package io.meso.scheduler;

import io.vertx.core.Vertx;

/** The {@link SchedulerClient} contract over gRPC, through the API server's port. */
class GrpcSchedulerClientContractTest extends SchedulerClientContract {

  @Override
  SchedulerClient newClient(Vertx vertx, int apiPort) {
    return new GrpcSchedulerClient(vertx, "127.0.0.1", apiPort);
  }
}
