package io.meso.master;

import io.meso.codecs.Addresses;
import io.meso.codecs.DefaultPorts;
import io.meso.codecs.DeferredProtoCodec;
import io.meso.codecs.LocalCodec;
import io.meso.codecs.MesoCodecs;
import io.meso.codecs.ProtoCodec;
import io.meso.codecs.TaskDigests;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.ReplicaAgent;
import io.meso.internal.ReplicaBatch;
import io.meso.internal.ReplicaChange;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Resource;
import io.meso.v1.Task;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standby master rehearses the busiest moment of a failover before it happens: a private,
 * non-clustered Vert.x runs a private master (its own allocator, no registry, nothing shared with
 * the real one) that re-admits {@code agents} made-up agents with their tasks, several times, with
 * every message also passed through the wire codecs; and each round as many agents it has not
 * seen, by their digests, from a copy of their tasks (the way a new leader re-admits agents since
 * standbys keep a copy of the leader's tasks: {@link Replica}, {@link DigestReadmission}).
 *
 * <p>Why: a newly elected leader re-admits every agent at once, and in a JVM that never ran that
 * code it ran interpreted while the JIT compilers competed with it for the CPU. Measured with
 * {@code io.meso.it.FailoverBenchmark} (1,000 agents x 10 tasks), re-admission took 2-3.4 s in a
 * cold standby; see BENCHMARKS.md "Master failover" for the figures with a rehearsed one. The real
 * master is untouched: its state, the cluster and the registry are never involved.
 */
public final class StandbyRehearsal {

  private static final Logger LOG = LoggerFactory.getLogger(StandbyRehearsal.class);

  /** What a rehearsal did: rounds run and how long the first and the last took. */
  public record Result(int agents, int tasksPerAgent, int rounds, long firstRoundMillis, long lastRoundMillis,
      long readmittedFromCopy) {}

  private StandbyRehearsal() {}

  /**
   * Runs up to {@code rounds} rounds (blocking: call it from a thread of its own, never an event
   * loop); stops early, between rounds, once {@code stop} says so (e.g. this master was elected).
   */
  public static Result run(int agents, int tasksPerAgent, int rounds, BooleanSupplier stop) throws Exception {
    if (agents < 1 || tasksPerAgent < 0 || rounds < 1) {
      throw new IllegalArgumentException("rehearsal of " + agents + " agents x " + tasksPerAgent + " tasks, " + rounds
          + " rounds; expected at least 1 agent, 0 tasks and 1 round");
    }
    Vertx vertx = privateVertx();
    try {
      MasterVerticle master = new MasterVerticle(new MasterOptions().setAgentPingIntervalMillis(3_600_000)).rehearsal();
      vertx.deployVerticle(master).await(60, TimeUnit.SECONDS);
      List<ReregisterAgentMessage> messages = messages(agents, tasksPerAgent);
      // Encoded as an agent does, received as a leader gets it from the wire: undecoded bytes.
      DeferredProtoCodec<ReregisterAgentMessage> request = new DeferredProtoCodec<>(
          ReregisterAgentMessage.getDescriptor().getFullName(), ReregisterAgentMessage.parser());
      ProtoCodec<AgentReregisteredMessage> reply = new ProtoCodec<>("rehearsal.reply", AgentReregisteredMessage.parser());
      DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(60_000).setCodecName(LocalCodec.NAME);
      long first = -1;
      long last = -1;
      int done = 0;
      while (done < rounds && !stop.getAsBoolean()) {
        long start = System.nanoTime();
        List<Future<?>> replies = new ArrayList<>(messages.size());
        for (ReregisterAgentMessage message : messages) {
          replies.add(send(vertx, Addresses.MASTER, message, request, reply, delivery));
        }
        Future.all(replies).await(120, TimeUnit.SECONDS);
        // As a new leader re-admits agents since standbys keep a copy of the leader's tasks: agents
        // it has not seen, whose tasks its copy holds, re-registering by digest (fresh ids each round).
        List<ReregisterAgentMessage> byDigest = messages(agents, tasksPerAgent, "rehearsal-" + done + "-");
        master.onContext(() -> master.replica.apply(copyOf(byDigest))).await(60, TimeUnit.SECONDS);
        replies.clear();
        for (ReregisterAgentMessage message : byDigest) {
          replies.add(send(vertx, Addresses.MASTER_DIGEST, digestOnly(message), request, reply, delivery));
        }
        Future.all(replies).await(120, TimeUnit.SECONDS);
        last = (System.nanoTime() - start) / 1_000_000;
        if (first < 0) {
          first = last;
        }
        done++;
        LOG.debug("rehearsal round {} of {}: {} agents re-admitted in {} ms", done, rounds, agents, last);
      }
      long[] fromCopy = new long[1];
      master.onContext(() -> fromCopy[0] = master.state.metrics.agentsReregisteredFromCopy).await(60, TimeUnit.SECONDS);
      return new Result(agents, tasksPerAgent, done, first, last, fromCopy[0]);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** As on the wire: encoded by the agent, decoded by the master (off its event loop), and the reply back. */
  private static Future<Object> send(Vertx vertx, String address, ReregisterAgentMessage message,
      DeferredProtoCodec<ReregisterAgentMessage> request, ProtoCodec<AgentReregisteredMessage> reply,
      DeliveryOptions delivery) {
    Buffer wire = Buffer.buffer();
    request.encodeToWire(wire, message);
    Object received = request.decodeFromWire(0, wire);
    return vertx.eventBus().request(address, received, delivery).map(r -> {
      Buffer back = Buffer.buffer();
      reply.encodeToWire(back, (AgentReregisteredMessage) r.body());
      return reply.decodeFromWire(0, back);
    });
  }

  /** The leader's copy of these agents' tasks, as a standby holds it (one part of a copy of everything). */
  static ReplicaBatch copyOf(List<ReregisterAgentMessage> messages) {
    ReplicaBatch.Builder batch = ReplicaBatch.newBuilder().setMasterId("rehearsal").setFence(0).setSeq(-1);
    for (ReregisterAgentMessage message : messages) {
      batch.addChanges(ReplicaChange.newBuilder().setAgent(ReplicaAgent.newBuilder()
          .setAgentId(message.getAgentInfo().getId().getValue()).addAllTasks(message.getTasksList())));
    }
    return batch.build();
  }

  /** The re-registration an agent sends first after a failover: its tasks' digest instead of them. */
  static ReregisterAgentMessage digestOnly(ReregisterAgentMessage message) {
    TaskDigests.Builder digest = TaskDigests.builder();
    message.getTasksList().forEach(digest::add);
    return message.toBuilder().clearTasks().setDigest(digest.build()).build();
  }

  /** Re-registrations as agents send them after a failover: running tasks with their status history. */
  static List<ReregisterAgentMessage> messages(int agents, int tasksPerAgent) {
    return messages(agents, tasksPerAgent, "rehearsal-");
  }

  /** {@link #messages(int, int)} of agents whose ids and hostnames start with {@code prefix}. */
  static List<ReregisterAgentMessage> messages(int agents, int tasksPerAgent, String prefix) {
    FrameworkInfo framework = FrameworkInfo.newBuilder().setName("rehearsal").setUser("")
        .setId(FrameworkID.newBuilder().setValue("rehearsal-0000")).build();
    List<ReregisterAgentMessage> out = new ArrayList<>(agents);
    for (int a = 0; a < agents; a++) {
      AgentID agentId = AgentID.newBuilder().setValue(prefix + "S" + a).build();
      ReregisterAgentMessage.Builder message = ReregisterAgentMessage.newBuilder()
          .setAgentInfo(AgentInfo.newBuilder().setId(agentId).setHostname(prefix + a).setPort(DefaultPorts.AGENT)
              .addResources(scalar("cpus", tasksPerAgent + 1.0)).addResources(scalar("mem", 4096))
              .addResources(scalar("disk", 10_000)).addResources(Resource.newBuilder().setName("ports")
                  .setType(Value.Type.RANGES).setRanges(Value.Ranges.newBuilder()
                      .addRange(Value.Range.newBuilder().setBegin(31_000).setEnd(32_000)))))
          .addFrameworks(framework);
      for (int t = 0; t < tasksPerAgent; t++) {
        TaskID taskId = TaskID.newBuilder().setValue("task-" + a + "-" + t).build();
        TaskStatus starting = TaskStatus.newBuilder().setTaskId(taskId).setState(TaskState.TASK_STARTING)
            .setAgentId(agentId).setSource(TaskStatus.Source.SOURCE_EXECUTOR).setTimestamp(1).build();
        message.addTasks(Task.newBuilder().setName("task").setTaskId(taskId).setFrameworkId(framework.getId())
            .setAgentId(agentId).setState(TaskState.TASK_RUNNING).addResources(scalar("cpus", 1))
            .addResources(scalar("mem", 10)).addStatuses(starting)
            .addStatuses(starting.toBuilder().setState(TaskState.TASK_RUNNING).setTimestamp(2)));
      }
      out.add(message.build());
    }
    return out;
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  /** The private Vert.x: one event loop, Meso's codecs, no metrics, no cluster. */
  private static Vertx privateVertx() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    MesoCodecs.register(vertx);
    return vertx;
  }
}
