package io.meso.ha;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.lock.FencedLock;
import com.hazelcast.cp.lock.exception.LockOwnershipLostException;
import com.hazelcast.cp.session.CPSession;
import com.hazelcast.cp.session.CPSessionManagementService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election among masters with Hazelcast's CP subsystem: every master waits for the
 * {@link FencedLock} {@value #LOCK}; the one holding it leads. Its fencing token (strictly
 * increasing across leaders) tags every registry write, so a deposed leader cannot write. The
 * lock belongs to a thread, so a dedicated daemon thread takes it and then watches it: when the
 * lock is lost (the CP session expired, e.g. after a long pause), the listener is told and the
 * election thread ends; a deposed master must not lead again without restarting.
 *
 * <p>On winning, the leader's address is published in the map {@value #LEADER_MAP} under
 * {@value #LEADER_KEY} (agents, clients, the CLI and redirects read it with {@link #leader}) and
 * its term is recorded in {@value #TERMS_MAP} (fence to candidate id), which tests use to check
 * that terms never overlap.
 *
 * <p>Fast failover: a leader that dies keeps the lock until its CP session expires (the session
 * time-to-live, {@code --leader-session-timeout}). To not wait that long, every candidate
 * listens for Hazelcast removing a (non-lite) member from the cluster, which happens as soon as
 * its connections are refused (a killed process) or it missed heartbeats for
 * {@code hazelcast.max.no.heartbeat.seconds} (a dead host), and then force-closes the CP
 * sessions that member owned in the lock's CP group, which frees the lock at once. Only sessions
 * of a member that is no longer in the cluster are closed, so a live member's lock is never
 * taken away. A leader that is alive but cut off from the others is removed by them the same
 * way: it loses its session (and learns so at its next check of the lock, or cannot reach the
 * CP group and is deposed), and the fencing token of its successor makes the registry refuse
 * its writes in the meantime, exactly as after a session expiry.
 *
 * <p>A leader cut off from the other masters (a network partition, not a dead process) cannot
 * reach the CP group at all: its check of the lock does not fail, it is retried until Hazelcast's
 * invocation timeout (half a minute and more), while the others already elected a successor once
 * its session expired. So a watchdog deposes it when the lock could not be confirmed for twice the
 * session time-to-live, at least 10 s ({@link #unconfirmedLimitMillis}): by then its session is
 * gone on the majority's side. Found by NetnsClusterIT: on loopback a killed peer's connections are refused at
 * once, across hosts a cut link just goes quiet.
 */
public final class LeaderElection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  public static final String LOCK = "meso.master.leader";
  public static final String LEADER_MAP = "meso.registry.leader";
  public static final String LEADER_KEY = "leader";
  public static final String TERMS_MAP = "meso.registry.terms";

  /** The CP group of the leader lock (and so of the sessions that hold it). */
  public static final String LOCK_GROUP = CPGroup.DEFAULT_GROUP_NAME;

  /**
   * What a candidate hears; called on the election thread, or {@code deposed} on its watchdog's
   * (hand work over to an event loop).
   */
  public interface Listener {
    void elected(long fence);

    void deposed(String why);

    /**
     * This candidate force-closed the CP session {@code sessionId} of {@code member}, which left
     * the cluster (called on a Hazelcast thread; for logs and tests).
     */
    default void sessionClosed(String member, long sessionId) {}
  }

  private final HazelcastInstance hazelcast;
  private final String candidateId;
  private final String address;
  private final Listener listener;
  private final long watchMillis;
  private volatile boolean closed;
  private volatile long fence = -1;
  /** Set once the listener heard {@code deposed}: the election thread and the watchdog may both find out. */
  private final java.util.concurrent.atomic.AtomicBoolean deposed = new java.util.concurrent.atomic.AtomicBoolean();
  /** When the election thread last confirmed it holds the lock (System.nanoTime), while leading. */
  private volatile long confirmedNanos;
  /** While leading: deposes this master when the lock could not be confirmed for {@link #unconfirmedLimitMillis}. */
  private volatile java.util.concurrent.ScheduledExecutorService watchdog;
  private Thread thread;
  private UUID membershipRegistration;
  /** While leading: hands the CP Raft leadership to another master now and then (see {@link RaftLeadership}). */
  private volatile java.util.concurrent.ScheduledExecutorService raftHandOff;
  /** Seconds between checks that this leading master does not also lead Raft; 0 disables them. */
  private long raftHandOffSeconds = 5;

  /** How often (seconds) a leading master checks that it does not also lead Raft; 0 disables it. For tests. */
  LeaderElection raftHandOffSeconds(long seconds) {
    this.raftHandOffSeconds = seconds;
    return this;
  }

  public LeaderElection(HazelcastInstance hazelcast, String candidateId, String address, Listener listener) {
    this(hazelcast, candidateId, address, listener, 500);
  }

  LeaderElection(HazelcastInstance hazelcast, String candidateId, String address, Listener listener, long watchMillis) {
    this.hazelcast = hazelcast;
    this.candidateId = candidateId;
    this.address = address;
    this.listener = listener;
    this.watchMillis = watchMillis;
  }

  /** The published leader's HTTP address (host:port), or null while there is none. */
  public static String leader(HazelcastInstance hazelcast) {
    LeaderRecord r = (LeaderRecord) hazelcast.getMap(LEADER_MAP).get(LEADER_KEY);
    return r == null ? null : r.address();
  }

  /** What is published about the leader. */
  public record LeaderRecord(String address, String candidateId, long fence) {}

  public synchronized LeaderElection start() {
    if (thread == null) {
      membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {}

        @Override
        public void memberRemoved(MembershipEvent event) {
          if (!closed && !event.getMember().isLiteMember()) {
            closeSessionsOf(event.getMember());
          }
        }
      });
      thread = new Thread(this::run, "meso-leader-election");
      thread.setDaemon(true);
      thread.start();
    }
    return this;
  }

  /** The fencing token while leading, -1 otherwise. */
  public long fence() {
    return fence;
  }

  private void run() {
    FencedLock lock = null;
    try {
      LOG.info("standing for election candidate={} address={}", candidateId, address);
      long token;
      while (true) {
        if (closed) {
          return;
        }
        try {
          if (lock == null) {
            lock = hazelcast.getCPSubsystem().getLock(LOCK); // waits for the CP group to exist
          }
          token = lock.tryLockAndGetFence(1, TimeUnit.SECONDS);
        } catch (HazelcastInstanceNotActiveException e) {
          throw e;
        } catch (RuntimeException e) {
          // E.g. the CP subsystem is still waiting for the other masters, or lost its majority:
          // nobody can lead now; keep standing.
          LOG.warn("cannot take the leader lock yet candidate={}: {}; retrying", candidateId, e.toString());
          Thread.sleep(1000);
          continue;
        }
        if (token != FencedLock.INVALID_FENCE) {
          break;
        }
      }
      fence = token;
      hazelcast.getMap(TERMS_MAP).set(token, candidateId);
      hazelcast.getMap(LEADER_MAP).set(LEADER_KEY, new LeaderRecord(address, candidateId, token));
      LOG.info("elected leader candidate={} address={} fence={}", candidateId, address, token);
      confirmedNanos = System.nanoTime();
      listener.elected(token);
      startRaftHandOff();
      startWatchdog();
      while (!closed && !deposed.get()) {
        Thread.sleep(watchMillis);
        if (!lock.isLockedByCurrentThread()) {
          throw new LockOwnershipLostException("the leader lock is no longer held by this master");
        }
        confirmedNanos = System.nanoTime();
      }
      if (deposed.get()) {
        return;
      }
      // Closing: let another master lead right away.
      try {
        lock.unlock();
      } catch (RuntimeException ignored) {
        // The session may be gone already; the lock is then released anyway.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (HazelcastInstanceNotActiveException e) {
      if (!closed && fence >= 0) {
        depose("the Hazelcast member shut down");
      }
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.error("leader election failed candidate={}: {}", candidateId, e.toString());
        depose(e.toString());
      }
    }
  }

  /**
   * Force-closes the CP sessions that {@code gone} (a member Hazelcast removed from the cluster)
   * owns in the lock's group, so a lock it held is free now rather than when its session
   * expires. Sessions are matched by the member's address and skipped if a member with that
   * address is (again) in the cluster. Every candidate does this; closing a closed session is a
   * no-op. Completes with the number of sessions this call closed; failures only delay the
   * failover to the session expiry, so they are logged, not thrown.
   */
  CompletionStage<Integer> closeSessionsOf(Member gone) {
    Address address = gone.getAddress();
    CPSessionManagementService sessions;
    try {
      sessions = hazelcast.getCPSubsystem().getCPSessionManagementService();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(0);
    }
    return sessions.getAllSessions(LOCK_GROUP).thenCompose(all -> {
      List<CompletableFuture<Integer>> closing = new ArrayList<>();
      for (CPSession session : all) {
        if (session.endpointType() != CPSession.CPSessionOwnerType.SERVER || !address.equals(session.endpoint())
            || isMember(address)) {
          continue;
        }
        long id = session.id();
        closing.add(sessions.forceCloseSession(LOCK_GROUP, id).toCompletableFuture().thenApply(done -> {
          if (done) {
            LOG.info("closed the CP session of member {} that left the cluster session={} (its locks are free now)",
                address, id);
            listener.sessionClosed(address.getHost() + ":" + address.getPort(), id);
          }
          return done ? 1 : 0;
        }));
      }
      return CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
          .thenApply(v -> closing.stream().mapToInt(CompletableFuture::join).sum());
    }).exceptionally(e -> {
      if (!closed) {
        LOG.warn("could not close the CP sessions of member {} that left the cluster ({}); its leader lock, if it "
            + "held it, is free when its session expires", address, e.toString());
      }
      return 0;
    });
  }

  private boolean isMember(Address address) {
    for (Member m : hazelcast.getCluster().getMembers()) {
      if (address.equals(m.getAddress())) {
        return true;
      }
    }
    return false;
  }

  private void depose(String why) {
    if (!deposed.compareAndSet(false, true)) {
      return;
    }
    fence = -1;
    stopRaftHandOff();
    stopWatchdog();
    listener.deposed(why);
  }

  /**
   * How long a leader may go without confirming its lock before it deposes itself: twice the
   * session time-to-live, and at least {@value #MIN_UNCONFIRMED_MILLIS} ms so that a slow check on
   * a busy machine does not depose a leader whose session is alive.
   */
  long unconfirmedLimitMillis() {
    return Math.max(MIN_UNCONFIRMED_MILLIS,
        2_000L * hazelcast.getConfig().getCPSubsystemConfig().getSessionTimeToLiveSeconds());
  }

  static final long MIN_UNCONFIRMED_MILLIS = 10_000;

  private void startWatchdog() {
    long limitMillis = unconfirmedLimitMillis();
    java.util.concurrent.ScheduledExecutorService executor = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "meso-leader-watchdog");
          t.setDaemon(true);
          return t;
        });
    watchdog = executor;
    executor.scheduleWithFixedDelay(() -> {
      long silentMillis = (System.nanoTime() - confirmedNanos) / 1_000_000;
      if (!closed && fence >= 0 && silentMillis > limitMillis) {
        LOG.error("leader candidate={} could not confirm the leader lock for {} ms (limit {} ms, twice the session "
            + "time-to-live): cut off from the other masters; stepping down", candidateId, silentMillis, limitMillis);
        depose("could not confirm the leader lock for " + silentMillis + " ms: cut off from the other masters");
      }
    }, 250, 250, TimeUnit.MILLISECONDS);
  }

  private void stopWatchdog() {
    java.util.concurrent.ScheduledExecutorService executor = watchdog;
    watchdog = null;
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private void startRaftHandOff() {
    if (raftHandOffSeconds <= 0 || closed) {
      return;
    }
    RaftLeadership leadership = new RaftLeadership(hazelcast);
    java.util.concurrent.ScheduledExecutorService executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "meso-raft-handoff");
          t.setDaemon(true);
          return t;
        });
    raftHandOff = executor;
    // Not while a new leader is busiest (re-admitting every agent in its first seconds): a
    // transfer then made its CP calls wait. In tests, sooner.
    long first = Math.min(15, 2 * raftHandOffSeconds + 1);
    executor.scheduleWithFixedDelay(() -> {
      try {
        if (!closed && fence >= 0) {
          leadership.handOff();
        }
      } catch (RuntimeException e) {
        LOG.debug("raft leadership check failed: {}", e.toString());
      }
    }, first, raftHandOffSeconds, TimeUnit.SECONDS);
  }

  private void stopRaftHandOff() {
    java.util.concurrent.ScheduledExecutorService executor = raftHandOff;
    raftHandOff = null;
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  @Override
  public void close() {
    closed = true;
    stopRaftHandOff();
    stopWatchdog();
    UUID registration = membershipRegistration;
    if (registration != null) {
      try {
        hazelcast.getCluster().removeMembershipListener(registration);
      } catch (RuntimeException ignored) {
        // The member is shutting down.
      }
    }
  }
}
