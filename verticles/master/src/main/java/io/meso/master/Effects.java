package io.meso.master;

import com.google.protobuf.Message;
import io.meso.allocator.verticle.AllocatorCommand;
import io.meso.proto.MasterEvent;
import io.meso.v1.scheduler.Event;

/**
 * What the master's state asks the outside world to do. The state's operations
 * ({@link MasterState}, {@link AgentLifecycle}, {@link Launches}) change the records and say
 * here what must follow (an event for a framework, a message for an agent, a command for the
 * allocator, a registry write, a published change, a timer) without sending anything themselves:
 * the master verticle carries each effect out over the event bus ({@link BusEffects}), a unit test
 * records it. Calls arrive on the master's event loop, in the order the effects must happen.
 */
interface Effects {

  /** Delivers {@code event} to the subscription of framework {@code frameworkId} at {@code eventsAddress}. */
  void toFramework(String frameworkId, String eventsAddress, Event event);

  /** Sends {@code message} (one of the io.meso.internal messages) to agent {@code agentId}. */
  void toAgent(String agentId, Message message);

  /** Tells the allocator what changed. */
  void toAllocator(AllocatorCommand command);

  /**
   * Records {@code value} under {@code section/key} in the HA registry ({@code null}: removes it),
   * fire and forget: a master without a registry, or not leading, writes nothing.
   */
  void toRegistry(String section, String key, byte[] value);

  /** Publishes a change for the operator API's event stream and the web UI. */
  void publish(MasterEvent event);

  /** Runs {@code action} (on the master's event loop) after {@code delayMillis}; returns the timer's id. */
  long setTimer(long delayMillis, Runnable action);

  /** Cancels a timer {@link #setTimer} started (nothing if it already ran). */
  void cancelTimer(long timerId);
}
