package io.meso.ha;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.CPGroupId;
import com.hazelcast.cp.internal.RaftService;
import com.hazelcast.cp.internal.raft.impl.RaftEndpoint;
import com.hazelcast.cp.internal.raft.impl.RaftNode;
import com.hazelcast.instance.impl.HazelcastInstanceImpl;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Raft leadership of the CP groups the election depends on (METADATA, and the lock's
 * group) off the leading master, by handing it to another CP member whenever the leading master
 * finds it holds it.
 *
 * <p>Why: when the leading master dies, the standbys can only free its lock (force-close its CP
 * session) through the Raft leader of the lock's group. If the dead master was that Raft leader
 * too, the survivors first had to notice it and elect a new Raft leader: measured with
 * {@code io.meso.it.FailoverBenchmark}, a new master then led after 2.4-3.5 s instead of
 * 1.4-1.7 s. A Raft leader that dies while it is a standby costs the cluster nothing but a Raft
 * election, during which the leading master's lock and session calls wait.
 *
 * <p>Hazelcast has no public call for this: it uses the member's {@link RaftService} (the same
 * transfer Hazelcast uses to rebalance CP group leaderships). If that internal API is not there
 * (another Hazelcast version, a client instead of a member), it logs once and does nothing.
 */
final class RaftLeadership {

  private static final Logger LOG = LoggerFactory.getLogger(RaftLeadership.class);

  private final HazelcastInstance hazelcast;
  private volatile boolean unavailable;

  RaftLeadership(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /** The Raft groups the election depends on, as this member knows them: METADATA and the lock's group. */
  List<CPGroupId> groups() throws Exception {
    List<CPGroupId> groups = new ArrayList<>();
    groups.add(raft().getMetadataGroupId());
    CPGroup lockGroup = hazelcast.getCPSubsystem().getCPSubsystemManagementService()
        .getCPGroup(LeaderElection.LOCK_GROUP).toCompletableFuture().get(5, TimeUnit.SECONDS);
    if (lockGroup != null) {
      groups.add(lockGroup.id());
    }
    return groups;
  }

  /** True if this member is the Raft leader of {@code group} (as far as it knows). */
  boolean leads(CPGroupId group) {
    RaftNode node = raft().getRaftNode(group);
    return node != null && node.getLocalMember() != null && node.getLocalMember().equals(node.getLeader());
  }

  private RaftService raft() {
    HazelcastInstanceImpl impl = hazelcast instanceof HazelcastInstanceProxy proxy ? proxy.getOriginal()
        : (HazelcastInstanceImpl) hazelcast;
    return impl.node.getNodeEngine().getService(RaftService.SERVICE_NAME);
  }

  /**
   * If this member is the Raft leader of METADATA or of the lock's group, asks it to hand the
   * leadership to another live CP member (blocking, at most a few seconds: call it from the
   * election thread). Returns how many transfers were started; failures are logged at DEBUG and
   * left to the next call.
   */
  int handOff() {
    if (unavailable) {
      return 0;
    }
    RaftService raft;
    try {
      raft = raft();
    } catch (RuntimeException | LinkageError e) {
      unavailable = true;
      LOG.info("cannot reach Hazelcast's Raft service ({}); a failover may take longer when the leading master is "
          + "also the CP Raft leader", e.toString());
      return 0;
    }
    if (hazelcast.getCPSubsystem().getLocalCPMember() == null) {
      return 0; // unsafe mode (a single master) or not a CP member
    }
    Set<UUID> live = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      live.add(m.getUuid());
    }
    int started = 0;
    List<CPGroupId> groups = new ArrayList<>();
    groups.add(raft.getMetadataGroupId());
    try {
      CPGroup lockGroup = hazelcast.getCPSubsystem().getCPSubsystemManagementService()
          .getCPGroup(LeaderElection.LOCK_GROUP).toCompletableFuture().get(5, TimeUnit.SECONDS);
      if (lockGroup != null) {
        groups.add(lockGroup.id());
      }
    } catch (Exception e) {
      LOG.debug("cannot read the CP group {}: {}", LeaderElection.LOCK_GROUP, e.toString());
    }
    for (CPGroupId group : groups) {
      RaftNode node = raft.getRaftNode(group);
      if (node == null) {
        continue;
      }
      RaftEndpoint local = node.getLocalMember();
      RaftEndpoint leader = node.getLeader();
      if (local == null || leader == null || !local.equals(leader)) {
        continue;
      }
      for (RaftEndpoint target : node.getCommittedMembers()) {
        if (!target.equals(local) && live.contains(target.getUuid())) {
          try {
            node.transferLeadership(target).get(5, TimeUnit.SECONDS);
            LOG.info("handed the Raft leadership of CP group {} to member {} (the leading master should not also "
                + "lead Raft: its death would cost a Raft election before the failover)", group.getName(),
                target.getUuid());
            started++;
          } catch (Exception e) {
            LOG.debug("could not hand the Raft leadership of CP group {} to {}: {}", group.getName(), target.getUuid(),
                e.toString());
          }
          break;
        }
      }
    }
    return started;
  }
}
