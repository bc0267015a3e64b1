/**
 * The docker containerizer: tasks whose TaskInfo carries a ContainerInfo of type DOCKER run as
 * {@code docker run} (attached, in the foreground, as Mesos's docker executor runs it) under the
 * executor's usual wrapper, so the container's exit status is the task's.
 * {@link io.meso.executor.docker.DockerRunCommand} builds the exact invocation from the task (and
 * validates its ContainerInfo, naming the bad field); {@link io.meso.executor.docker.DockerCli}
 * runs the other docker commands (version, pull and image inspect, stop, kill, rm, ps, wait);
 * {@link io.meso.executor.docker.DockerNames} names containers so that a restarted agent finds
 * its own again.
 */
package io.meso.executor.docker;
