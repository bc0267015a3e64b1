package io.meso.jobs.runtime;

import io.meso.v1.AgentID;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import java.util.List;

/**
 * What {@link JobScheduler} decides must happen outside it, in the order it decided: registry
 * writes and scheduler calls. The framework verticle carries them out strictly in order, each
 * call only after every write before it succeeded, so a task is launched only once its claim is
 * stored and an update is acknowledged only once what it changed is stored; a refused write means
 * this leader was deposed, and nothing after it is carried out. Tests record them.
 */
public interface Effects {

  /** Writes {@code value} under {@code section}/{@code key}; null removes the key. */
  void store(String section, String key, byte[] value);

  /** Accepts {@code offer} with one LAUNCH of {@code tasks}. */
  void launch(Offer offer, List<TaskInfo> tasks);

  /** Declines offers, refusing their resources for {@code refuseSeconds}. */
  void decline(List<OfferID> offers, double refuseSeconds);

  /** Kills a task; {@code agent} may be null when unknown. */
  void kill(TaskID task, AgentID agent);

  /** Acknowledges a status update (a no-op for one without a uuid). */
  void acknowledge(TaskStatus status);

  /** Reconciles these tasks; an empty list asks for every task the master knows of ours. */
  void reconcile(List<Call.Reconcile.Task> tasks);

  /** Runs wait (true: revive offers) or none does (false: suppress them). */
  void offersWanted(boolean wanted);
}
