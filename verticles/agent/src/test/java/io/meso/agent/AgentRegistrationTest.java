package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.v1.Attribute;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentRegistrationTest {

  @TempDir
  Path workDir;

  private Vertx vertx;
  private RecordingMaster master;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    MesoCodecs.register(vertx);
    master = new RecordingMaster(vertx);
  }

  private AgentOptions options() {
    return new AgentOptions().setWorkDir(workDir.toString()).setHostname("agent-host").setPort(5055)
        .setResources("cpus:3;mem:2048;gpus:1").setAttributes("rack:r1;level:2")
        .setExecutorMode(ExecutorMode.SIMULATED)
        .setRegistrationBackoffInitialMillis(20).setRegistrationBackoffMaxMillis(100);
  }

  private AgentVerticle deploy(AgentOptions options) throws Exception {
    AgentVerticle agent = new AgentVerticle(options);
    vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    return agent;
  }

  @Test
  void retriesUntilAMasterAppearsThenRegistersWithItsInfo() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      if (ctx.message().address().equals(Addresses.MASTER)) {
        attempts.incrementAndGet();
      }
      ctx.next();
    });
    AgentVerticle agent = deploy(options());
    await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 3);
    assertThat(agent.registered().isComplete()).isFalse();

    master.start().await(10, TimeUnit.SECONDS);
    String id = agent.registered().await(10, TimeUnit.SECONDS);

    assertThat(id).isEqualTo(agent.agentId()).endsWith("-S0");
    RegisterAgentMessage register = master.registrationsOf(RegisterAgentMessage.class).get(0);
    assertThat(register.getAgentInfo().getId().getValue()).isEqualTo(id);
    assertThat(register.getAgentInfo().getHostname()).isEqualTo("agent-host");
    assertThat(register.getAgentInfo().getPort()).isEqualTo(5055);
    assertThat(register.getAgentInfo().getResourcesList()).extracting(Resource::getName)
        .contains("cpus", "mem", "disk", "ports", "gpus");
    assertThat(scalar(register, "cpus")).isEqualTo(3.0);
    assertThat(register.getAgentInfo().getAttributesList()).extracting(Attribute::getName, Attribute::getType)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("rack", Value.Type.TEXT),
            org.assertj.core.groups.Tuple.tuple("level", Value.Type.SCALAR));
    // The agent consumed its inbox before it asked to register: the master's ping was answered.
    await().atMost(Duration.ofSeconds(10)).until(() -> !master.pongsOnRegistration.isEmpty());
    assertThat(master.pongsOnRegistration.get(0).getAgentId().getValue()).isEqualTo(id);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(workDir.resolve("meta/agent_id")));
    assertThat(Files.readString(workDir.resolve("meta/agent_id")).trim()).isEqualTo(id);
  }

  @Test
  void reregistersWhenThePingsStop() throws Exception {
    master.start().await(10, TimeUnit.SECONDS);
    AgentVerticle agent = deploy(options().setPingTimeoutMillis(200));
    agent.registered().await(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10))
        .until(() -> !master.registrationsOf(ReregisterAgentMessage.class).isEmpty());

    assertThat(master.registrations.get(0)).isInstanceOf(RegisterAgentMessage.class);
    ReregisterAgentMessage again = master.registrationsOf(ReregisterAgentMessage.class).get(0);
    assertThat(again.getAgentInfo().getId().getValue()).isEqualTo(agent.agentId());
  }

  @Test
  void aRestartedAgentRecoversItsIdAndReregisters() throws Exception {
    master.start().await(10, TimeUnit.SECONDS);
    AgentVerticle first = deploy(options());
    String id = first.registered().await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(workDir.resolve("meta/agent_id")));
    vertx.undeploy(first.deploymentID()).await(10, TimeUnit.SECONDS);
    assertThat(vertx.deploymentIDs()).as("the executor goes with its agent").isEmpty();
    master.registrations.clear();

    AgentVerticle second = deploy(options());

    assertThat(second.registered().await(10, TimeUnit.SECONDS)).isEqualTo(id);
    assertThat(master.registrations.get(0)).isInstanceOf(ReregisterAgentMessage.class);
  }

  @Test
  void invalidResourcesFailTheDeploymentNamingTheEntry() {
    AgentVerticle agent = new AgentVerticle(options().setResources("cpus:lots"));

    assertThatThrownBy(() -> vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS))
        .hasMessageContaining("cpus").hasMessageContaining("lots");
  }

  @Test
  void invalidAttributesFailTheDeploymentNamingTheEntry() {
    AgentVerticle agent = new AgentVerticle(options().setAttributes("rack"));

    assertThatThrownBy(() -> vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS))
        .hasMessageContaining("'rack'").hasMessageContaining("name:value");
  }

  private static double scalar(RegisterAgentMessage register, String name) {
    return register.getAgentInfo().getResourcesList().stream().filter(r -> r.getName().equals(name))
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }
}
