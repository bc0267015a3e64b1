package io.meso.executor;

import io.meso.v1.ResourceStatistics;
import io.meso.v1.TaskInfo;

/**
 * One running task's resource usage, as the executor sampled it in answer to a {@link UsageRequest}.
 *
 * @param frameworkId the task's framework
 * @param task the task as launched (its id, name and command name its executor on /monitor/statistics)
 * @param statistics what was measured, with Mesos's ResourceStatistics field names
 */
public record TaskUsage(String frameworkId, TaskInfo task, ResourceStatistics statistics) {}
