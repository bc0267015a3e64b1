package io.meso.it;

import io.meso.v1.CommandInfo;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.Value;

/** Builders for the tasks tests launch. */
public final class Launches {

  private Launches() {}

  public static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  public static TaskInfo task(String id, Offer offer, String shellCommand, double cpus, double mem) {
    return TaskInfo.newBuilder()
        .setName(id)
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId())
        .addResources(scalar("cpus", cpus))
        .addResources(scalar("mem", mem))
        .setCommand(CommandInfo.newBuilder().setValue(shellCommand))
        .build();
  }

  public static Offer.Operation launch(TaskInfo... tasks) {
    Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
    for (TaskInfo t : tasks) {
      launch.addTaskInfos(t);
    }
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(launch).build();
  }
}
