package io.meso.master;

import com.google.protobuf.Message;
import io.meso.allocator.verticle.AllocatorCommand;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.proto.MasterEvent;
import io.meso.v1.scheduler.Event;

/**
 * Carries out the {@link MasterState}'s effects on the event bus: events to framework
 * subscriptions, messages to agents ({@link Addresses#agent}), commands to the allocator verticle
 * ({@link Addresses#ALLOCATOR}, local only), changes on {@link Addresses#MASTER_EVENTS}, registry
 * writes through the master's {@link Leadership}, and Vert.x timers on the master's context.
 */
final class BusEffects implements Effects {

  private final MasterVerticle m;

  BusEffects(MasterVerticle master) {
    this.m = master;
  }

  @Override
  public void toFramework(String frameworkId, String eventsAddress, Event event) {
    m.bus.send(eventsAddress, event);
  }

  @Override
  public void toAgent(String agentId, Message message) {
    m.bus.send(Addresses.agent(agentId), message);
  }

  @Override
  public void toAllocator(AllocatorCommand command) {
    m.bus.send(Addresses.ALLOCATOR, command, MesoCodecs.LOCAL);
  }

  @Override
  public void toRegistry(String section, String key, byte[] value) {
    m.writeRegistry(section, key, value);
  }

  @Override
  public void publish(MasterEvent event) {
    m.bus.publish(Addresses.MASTER_EVENTS, event);
  }

  @Override
  public long setTimer(long delayMillis, Runnable action) {
    return m.vertx().setTimer(delayMillis, id -> action.run());
  }

  @Override
  public void cancelTimer(long timerId) {
    m.vertx().cancelTimer(timerId);
  }
}
