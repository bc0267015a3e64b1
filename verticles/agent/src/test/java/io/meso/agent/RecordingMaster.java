package io.meso.agent;

import io.meso.codecs.Addresses;
import io.meso.internal.AgentRegisteredMessage;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.PongAgentMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.StatusUpdate;
import io.meso.internal.StatusUpdateAcknowledgementMessage;
import io.meso.v1.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The master side of the agent protocol, reduced to a recording harness: it answers
 * (re-)registrations, records every registration and status update it receives, and lets the
 * test acknowledge updates (or acknowledge all of them automatically) and ping the agent.
 */
final class RecordingMaster {

  final List<Object> registrations = new CopyOnWriteArrayList<>();
  final List<StatusUpdate> updates = new CopyOnWriteArrayList<>();
  /** When each update arrived (System.nanoTime() / 1e6), parallel to {@link #updates}. */
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();
  /** The agent's answers to the ping this master sends as soon as a registration arrives. */
  final List<PongAgentMessage> pongsOnRegistration = new CopyOnWriteArrayList<>();
  volatile boolean autoAck;
  private final Vertx vertx;
  private MessageConsumer<Object> consumer;
  /** Re-registrations by digest (on Addresses.MASTER_DIGEST), each answered as re-registered. */
  final java.util.List<ReregisterAgentMessage> digests = new java.util.concurrent.CopyOnWriteArrayList<>();
  private MessageConsumer<Object> digestConsumer;

  RecordingMaster(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.MASTER, this::onMessage);
    return consumer.completion();
  }

  /** Also takes re-registrations by digest (a master with a copy of the agents' tasks). */
  Future<Void> acceptDigests() {
    digestConsumer = vertx.eventBus().consumer(Addresses.MASTER_DIGEST, msg -> {
      Object body = msg.body() instanceof io.meso.codecs.Undecoded<?> u ? u.decode() : msg.body();
      ReregisterAgentMessage reregister = (ReregisterAgentMessage) body;
      digests.add(reregister);
      msg.reply(AgentReregisteredMessage.newBuilder().setAgentId(reregister.getAgentInfo().getId()).build());
    });
    return digestConsumer.completion();
  }

  Future<Void> stop() {
    return digestConsumer == null ? consumer.unregister()
        : Future.all(consumer.unregister(), digestConsumer.unregister()).mapEmpty();
  }

  private void onMessage(Message<Object> msg) {
    Object body = msg.body();
    if (body instanceof io.meso.codecs.Undecoded<?> undecoded) {
      body = undecoded.decode(); // a re-registration read from the clustered bus
    }
    if (body instanceof RegisterAgentMessage register) {
      registrations.add(register);
      String agentId = register.getAgentInfo().getId().getValue();
      pingOnRegistration(agentId);
      msg.reply(AgentRegisteredMessage.newBuilder().setAgentId(register.getAgentInfo().getId()).build());
    } else if (body instanceof ReregisterAgentMessage reregister) {
      registrations.add(reregister);
      pingOnRegistration(reregister.getAgentInfo().getId().getValue());
      msg.reply(AgentReregisteredMessage.newBuilder().setAgentId(reregister.getAgentInfo().getId()).build());
    } else if (body instanceof StatusUpdate update) {
      arrivals.add(System.nanoTime() / 1_000_000);
      updates.add(update);
      if (autoAck) {
        ack(update);
      }
    }
  }

  /** The agent must already consume its inbox when it registers. */
  private void pingOnRegistration(String agentId) {
    vertx.eventBus().<PongAgentMessage>request(Addresses.agent(agentId), PingAgentMessage.getDefaultInstance())
        .onSuccess(reply -> pongsOnRegistration.add(reply.body()));
  }

  void ack(StatusUpdate update) {
    vertx.eventBus().send(Addresses.agent(update.getAgentId().getValue()),
        StatusUpdateAcknowledgementMessage.newBuilder()
            .setAgentId(update.getAgentId())
            .setFrameworkId(update.getFrameworkId())
            .setTaskId(update.getStatus().getTaskId())
            .setUuid(update.getUuid())
            .build());
  }

  List<StatusUpdate> updatesOf(String taskId) {
    return updates.stream().filter(u -> u.getStatus().getTaskId().getValue().equals(taskId)).toList();
  }

  List<TaskState> distinctStatesOf(String taskId) {
    return updatesOf(taskId).stream().map(u -> u.getStatus().getState()).distinct().toList();
  }

  /** Arrival times in milliseconds of every copy of one update. */
  List<Long> arrivalMillis(com.google.protobuf.ByteString uuid) {
    List<Long> times = new java.util.ArrayList<>();
    for (int i = 0; i < updates.size(); i++) {
      if (updates.get(i).getUuid().equals(uuid)) {
        times.add(arrivals.get(i));
      }
    }
    return times;
  }

  <T> List<T> registrationsOf(Class<T> type) {
    return registrations.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
