package io.meso.codecs;

import io.meso.v1.FrameworkID;
import io.meso.v1.scheduler.Call;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/**
 * The notice every scheduler transport sends the master when it loses a subscriber: a Call on
 * {@link Addresses#SCHEDULER} carrying {@link Addresses#DISCONNECTED_HEADER} = the events
 * address. The master matches it by that address (the framework id may not be known yet).
 */
public final class SubscriberGone {

  private SubscriberGone() {}

  /** Tells the master the subscription at {@code eventsAddress} is gone; {@code frameworkId} may be null. */
  public static void notifyMaster(EventBus bus, FrameworkID frameworkId, String eventsAddress) {
    Call.Builder gone = Call.newBuilder().setType(Call.Type.UNKNOWN);
    if (frameworkId != null) {
      gone.setFrameworkId(frameworkId);
    }
    bus.send(Addresses.SCHEDULER, gone.build(), new DeliveryOptions().addHeader(Addresses.DISCONNECTED_HEADER, eventsAddress));
  }
}
