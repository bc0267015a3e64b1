package io.meso.codecs;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers Meso's event-bus codecs: one {@link ProtoCodec} per protobuf message type that
 * travels on the bus (sent without naming a codec: the body's class picks it), and the
 * {@link LocalCodec} for local-only Java objects (named in {@link #LOCAL}). Call
 * {@link #register(Vertx)} once per Vert.x instance, before any verticle is deployed, on every
 * node of the cluster.
 */
public final class MesoCodecs {

  /** Delivery options for local-only Java object messages. */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(LocalCodec.NAME).setLocalOnly(true);

  /**
   * The message types that travel on the bus with a {@link ProtoCodec}: the three Mesos ones, and
   * every top-level message of Meso's own protos ({@code meso/api.proto}, {@code
   * meso/internal.proto}), found from their descriptors, so a new operator call or agent message
   * needs no entry here. A codec is named by the message's full proto name.
   */
  static final List<Class<? extends Message>> TYPES = types();

  private MesoCodecs() {}

  /** The protobuf message types that travel on the bus (each with its {@link ProtoCodec}, named by its full proto name). */
  public static List<Class<? extends Message>> wireTypes() {
    return TYPES;
  }

  private static List<Class<? extends Message>> types() {
    List<Class<? extends Message>> types = new ArrayList<>(List.of(Call.class, Event.class, TaskStatus.class));
    for (Descriptors.FileDescriptor file : List.of(io.meso.proto.Api.getDescriptor(), io.meso.internal.Internal.getDescriptor())) {
      String javaPackage = file.getOptions().getJavaPackage();
      for (Descriptors.Descriptor message : file.getMessageTypes()) {
        String name = javaPackage + "." + message.getName();
        try {
          types.add(Class.forName(name).asSubclass(Message.class));
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException("no generated class " + name + " for " + message.getFullName(), e);
        }
      }
    }
    return List.copyOf(types);
  }

  /**
   * The types a receiver gets from the wire as {@link Undecoded} bytes ({@link DeferredProtoCodec}):
   * an agent's re-registration, which carries every task of the agent and which a new leader
   * receives from thousands of agents at once.
   */
  public static final java.util.Set<Class<? extends Message>> DEFERRED =
      java.util.Set.of(io.meso.internal.ReregisterAgentMessage.class);

  /** Registers every codec on this Vert.x instance's event bus. Idempotent per instance. */
  public static synchronized void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    for (Class<? extends Message> type : TYPES) {
      registerOne(bus, type);
    }
    try {
      bus.registerCodec(new LocalCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier call on this instance
    }
  }

  private static <T extends Message> void registerOne(EventBus bus, Class<T> type) {
    T prototype = com.google.protobuf.Internal.getDefaultInstance(type);
    @SuppressWarnings("unchecked")
    Parser<T> parser = (Parser<T>) prototype.getParserForType();
    String name = prototype.getDescriptorForType().getFullName();
    try {
      bus.registerDefaultCodec(type, DEFERRED.contains(type) ? new DeferredProtoCodec<>(name, parser)
          : new ProtoCodec<>(name, parser));
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier call on this instance
    }
  }
}
