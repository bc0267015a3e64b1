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
      entry(io.meso.api.GetStateRequest.class, io.meso.api.GetStateRequest.parser(), "meso.api.GetStateRequest"),
      entry(io.meso.api.GetStateResponse.class, io.meso.api.GetStateResponse.parser(), "meso.api.GetStateResponse"),
      entry(io.meso.api.GetTasksRequest.class, io.meso.api.GetTasksRequest.parser(), "meso.api.GetTasksRequest"),
      entry(io.meso.api.GetTasksResponse.class, io.meso.api.GetTasksResponse.parser(), "meso.api.GetTasksResponse"),
      entry(io.meso.api.KillTaskRequest.class, io.meso.api.KillTaskRequest.parser(), "meso.api.KillTaskRequest"),
      entry(io.meso.api.KillTaskResponse.class, io.meso.api.KillTaskResponse.parser(), "meso.api.KillTaskResponse"),
      entry(io.meso.api.ReadFileRequest.class, io.meso.api.ReadFileRequest.parser(), "meso.api.ReadFileRequest"),
      entry(io.meso.api.ReadFileResponse.class, io.meso.api.ReadFileResponse.parser(), "meso.api.ReadFileResponse"),
      entry(io.meso.api.CallAccepted.class, io.meso.api.CallAccepted.parser(), "meso.api.CallAccepted"),
      entry(io.meso.api.ListFilesRequest.class, io.meso.api.ListFilesRequest.parser(), "meso.api.ListFilesRequest"),
      entry(io.meso.api.ListFilesResponse.class, io.meso.api.ListFilesResponse.parser(), "meso.api.ListFilesResponse"),
      entry(io.meso.api.GetMetricsRequest.class, io.meso.api.GetMetricsRequest.parser(), "meso.api.GetMetricsRequest"),
      entry(io.meso.api.GetMetricsResponse.class, io.meso.api.GetMetricsResponse.parser(), "meso.api.GetMetricsResponse"),
      entry(io.meso.api.MasterEvent.class, io.meso.api.MasterEvent.parser(), "meso.api.MasterEvent"),
      entry(io.meso.api.TeardownRequest.class, io.meso.api.TeardownRequest.parser(), "meso.api.TeardownRequest"),
      entry(io.meso.api.TeardownResponse.class, io.meso.api.TeardownResponse.parser(), "meso.api.TeardownResponse"),
      entry(io.meso.api.SetWeightsRequest.class, io.meso.api.SetWeightsRequest.parser(), "meso.api.SetWeightsRequest"),
      entry(io.meso.api.SetWeightsResponse.class, io.meso.api.SetWeightsResponse.parser(), "meso.api.SetWeightsResponse"),
      entry(io.meso.api.GetRolesRequest.class, io.meso.api.GetRolesRequest.parser(), "meso.api.GetRolesRequest"),
      entry(io.meso.api.GetRolesResponse.class, io.meso.api.GetRolesResponse.parser(), "meso.api.GetRolesResponse"),
      entry(io.meso.api.SetQuotaRequest.class, io.meso.api.SetQuotaRequest.parser(), "meso.api.SetQuotaRequest"),
      entry(io.meso.api.SetQuotaResponse.class, io.meso.api.SetQuotaResponse.parser(), "meso.api.SetQuotaResponse"),
      entry(io.meso.api.GetQuotaRequest.class, io.meso.api.GetQuotaRequest.parser(), "meso.api.GetQuotaRequest"),
      entry(io.meso.api.GetQuotaResponse.class, io.meso.api.GetQuotaResponse.parser(), "meso.api.GetQuotaResponse"),
      entry(io.meso.api.GetOfferSkipsRequest.class, io.meso.api.GetOfferSkipsRequest.parser(),
          "meso.api.GetOfferSkipsRequest"),
      entry(io.meso.api.GetOfferSkipsResponse.class, io.meso.api.GetOfferSkipsResponse.parser(),
          "meso.api.GetOfferSkipsResponse"),
      entry(io.meso.api.DrainAgentRequest.class, io.meso.api.DrainAgentRequest.parser(), "meso.api.DrainAgentRequest"),
      entry(io.meso.api.DrainAgentResponse.class, io.meso.api.DrainAgentResponse.parser(),
          "meso.api.DrainAgentResponse"),
      entry(io.meso.api.MarkAgentGoneRequest.class, io.meso.api.MarkAgentGoneRequest.parser(),
          "meso.api.MarkAgentGoneRequest"),
      entry(io.meso.api.MarkAgentGoneResponse.class, io.meso.api.MarkAgentGoneResponse.parser(),
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
