package io.meso.jobs.runtime;

import io.meso.jobs.job.EnvironmentVariable;
import io.meso.jobs.job.Fetch;
import io.meso.jobs.job.Job;
import io.meso.v1.CommandInfo;
import io.meso.v1.DurationInfo;
import io.meso.v1.Environment;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Mesos task of one attempt of a run, as Chronos's {@code mesos/MesosTaskBuilder.scala}
 * builds it: name {@code ChronosTask:<job>}, the command (through the shell, with run-now
 * arguments appended after a space; or, with {@code shell: false}, the command as the executable
 * and {@code [command] + arguments} as its argv, run-now arguments split on spaces), the fetch
 * URIs, the user, {@code max_completion_time}, and Chronos's environment. Pure.
 */
public final class JobTasks {

  private JobTasks() {}

  /** The task of {@code claim}'s current attempt on {@code offer}, using {@code resources}. */
  public static TaskInfo task(Job job, Claim claim, Offer offer, List<Resource> resources) {
    String taskId = claim.taskId();
    CommandInfo.Builder command = CommandInfo.newBuilder();
    String extra = TaskIds.cleanArguments(claim.arguments());
    if (job.shell()) {
      command.setShell(true).setValue(extra.isEmpty() ? job.command() : job.command() + " " + extra);
    } else {
      List<String> argv = new ArrayList<>();
      argv.add(job.command());
      argv.addAll(job.arguments());
      if (!extra.isEmpty()) {
        argv.addAll(Arrays.asList(extra.split("\\s+")));
      }
      command.setShell(false).setValue(job.command()).addAllArguments(argv);
    }
    if (!job.runAsUser().isEmpty()) {
      command.setUser(job.runAsUser());
    }
    for (Fetch f : job.fetch()) {
      CommandInfo.URI.Builder uri = CommandInfo.URI.newBuilder().setValue(f.uri())
          .setExecutable(f.executable()).setCache(f.cache()).setExtract(f.extract());
      if (!f.outputFile().isEmpty()) {
        uri.setOutputFile(f.outputFile());
      }
      command.addUris(uri);
    }
    for (String u : job.uris()) {
      command.addUris(CommandInfo.URI.newBuilder().setValue(u).setExtract(true));
    }
    Environment.Builder env = Environment.newBuilder();
    environment(job, claim, offer.getHostname()).forEach((k, v) ->
        env.addVariables(Environment.Variable.newBuilder().setName(k).setValue(v)));
    command.setEnvironment(env);
    TaskInfo.Builder task = TaskInfo.newBuilder()
        .setName("ChronosTask:" + job.name())
        .setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(offer.getAgentId())
        .addAllResources(resources)
        .setCommand(command);
    if (job.maxCompletionTime() > 0) {
      task.setMaxCompletionTime(DurationInfo.newBuilder()
          .setNanoseconds(job.maxCompletionTime() * 1_000_000_000L));
    }
    return task.build();
  }

  /**
   * Chronos's variables first (MESOS_TASK_ID and mesos_task_id, CHRONOS_JOB_OWNER,
   * CHRONOS_JOB_NAME, HOST, CHRONOS_RESOURCE_MEM/CPU/DISK, CHRONOS_JOB_RUN_TIME as the instant's
   * epoch milliseconds, CHRONOS_JOB_RUN_ATTEMPT), then the job's own, which as in Chronos never
   * override them.
   */
  public static Map<String, String> environment(Job job, Claim claim, String host) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("mesos_task_id", claim.taskId());
    env.put("MESOS_TASK_ID", claim.taskId());
    env.put("CHRONOS_JOB_OWNER", job.owner());
    env.put("CHRONOS_JOB_NAME", job.name());
    env.put("HOST", host);
    env.put("CHRONOS_RESOURCE_MEM", Double.toString(job.mem()));
    env.put("CHRONOS_RESOURCE_CPU", Double.toString(job.cpus()));
    env.put("CHRONOS_RESOURCE_DISK", Double.toString(job.disk()));
    env.put("CHRONOS_JOB_RUN_TIME", Long.toString(claim.instant().toEpochMilli()));
    env.put("CHRONOS_JOB_RUN_ATTEMPT", Integer.toString(claim.attempt()));
    for (EnvironmentVariable v : job.environmentVariables()) {
      env.putIfAbsent(v.name(), v.value());
    }
    return env;
  }
}
