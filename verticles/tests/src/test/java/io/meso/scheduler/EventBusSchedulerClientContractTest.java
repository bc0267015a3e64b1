package io.meso.scheduler;

import io.vertx.core.Vertx;

/** The {@link SchedulerClient} contract on the event bus, straight to the master. */
class EventBusSchedulerClientContractTest extends SchedulerClientContract {

  @Override
  SchedulerClient newClient(Vertx vertx, int apiPort) {
    return new EventBusSchedulerClient(vertx);
  }
}
