package io.meso.master;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.meso.allocator.Allocation;
import io.meso.allocator.Resources;
import io.meso.allocator.verticle.AllocationBatch;
import io.meso.allocator.verticle.AllocatorCommand;
import io.meso.internal.StatusUpdate;
import io.meso.proto.MasterEvent;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.MasterInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Drives a {@link MasterState} without Vert.x: it is the state's {@link Effects} and records
 * every one of them (events per framework, messages per agent, allocator commands, the registry
 * as written, published changes, timers to fire by hand), so tests read as scenarios and assert
 * what the verticle would have sent.
 */
final class MasterStateHarness implements Effects {

  /** An event the state had delivered to a framework's subscription. */
  record FrameworkEvent(String frameworkId, String eventsAddress, Event event) {}

  /** A message the state had sent to an agent. */
  record AgentMessage(String agentId, Message message) {}

  /** A timer the state started; {@link #fire} runs it. */
  record Timer(long id, long delayMillis, Runnable action) {}

  final MasterState state;
  final List<FrameworkEvent> frameworkEvents = new ArrayList<>();
  final List<AgentMessage> agentMessages = new ArrayList<>();
  final List<AllocatorCommand> allocatorCommands = new ArrayList<>();
  /** The registry as the state wrote it: "section/key" to value (removed entries are absent). */
  final Map<String, byte[]> registry = new LinkedHashMap<>();
  final List<MasterEvent> published = new ArrayList<>();
  final Map<Long, Timer> timers = new LinkedHashMap<>();
  private long nextTimer;

  /** Without an offer timeout, so that only the timers a test is about are pending. */
  MasterStateHarness() {
    this(new MasterOptions().setOfferTimeoutMillis(0));
  }

  MasterStateHarness(MasterOptions options) {
    state = new MasterState(options, "m", this, org.slf4j.LoggerFactory.getLogger(MasterStateHarness.class));
    state.masterInfo = MasterInfo.newBuilder().setId("m").setHostname("master.test").setPort(5050).build();
  }

  // ---- Effects, recorded ---------------------------------------------------------------

  @Override
  public void toFramework(String frameworkId, String eventsAddress, Event event) {
    frameworkEvents.add(new FrameworkEvent(frameworkId, eventsAddress, event));
  }

  @Override
  public void toAgent(String agentId, Message message) {
    agentMessages.add(new AgentMessage(agentId, message));
  }

  @Override
  public void toAllocator(AllocatorCommand command) {
    allocatorCommands.add(command);
  }

  @Override
  public void toRegistry(String section, String key, byte[] value) {
    if (value == null) {
      registry.remove(section + "/" + key);
    } else {
      registry.put(section + "/" + key, value);
    }
  }

  @Override
  public void publish(MasterEvent event) {
    published.add(event);
  }

  @Override
  public long setTimer(long delayMillis, Runnable action) {
    long id = nextTimer++;
    timers.put(id, new Timer(id, delayMillis, action));
    return id;
  }

  @Override
  public void cancelTimer(long timerId) {
    timers.remove(timerId);
  }

  /** Runs every pending timer (those started meanwhile wait for the next call). */
  void fireTimers() {
    for (Timer timer : List.copyOf(timers.values())) {
      timers.remove(timer.id());
      timer.action().run();
    }
  }

  // ---- scenario steps ------------------------------------------------------------------

  AgentRecord agent(String id, String resources) {
    AgentInfo info = AgentInfo.newBuilder().setHostname(id + ".test")
        .addAllResources(Resources.parse(resources).toProto()).build();
    return state.agentLifecycle.register(id, info, Resources.parse(resources));
  }

  /** Subscribes a new framework (role "*"), partition-aware or not; its events go to "events-" + name. */
  FrameworkRecord framework(String name, boolean partitionAware) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setName(name).setUser("");
    if (partitionAware) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }
    return state.subscribe(info.build(), Set.of(), "events-" + name);
  }

  /** The allocator offers {@code resources} of {@code agent} to {@code framework}. */
  OfferRecord offer(FrameworkRecord framework, AgentRecord agent, String resources) {
    state.offer(new AllocationBatch(List.of(new Allocation(framework.id, "*", agent.id, Resources.parse(resources))),
        1_000));
    List<Event> made = events(framework, Event.Type.OFFERS);
    return state.offers.get(made.get(made.size() - 1).getOffers().getOffers(0).getId().getValue());
  }

  /** ACCEPT of {@code offer} launching one task {@code taskId} that uses {@code resources}. */
  void launch(FrameworkRecord framework, OfferRecord offer, String taskId, String resources) {
    TaskInfo task = TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(AgentID.newBuilder().setValue(offer.agentId()))
        .addAllResources(Resources.parse(resources).toProto())
        .setCommand(io.meso.v1.CommandInfo.newBuilder().setValue("true"))
        .build();
    Call.Accept accept = Call.Accept.newBuilder()
        .addOfferIds(OfferID.newBuilder().setValue(offer.id()))
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
        .build();
    state.launches.accept(framework, List.of(offer), offer.agentId(), accept, 5);
  }

  /** The agent reports {@code state} for a task, with a uuid (to be acknowledged); returns the uuid. */
  ByteString statusUpdate(String agentId, FrameworkRecord framework, String taskId, TaskState taskState) {
    UUID uuid = UUID.randomUUID();
    ByteString bytes = ByteString.copyFrom(ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array());
    TaskStatus status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(taskState)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setAgentId(AgentID.newBuilder().setValue(agentId))
        .setUuid(bytes).build();
    state.launches.statusUpdate(StatusUpdate.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setStatus(status).build());
    return bytes;
  }

  void acknowledge(FrameworkRecord framework, String agentId, String taskId, ByteString uuid) {
    state.launches.acknowledge(framework, Call.Acknowledge.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setTaskId(TaskID.newBuilder().setValue(taskId))
        .setUuid(uuid).build());
  }

  // ---- what was recorded ---------------------------------------------------------------

  /** The events framework {@code frameworkId} was sent, of {@code type}. */
  List<Event> events(FrameworkRecord framework, Event.Type type) {
    return frameworkEvents.stream().filter(e -> e.frameworkId().equals(framework.id))
        .map(FrameworkEvent::event).filter(e -> e.getType() == type).toList();
  }

  /** The updates {@code framework} was sent, as "task:STATE" or, with a reason, "task:STATE:REASON". */
  List<String> updates(FrameworkRecord framework) {
    return events(framework, Event.Type.UPDATE).stream().map(e -> e.getUpdate().getStatus())
        .map(s -> s.getTaskId().getValue() + ":" + s.getState() + (s.hasReason() ? ":" + s.getReason() : ""))
        .toList();
  }

  /** The messages sent to {@code agentId}, of {@code type}. */
  <T extends Message> List<T> toAgent(String agentId, Class<T> type) {
    return agentMessages.stream().filter(m -> m.agentId().equals(agentId)).map(AgentMessage::message)
        .filter(type::isInstance).map(type::cast).toList();
  }

  /** The allocator commands of {@code type}. */
  <T extends AllocatorCommand> List<T> commands(Class<T> type) {
    return allocatorCommands.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The published changes' types, in order. */
  List<MasterEvent.Type> publishedTypes() {
    return published.stream().map(MasterEvent::getType).toList();
  }

  /** Forgets what was recorded so far (the state stays). */
  void clear() {
    frameworkEvents.clear();
    agentMessages.clear();
    allocatorCommands.clear();
    published.clear();
  }
}
