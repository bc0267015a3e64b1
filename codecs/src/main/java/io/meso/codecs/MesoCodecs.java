package io.meso.codecs;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.meso.internal.AgentRegisteredMessage;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.PongAgentMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.RunTaskMessage;
import io.meso.internal.ShutdownFrameworkMessage;
import io.meso.internal.StatusUpdate;
import io.meso.internal.StatusUpdateAcknowledgementMessage;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
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

  private record Entry<T extends Message>(Class<T> type, Parser<T> parser, String name) {}

  private static final List<Entry<?>> TYPES = List.of(
      entry(Call.class, Call.parser(), "mesos.v1.scheduler.Call"),
      entry(Event.class, Event.parser(), "mesos.v1.scheduler.Event"),
      entry(TaskStatus.class, TaskStatus.parser(), "mesos.v1.TaskStatus"),
      entry(RegisterAgentMessage.class, RegisterAgentMessage.parser(), "meso.internal.RegisterAgentMessage"),
      entry(AgentRegisteredMessage.class, AgentRegisteredMessage.parser(), "meso.internal.AgentRegisteredMessage"),
      entry(ReregisterAgentMessage.class, ReregisterAgentMessage.parser(), "meso.internal.ReregisterAgentMessage"),
      entry(AgentReregisteredMessage.class, AgentReregisteredMessage.parser(), "meso.internal.AgentReregisteredMessage"),
      entry(RunTaskMessage.class, RunTaskMessage.parser(), "meso.internal.RunTaskMessage"),
      entry(KillTaskMessage.class, KillTaskMessage.parser(), "meso.internal.KillTaskMessage"),
      entry(ShutdownFrameworkMessage.class, ShutdownFrameworkMessage.parser(), "meso.internal.ShutdownFrameworkMessage"),
      entry(StatusUpdate.class, StatusUpdate.parser(), "meso.internal.StatusUpdate"),
      entry(StatusUpdateAcknowledgementMessage.class, StatusUpdateAcknowledgementMessage.parser(),
          "meso.internal.StatusUpdateAcknowledgementMessage"),
      entry(PingAgentMessage.class, PingAgentMessage.parser(), "meso.internal.PingAgentMessage"),
      entry(PongAgentMessage.class, PongAgentMessage.parser(), "meso.internal.PongAgentMessage"),
      entry(io.meso.proto.GetStateRequest.class, io.meso.proto.GetStateRequest.parser(), "meso.api.GetStateRequest"),
      entry(io.meso.proto.GetStateResponse.class, io.meso.proto.GetStateResponse.parser(), "meso.api.GetStateResponse"),
      entry(io.meso.proto.GetTasksRequest.class, io.meso.proto.GetTasksRequest.parser(), "meso.api.GetTasksRequest"),
      entry(io.meso.proto.GetTasksResponse.class, io.meso.proto.GetTasksResponse.parser(), "meso.api.GetTasksResponse"),
      entry(io.meso.proto.KillTaskRequest.class, io.meso.proto.KillTaskRequest.parser(), "meso.api.KillTaskRequest"),
      entry(io.meso.proto.KillTaskResponse.class, io.meso.proto.KillTaskResponse.parser(), "meso.api.KillTaskResponse"),
      entry(io.meso.proto.ReadFileRequest.class, io.meso.proto.ReadFileRequest.parser(), "meso.api.ReadFileRequest"),
      entry(io.meso.proto.ReadFileResponse.class, io.meso.proto.ReadFileResponse.parser(), "meso.api.ReadFileResponse"),
      entry(io.meso.proto.CallAccepted.class, io.meso.proto.CallAccepted.parser(), "meso.api.CallAccepted"),
      entry(io.meso.proto.ListFilesRequest.class, io.meso.proto.ListFilesRequest.parser(), "meso.api.ListFilesRequest"),
      entry(io.meso.proto.ListFilesResponse.class, io.meso.proto.ListFilesResponse.parser(), "meso.api.ListFilesResponse"),
      entry(io.meso.proto.GetMetricsRequest.class, io.meso.proto.GetMetricsRequest.parser(), "meso.api.GetMetricsRequest"),
      entry(io.meso.proto.GetMetricsResponse.class, io.meso.proto.GetMetricsResponse.parser(), "meso.api.GetMetricsResponse"),
      entry(io.meso.proto.MasterEvent.class, io.meso.proto.MasterEvent.parser(), "meso.api.MasterEvent"),
      entry(io.meso.proto.TeardownRequest.class, io.meso.proto.TeardownRequest.parser(), "meso.api.TeardownRequest"),
      entry(io.meso.proto.TeardownResponse.class, io.meso.proto.TeardownResponse.parser(), "meso.api.TeardownResponse"),
      entry(io.meso.proto.SetWeightsRequest.class, io.meso.proto.SetWeightsRequest.parser(), "meso.api.SetWeightsRequest"),
      entry(io.meso.proto.SetWeightsResponse.class, io.meso.proto.SetWeightsResponse.parser(), "meso.api.SetWeightsResponse"),
      entry(io.meso.proto.GetRolesRequest.class, io.meso.proto.GetRolesRequest.parser(), "meso.api.GetRolesRequest"),
      entry(io.meso.proto.GetRolesResponse.class, io.meso.proto.GetRolesResponse.parser(), "meso.api.GetRolesResponse"),
      entry(io.meso.proto.SetQuotaRequest.class, io.meso.proto.SetQuotaRequest.parser(), "meso.api.SetQuotaRequest"),
      entry(io.meso.proto.SetQuotaResponse.class, io.meso.proto.SetQuotaResponse.parser(), "meso.api.SetQuotaResponse"),
      entry(io.meso.proto.GetQuotaRequest.class, io.meso.proto.GetQuotaRequest.parser(), "meso.api.GetQuotaRequest"),
      entry(io.meso.proto.GetQuotaResponse.class, io.meso.proto.GetQuotaResponse.parser(), "meso.api.GetQuotaResponse"),
      entry(io.meso.proto.GetOfferSkipsRequest.class, io.meso.proto.GetOfferSkipsRequest.parser(),
          "meso.api.GetOfferSkipsRequest"),
      entry(io.meso.proto.GetOfferSkipsResponse.class, io.meso.proto.GetOfferSkipsResponse.parser(),
          "meso.api.GetOfferSkipsResponse"),
      entry(io.meso.proto.DrainAgentRequest.class, io.meso.proto.DrainAgentRequest.parser(), "meso.api.DrainAgentRequest"),
      entry(io.meso.proto.DrainAgentResponse.class, io.meso.proto.DrainAgentResponse.parser(),
          "meso.api.DrainAgentResponse"),
      entry(io.meso.proto.MarkAgentGoneRequest.class, io.meso.proto.MarkAgentGoneRequest.parser(),
          "meso.api.MarkAgentGoneRequest"),
      entry(io.meso.proto.MarkAgentGoneResponse.class, io.meso.proto.MarkAgentGoneResponse.parser(),
          "meso.api.MarkAgentGoneResponse"),
      entry(io.meso.internal.ShutdownAgentMessage.class, io.meso.internal.ShutdownAgentMessage.parser(),
          "meso.internal.ShutdownAgentMessage"));

  private MesoCodecs() {}

  private static <T extends Message> Entry<T> entry(Class<T> type, Parser<T> parser, String name) {
    return new Entry<>(type, parser, name);
  }

  /** Registers every codec on this Vert.x instance's event bus. Idempotent per instance. */
  public static synchronized void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    for (Entry<?> e : TYPES) {
      registerOne(bus, e);
    }
    try {
      bus.registerCodec(new LocalCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier call on this instance
    }
  }

  private static <T extends Message> void registerOne(EventBus bus, Entry<T> e) {
    try {
      bus.registerDefaultCodec(e.type(), new ProtoCodec<>(e.name(), e.parser()));
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier call on this instance
    }
  }
}
