package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.allocator.Resources;
import io.meso.v1.AgentID;
import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.ExecutorID;
import io.meso.v1.ExecutorInfo;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LaunchValidatorTest {

  private static final String AGENT = "agent-1";
  private static final Resources OFFERED = Resources.parse("cpus:2;mem:1024;ports:[31000-31010]");

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static TaskInfo.Builder valid() {
    return TaskInfo.newBuilder()
        .setName("t")
        .setTaskId(TaskID.newBuilder().setValue("task-1"))
        .setAgentId(AgentID.newBuilder().setValue(AGENT))
        .addResources(scalar("cpus", 0.5))
        .addResources(scalar("mem", 64))
        .setCommand(CommandInfo.newBuilder().setValue("echo hi"));
  }

  @Test
  void acceptsAValidTask() {
    assertThat(LaunchValidator.validate("t[0]", valid().build(), AGENT, Set.of(), OFFERED)).isNull();
    TaskInfo checked = valid().setHealthCheck(io.meso.v1.HealthCheck.newBuilder().setType(io.meso.v1.HealthCheck.Type.TCP)
        .setTcp(io.meso.v1.HealthCheck.TCPCheckInfo.newBuilder().setPort(8080))).build();
    assertThat(LaunchValidator.validate("t[0]", checked, AGENT, Set.of(), OFFERED)).isNull();
  }

  static Stream<Arguments> invalidTasks() {
    return Stream.of(
        // case, mutation, words the message must contain
        Arguments.of("missing task id", (UnaryOperator<TaskInfo.Builder>) b -> b.clearTaskId(), "task_id is missing"),
        Arguments.of("slash in task id", (UnaryOperator<TaskInfo.Builder>) b ->
            b.setTaskId(TaskID.newBuilder().setValue("a/b")), "'a/b' is not allowed"),
        Arguments.of("space in task id", (UnaryOperator<TaskInfo.Builder>) b ->
            b.setTaskId(TaskID.newBuilder().setValue("a b")), "'a b' is not allowed"),
        Arguments.of("duplicate task id", (UnaryOperator<TaskInfo.Builder>) b ->
            b.setTaskId(TaskID.newBuilder().setValue("busy")), "'busy' is already used"),
        Arguments.of("missing name", (UnaryOperator<TaskInfo.Builder>) b -> b.clearName(), "name is missing"),
        Arguments.of("missing agent", (UnaryOperator<TaskInfo.Builder>) b -> b.clearAgentId(), "agent_id is missing"),
        Arguments.of("other agent", (UnaryOperator<TaskInfo.Builder>) b ->
            b.setAgentId(AgentID.newBuilder().setValue("agent-2")), "'agent-2'"),
        Arguments.of("no command", (UnaryOperator<TaskInfo.Builder>) b -> b.clearCommand(), "command is missing"),
        Arguments.of("empty command", (UnaryOperator<TaskInfo.Builder>) b ->
            b.setCommand(CommandInfo.newBuilder().setValue("  ")), "command.value is empty"),
        Arguments.of("custom executor", (UnaryOperator<TaskInfo.Builder>) b -> b.clearCommand()
            .setExecutor(ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e"))),
            "custom executors are not supported"),
        Arguments.of("bad env name", (UnaryOperator<TaskInfo.Builder>) b -> b.setCommand(CommandInfo.newBuilder()
            .setValue("true").setEnvironment(Environment.newBuilder().addVariables(
                Environment.Variable.newBuilder().setName("A=B").setValue("x")))), "'A=B' of task 'task-1' is not a valid variable"),
        Arguments.of("no resources", (UnaryOperator<TaskInfo.Builder>) b -> b.clearResources(), "resources is empty"),
        Arguments.of("zero cpus", (UnaryOperator<TaskInfo.Builder>) b -> b.clearResources()
            .addResources(scalar("cpus", 0)), "'cpus' of task 'task-1' is 0"),
        Arguments.of("negative mem", (UnaryOperator<TaskInfo.Builder>) b -> b.clearResources()
            .addResources(scalar("mem", -5)), "-5"),
        Arguments.of("NaN cpus", (UnaryOperator<TaskInfo.Builder>) b -> b.clearResources()
            .addResources(scalar("cpus", Double.NaN)), "NaN"),
        Arguments.of("infinite mem", (UnaryOperator<TaskInfo.Builder>) b -> b.clearResources()
            .addResources(scalar("mem", Double.POSITIVE_INFINITY)), "Infinity"),
        Arguments.of("more cpus than offered", (UnaryOperator<TaskInfo.Builder>) b -> b.clearResources()
            .addResources(scalar("cpus", 3)), "needs cpus:3"),
        Arguments.of("resource not offered", (UnaryOperator<TaskInfo.Builder>) b -> b.clearResources()
            .addResources(scalar("gpus", 1)), "offers have only"),
        Arguments.of("health check with a negative interval", (UnaryOperator<TaskInfo.Builder>) b -> b.setHealthCheck(
            io.meso.v1.HealthCheck.newBuilder().setType(io.meso.v1.HealthCheck.Type.COMMAND)
                .setCommand(CommandInfo.newBuilder().setValue("true")).setIntervalSeconds(-1)),
            "accept.operations[0].launch.task_infos[0].health_check.interval_seconds is -1.0"),
        Arguments.of("HTTP health check without a port", (UnaryOperator<TaskInfo.Builder>) b -> b.setHealthCheck(
            io.meso.v1.HealthCheck.newBuilder().setType(io.meso.v1.HealthCheck.Type.HTTP)
                .setHttp(io.meso.v1.HealthCheck.HTTPCheckInfo.newBuilder().setPath("/"))), "health_check.http.port"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidTasks")
  void refusesInvalidTasksWithAMessageNamingTheProblem(String name, UnaryOperator<TaskInfo.Builder> mutation,
      String expected) {
    TaskInfo task = mutation.apply(valid()).build();
    LaunchValidator.Rejection rejection = LaunchValidator.validate("accept.operations[0].launch.task_infos[0]", task,
        AGENT, Set.of("busy"), OFFERED);
    assertThat(rejection).as(name).isNotNull();
    assertThat(rejection.reason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(rejection.message()).contains(expected);
  }

  private static io.meso.v1.ContainerInfo.Builder docker(io.meso.v1.ContainerInfo.DockerInfo.Builder docker) {
    return io.meso.v1.ContainerInfo.newBuilder().setType(io.meso.v1.ContainerInfo.Type.DOCKER).setDocker(docker);
  }

  private static Resource ports(long begin, long end) {
    return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(Value.Ranges.newBuilder()
        .addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end))).build();
  }

  @Test
  void aDockerTaskIsCheckedByTheMasterNamingTheField() {
    var image = io.meso.v1.ContainerInfo.DockerInfo.newBuilder().setImage("nginx:1.27");
    TaskInfo good = valid().addResources(ports(31000, 31001)).setContainer(docker(image.clone()
        .setNetwork(io.meso.v1.ContainerInfo.DockerInfo.Network.BRIDGE)
        .addPortMappings(io.meso.v1.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(31001)
            .setContainerPort(80).setProtocol("TCP")))).build();
    assertThat(LaunchValidator.validate("t[0]", good, AGENT, Set.of(), OFFERED)).isNull();

    TaskInfo noImage = valid().setContainer(docker(io.meso.v1.ContainerInfo.DockerInfo.newBuilder())).build();
    assertThat(LaunchValidator.validate("t[0]", noImage, AGENT, Set.of(), OFFERED).message())
        .contains("t[0].container.docker.image: is required (was '')").contains("task 'task-1'");

    TaskInfo noDocker = valid().setContainer(io.meso.v1.ContainerInfo.newBuilder()
        .setType(io.meso.v1.ContainerInfo.Type.DOCKER)).build();
    assertThat(LaunchValidator.validate("t[0]", noDocker, AGENT, Set.of(), OFFERED).message())
        .contains("t[0].container.docker: is required when container.type is DOCKER");

    TaskInfo portOutside = valid().addResources(ports(31000, 31001)).setContainer(docker(image.clone()
        .setNetwork(io.meso.v1.ContainerInfo.DockerInfo.Network.BRIDGE)
        .addPortMappings(io.meso.v1.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(31999)
            .setContainerPort(80)))).build();
    var rejected = LaunchValidator.validate("t[0]", portOutside, AGENT, Set.of(), OFFERED);
    assertThat(rejected.reason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(rejected.message()).contains("container.docker.port_mappings[0].host_port: 31999 is not among the "
        + "task's ports resources");

    TaskInfo hostNetworkMapping = valid().addResources(ports(31000, 31001)).setContainer(docker(image.clone()
        .addPortMappings(io.meso.v1.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(31000)
            .setContainerPort(80)))).build();
    assertThat(LaunchValidator.validate("t[0]", hostNetworkMapping, AGENT, Set.of(), OFFERED).message())
        .contains("port_mappings: only supported with BRIDGE or USER networks, not container.docker.network HOST");

    TaskInfo badProtocol = valid().addResources(ports(31000, 31001)).setContainer(docker(image.clone()
        .setNetwork(io.meso.v1.ContainerInfo.DockerInfo.Network.BRIDGE)
        .addPortMappings(io.meso.v1.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(31000)
            .setContainerPort(80).setProtocol("http")))).build();
    assertThat(LaunchValidator.validate("t[0]", badProtocol, AGENT, Set.of(), OFFERED).message())
        .contains("port_mappings[0].protocol: 'http' is not one of tcp, udp, sctp");

    TaskInfo relativeVolume = valid().setContainer(docker(image.clone()).addVolumes(io.meso.v1.Volume.newBuilder()
        .setHostPath("data").setContainerPath("data").setMode(io.meso.v1.Volume.Mode.RW))).build();
    assertThat(LaunchValidator.validate("t[0]", relativeVolume, AGENT, Set.of(), OFFERED).message())
        .contains("container.volumes[0]: both host_path 'data' and container_path 'data' are relative");

    TaskInfo userNetworkWithoutName = valid().setContainer(docker(image.clone()
        .setNetwork(io.meso.v1.ContainerInfo.DockerInfo.Network.USER))).build();
    assertThat(LaunchValidator.validate("t[0]", userNetworkWithoutName, AGENT, Set.of(), OFFERED).message())
        .contains("container.network_infos: a USER network needs exactly one, got 0");

    TaskInfo mesosContainer = valid().setContainer(io.meso.v1.ContainerInfo.newBuilder()
        .setType(io.meso.v1.ContainerInfo.Type.MESOS)).build();
    assertThat(LaunchValidator.validate("t[0]", mesosContainer, AGENT, Set.of(), OFFERED)).isNull();
  }
}
