package io.meso.ha;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.cp.lock.FencedLock;
import com.hazelcast.cp.lock.exception.LockOwnershipLostException;
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
 */
public final class LeaderElection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  public static final String LOCK = "meso.master.leader";
  public static final String LEADER_MAP = "meso.registry.leader";
  public static final String LEADER_KEY = "leader";
  public static final String TERMS_MAP = "meso.registry.terms";
  /** Clustered address on which a new leader announces itself (body: its HTTP host:port); agents re-register on it. */
  public static final String ELECTED_ADDRESS = "meso.master.elected";

  /** What a candidate hears; called on the election thread (hand work over to an event loop). */
  public interface Listener {
    void elected(long fence);

    void deposed(String why);
  }

  private final HazelcastInstance hazelcast;
  private final String candidateId;
  private final String address;
  private final Listener listener;
  private final long watchMillis;
  private volatile boolean closed;
  private volatile long fence = -1;
  private Thread thread;

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
  public record LeaderRecord(String address, String candidateId, long fence) implements java.io.Serializable {}

  public synchronized LeaderElection start() {
    if (thread == null) {
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
      listener.elected(token);
      while (!closed) {
        Thread.sleep(watchMillis);
        if (!lock.isLockedByCurrentThread()) {
          throw new LockOwnershipLostException("the leader lock is no longer held by this master");
        }
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

  private void depose(String why) {
    fence = -1;
    listener.deposed(why);
  }

  @Override
  public void close() {
    closed = true;
  }
}
