package io.meso.agent;

import io.meso.codecs.DefaultPorts;
import io.meso.executor.ExecutorOptions;
import io.meso.executor.Isolation;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one agent: how it presents itself to the master (hostname, port, resources,
 * attributes), where it keeps sandboxes and its checkpoint (work dir), its timing against the
 * master (ping timeout, registration backoff, status update retries), how it runs tasks
 * (executor mode, isolation, kill grace period, process limit) and whether it serves its HTTP
 * endpoints on its port. Times are in milliseconds.
 */
public class AgentOptions {

  /** null: the local host name, resolved when the agent starts. */
  public static final String DEFAULT_HOSTNAME = null;
  public static final int DEFAULT_PORT = DefaultPorts.AGENT;
  /** null: {@code ${java.io.tmpdir}/meso/agent-<port>}. */
  public static final String DEFAULT_WORK_DIR = null;
  /** null: detected resources only. */
  public static final String DEFAULT_RESOURCES = null;
  public static final String DEFAULT_ATTRIBUTES = null;
  public static final long DEFAULT_PING_TIMEOUT_MILLIS = 10_000;
  public static final long DEFAULT_REGISTRATION_BACKOFF_INITIAL_MILLIS = 100;
  public static final long DEFAULT_REGISTRATION_BACKOFF_MAX_MILLIS = 5_000;
  /**
   * How long a (re-)registration may wait for its answer before it is sent again. Generous: after
   * a failover a new leader admits every agent at once, and a request resent while the first is
   * still queued only adds to the queue (a new leader's announcement restarts it anyway).
   */
  public static final long DEFAULT_REGISTRATION_TIMEOUT_MILLIS = 10_000;
  /** As in Mesos (10 s, doubling): a shorter first retry floods a briefly stalled master with resends. */
  public static final long DEFAULT_STATUS_UPDATE_RETRY_INITIAL_MILLIS = 10_000;
  public static final long DEFAULT_STATUS_UPDATE_RETRY_MAX_MILLIS = 600_000;
  public static final long DEFAULT_KILL_GRACE_PERIOD_MILLIS = ExecutorOptions.DEFAULT_KILL_GRACE_PERIOD_MILLIS;
  public static final ExecutorMode DEFAULT_EXECUTOR_MODE = ExecutorMode.PROCESS;
  public static final Isolation DEFAULT_ISOLATION = ExecutorOptions.DEFAULT_ISOLATION;
  public static final long DEFAULT_SIMULATED_TASK_DURATION_MILLIS = ExecutorOptions.DEFAULT_SIMULATED_TASK_DURATION_MILLIS;
  public static final boolean DEFAULT_SESSIONS = ExecutorOptions.DEFAULT_SESSIONS;
  public static final String DEFAULT_TASK_USER = ExecutorOptions.DEFAULT_TASK_USER;
  public static final boolean DEFAULT_CHECKPOINT = true;
  /** Bound on one sandbox file read (below the master's 10 s file request timeout); see {@link SandboxIo}. */
  public static final long DEFAULT_SANDBOX_READ_TIMEOUT_MILLIS = SandboxIo.DEFAULT_TIMEOUT_MILLIS;
  /**
   * Off unless asked for: agents embedded in one JVM (tests, the benchmark's hundreds of
   * simulated agents) would all claim the same port. {@code meso agent} and {@code meso local}
   * turn it on.
   */
  public static final boolean DEFAULT_SERVE_HTTP = false;
  public static final long DEFAULT_PIDS_MAX = ExecutorOptions.DEFAULT_PIDS_MAX;
  public static final long DEFAULT_DISK_WATCH_INTERVAL_MILLIS = ExecutorOptions.DEFAULT_DISK_WATCH_INTERVAL_MILLIS;
  /** How often each running task's usage is sampled into its history (0: never); see {@link UsageRecorder}. */
  public static final long DEFAULT_USAGE_INTERVAL_MILLIS = 5_000;
  /** Samples kept per task: with the default interval, the last ten minutes. */
  public static final int DEFAULT_USAGE_HISTORY_SAMPLES = 120;

  private String hostname = DEFAULT_HOSTNAME;
  private int port = DEFAULT_PORT;
  private String workDir = DEFAULT_WORK_DIR;
  private String resources = DEFAULT_RESOURCES;
  private String attributes = DEFAULT_ATTRIBUTES;
  private long pingTimeoutMillis = DEFAULT_PING_TIMEOUT_MILLIS;
  private long registrationBackoffInitialMillis = DEFAULT_REGISTRATION_BACKOFF_INITIAL_MILLIS;
  private long registrationBackoffMaxMillis = DEFAULT_REGISTRATION_BACKOFF_MAX_MILLIS;
  private long registrationTimeoutMillis = DEFAULT_REGISTRATION_TIMEOUT_MILLIS;
  private long statusUpdateRetryInitialMillis = DEFAULT_STATUS_UPDATE_RETRY_INITIAL_MILLIS;
  private long statusUpdateRetryMaxMillis = DEFAULT_STATUS_UPDATE_RETRY_MAX_MILLIS;
  private long killGracePeriodMillis = DEFAULT_KILL_GRACE_PERIOD_MILLIS;
  private ExecutorMode executorMode = DEFAULT_EXECUTOR_MODE;
  private Isolation isolation = DEFAULT_ISOLATION;
  private long simulatedTaskDurationMillis = DEFAULT_SIMULATED_TASK_DURATION_MILLIS;
  private boolean sessions = DEFAULT_SESSIONS;
  private boolean checkpoint = DEFAULT_CHECKPOINT;
  private boolean killTasksOnStop = ExecutorOptions.DEFAULT_KILL_TASKS_ON_STOP;
  private long sandboxReadTimeoutMillis = DEFAULT_SANDBOX_READ_TIMEOUT_MILLIS;
  private boolean serveHttp = DEFAULT_SERVE_HTTP;
  private long pidsMax = DEFAULT_PIDS_MAX;
  private long diskWatchIntervalMillis = DEFAULT_DISK_WATCH_INTERVAL_MILLIS;
  private String dockerBinary = ExecutorOptions.DEFAULT_DOCKER_BINARY;
  private boolean dockerAllowPrivileged = ExecutorOptions.DEFAULT_DOCKER_ALLOW_PRIVILEGED;
  private String nvidiaSmi = ExecutorOptions.DEFAULT_NVIDIA_SMI;
  private boolean switchUser = ExecutorOptions.DEFAULT_SWITCH_USER;
  private String taskUser = ExecutorOptions.DEFAULT_TASK_USER;
  private boolean launchHelper = ExecutorOptions.DEFAULT_LAUNCH_HELPER;
  private boolean launchServer = ExecutorOptions.DEFAULT_LAUNCH_SERVER;
  private long usageIntervalMillis = DEFAULT_USAGE_INTERVAL_MILLIS;
  private int usageHistorySamples = DEFAULT_USAGE_HISTORY_SAMPLES;
  private io.meso.security.cluster.ClusterSecret clusterSecret;

  /**
   * The cluster secret ({@code --cluster-secret-file}): the agent proves it holds it with each
   * (re-)registration ({@link io.meso.security.cluster.AgentProof}); null sends no proof. Not in
   * {@link #toJson}.
   */
  public io.meso.security.cluster.ClusterSecret getClusterSecret() { return clusterSecret; }
  public AgentOptions setClusterSecret(io.meso.security.cluster.ClusterSecret secret) {
    this.clusterSecret = secret;
    return this;
  }

  /** Null: the agent's HTTP port asks no credentials (only loopback, or {@code --insecure}). */
  private io.meso.security.authn.Authenticator authenticator;
  private java.util.List<String> allowedHosts = java.util.List.of();

  /**
   * Who checks callers of the agent's own HTTP port ({@code --credentials}, {@code --jwt-key}; in
   * {@code meso local} the master's): every path but {@code /health} then needs credentials.
   * Null (the default): none asked. Not in {@link #toJson}.
   */
  public io.meso.security.authn.Authenticator getAuthenticator() { return authenticator; }
  public AgentOptions setAuthenticator(io.meso.security.authn.Authenticator authenticator) {
    this.authenticator = authenticator;
    return this;
  }

  /**
   * Host/Origin names the agent's port answers to besides its hostname, localhost and loopback
   * ({@code --allowed-hosts}); any other Host is refused (DNS rebinding). Not in {@link #toJson}.
   */
  public java.util.List<String> getAllowedHosts() { return allowedHosts; }
  public AgentOptions setAllowedHosts(java.util.List<String> allowedHosts) {
    this.allowedHosts = java.util.List.copyOf(allowedHosts);
    return this;
  }

  private io.meso.security.acl.Acls acls = io.meso.security.acl.Acls.allowAll();

  /**
   * ACLs for what the agent's own HTTP port shows ({@code --acls}; in {@code meso local} the
   * master's): {@code /state} and {@code /monitor/statistics} list only the frameworks the caller
   * may view_frameworks and the tasks it may view_tasks, as the master's views do. Default: allow
   * all. Not in {@link #toJson}.
   */
  public io.meso.security.acl.Acls getAcls() { return acls; }
  public AgentOptions setAcls(io.meso.security.acl.Acls acls) {
    this.acls = java.util.Objects.requireNonNull(acls, "acls");
    return this;
  }

  private java.util.List<String> gateways = java.util.List.of();
  private long gatewayKeepaliveMillis = io.meso.codecs.gateway.GatewayWire.DEFAULT_KEEPALIVE_MILLIS;
  private io.meso.security.tls.MutualTls gatewayTls;

  /**
   * The masters' agent gateways ({@code --master-gateway HOST:PORT,...}): empty (the default), the
   * agent is a member of the cluster and talks on its event bus; given, the agent's Vert.x is its
   * own and a {@link io.meso.agent.GatewayLink} carries its traffic through one of them.
   */
  public java.util.List<String> getGateways() { return gateways; }
  public AgentOptions setGateways(java.util.List<String> gateways) {
    for (String g : gateways) {
      io.meso.agent.GatewayLink.Endpoint.parse("--master-gateway", g);
    }
    this.gateways = java.util.List.copyOf(gateways);
    return this;
  }

  /** How often the gateway connection's ends show they are alive (a connection silent three times as long is dropped). */
  public long getGatewayKeepaliveMillis() { return gatewayKeepaliveMillis; }
  public AgentOptions setGatewayKeepaliveMillis(long millis) {
    if (millis < 10) {
      throw new IllegalArgumentException("gatewayKeepaliveMillis is " + millis + "; expected >= 10");
    }
    this.gatewayKeepaliveMillis = millis;
    return this;
  }

  /** Mutual TLS to the gateways ({@code --cluster-tls-*}); null: plain TCP. Not in {@link #toJson}. */
  public io.meso.security.tls.MutualTls getGatewayTls() { return gatewayTls; }
  public AgentOptions setGatewayTls(io.meso.security.tls.MutualTls tls) {
    this.gatewayTls = tls;
    return this;
  }

  public AgentOptions() {}

  public AgentOptions(AgentOptions other) {
    this(other.toJson());
    this.clusterSecret = other.clusterSecret; // never in the JSON form
    this.authenticator = other.authenticator;
    this.allowedHosts = other.allowedHosts;
    this.acls = other.acls;
    this.gatewayTls = other.gatewayTls;
  }

  public AgentOptions(JsonObject json) {
    hostname = json.getString("hostname", DEFAULT_HOSTNAME);
    port = json.getInteger("port", DEFAULT_PORT);
    workDir = json.getString("workDir", DEFAULT_WORK_DIR);
    resources = json.getString("resources", DEFAULT_RESOURCES);
    attributes = json.getString("attributes", DEFAULT_ATTRIBUTES);
    pingTimeoutMillis = json.getLong("pingTimeoutMillis", DEFAULT_PING_TIMEOUT_MILLIS);
    registrationBackoffInitialMillis =
        json.getLong("registrationBackoffInitialMillis", DEFAULT_REGISTRATION_BACKOFF_INITIAL_MILLIS);
    registrationBackoffMaxMillis = json.getLong("registrationBackoffMaxMillis", DEFAULT_REGISTRATION_BACKOFF_MAX_MILLIS);
    registrationTimeoutMillis = json.getLong("registrationTimeoutMillis", DEFAULT_REGISTRATION_TIMEOUT_MILLIS);
    statusUpdateRetryInitialMillis =
        json.getLong("statusUpdateRetryInitialMillis", DEFAULT_STATUS_UPDATE_RETRY_INITIAL_MILLIS);
    statusUpdateRetryMaxMillis = json.getLong("statusUpdateRetryMaxMillis", DEFAULT_STATUS_UPDATE_RETRY_MAX_MILLIS);
    killGracePeriodMillis = json.getLong("killGracePeriodMillis", DEFAULT_KILL_GRACE_PERIOD_MILLIS);
    executorMode = ExecutorMode.valueOf(json.getString("executorMode", DEFAULT_EXECUTOR_MODE.name()));
    isolation = Isolation.valueOf(json.getString("isolation", DEFAULT_ISOLATION.name()));
    simulatedTaskDurationMillis = json.getLong("simulatedTaskDurationMillis", DEFAULT_SIMULATED_TASK_DURATION_MILLIS);
    sessions = json.getBoolean("sessions", DEFAULT_SESSIONS);
    checkpoint = json.getBoolean("checkpoint", DEFAULT_CHECKPOINT);
    killTasksOnStop = json.getBoolean("killTasksOnStop", ExecutorOptions.DEFAULT_KILL_TASKS_ON_STOP);
    sandboxReadTimeoutMillis = json.getLong("sandboxReadTimeoutMillis", DEFAULT_SANDBOX_READ_TIMEOUT_MILLIS);
    serveHttp = json.getBoolean("serveHttp", DEFAULT_SERVE_HTTP);
    pidsMax = json.getLong("pidsMax", DEFAULT_PIDS_MAX);
    diskWatchIntervalMillis = json.getLong("diskWatchIntervalMillis", DEFAULT_DISK_WATCH_INTERVAL_MILLIS);
    dockerBinary = json.getString("dockerBinary", ExecutorOptions.DEFAULT_DOCKER_BINARY);
    dockerAllowPrivileged = json.getBoolean("dockerAllowPrivileged", ExecutorOptions.DEFAULT_DOCKER_ALLOW_PRIVILEGED);
    nvidiaSmi = json.getString("nvidiaSmi", ExecutorOptions.DEFAULT_NVIDIA_SMI);
    switchUser = json.getBoolean("switchUser", ExecutorOptions.DEFAULT_SWITCH_USER);
    setTaskUser(json.getString("taskUser", ExecutorOptions.DEFAULT_TASK_USER));
    launchHelper = json.getBoolean("launchHelper", ExecutorOptions.DEFAULT_LAUNCH_HELPER);
    launchServer = json.getBoolean("launchServer", ExecutorOptions.DEFAULT_LAUNCH_SERVER);
    usageIntervalMillis = json.getLong("usageIntervalMillis", DEFAULT_USAGE_INTERVAL_MILLIS);
    usageHistorySamples = json.getInteger("usageHistorySamples", DEFAULT_USAGE_HISTORY_SAMPLES);
    io.vertx.core.json.JsonArray gatewayList = json.getJsonArray("gateways");
    if (gatewayList != null) {
      java.util.List<String> list = new java.util.ArrayList<>();
      gatewayList.forEach(g -> list.add(String.valueOf(g)));
      setGateways(list);
    }
    gatewayKeepaliveMillis = json.getLong("gatewayKeepaliveMillis",
        io.meso.codecs.gateway.GatewayWire.DEFAULT_KEEPALIVE_MILLIS);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("port", port)
        .put("pingTimeoutMillis", pingTimeoutMillis)
        .put("registrationBackoffInitialMillis", registrationBackoffInitialMillis)
        .put("registrationBackoffMaxMillis", registrationBackoffMaxMillis)
        .put("registrationTimeoutMillis", registrationTimeoutMillis)
        .put("statusUpdateRetryInitialMillis", statusUpdateRetryInitialMillis)
        .put("statusUpdateRetryMaxMillis", statusUpdateRetryMaxMillis)
        .put("killGracePeriodMillis", killGracePeriodMillis)
        .put("executorMode", executorMode.name())
        .put("isolation", isolation.name())
        .put("simulatedTaskDurationMillis", simulatedTaskDurationMillis)
        .put("sessions", sessions)
        .put("checkpoint", checkpoint)
        .put("killTasksOnStop", killTasksOnStop)
        .put("sandboxReadTimeoutMillis", sandboxReadTimeoutMillis)
        .put("serveHttp", serveHttp)
        .put("pidsMax", pidsMax)
        .put("diskWatchIntervalMillis", diskWatchIntervalMillis)
        .put("dockerBinary", dockerBinary)
        .put("dockerAllowPrivileged", dockerAllowPrivileged)
        .put("nvidiaSmi", nvidiaSmi)
        .put("switchUser", switchUser)
        .put("taskUser", taskUser)
        .put("launchHelper", launchHelper)
        .put("launchServer", launchServer)
        .put("usageIntervalMillis", usageIntervalMillis)
        .put("usageHistorySamples", usageHistorySamples)
        .put("gateways", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(gateways)))
        .put("gatewayKeepaliveMillis", gatewayKeepaliveMillis);
    putIfSet(json, "hostname", hostname);
    putIfSet(json, "workDir", workDir);
    putIfSet(json, "resources", resources);
    putIfSet(json, "attributes", attributes);
    return json;
  }

  /** The executor settings these options imply. */
  public ExecutorOptions toExecutorOptions() {
    return new ExecutorOptions()
        .setIsolation(isolation)
        .setKillGracePeriodMillis(killGracePeriodMillis)
        .setSimulatedTaskDurationMillis(simulatedTaskDurationMillis)
        .setSessions(sessions)
        .setKillTasksOnStop(killTasksOnStop)
        .setPidsMax(pidsMax)
        .setDiskWatchIntervalMillis(diskWatchIntervalMillis)
        .setDockerBinary(dockerBinary)
        .setDockerAllowPrivileged(dockerAllowPrivileged)
        .setNvidiaSmi(nvidiaSmi)
        .setSwitchUser(switchUser)
        .setTaskUser(taskUser)
        .setLaunchHelper(launchHelper)
        .setLaunchServer(launchServer);
  }

  /** The host name the agent advertises; null until set (the agent then uses the local host name). */
  public String getHostname() { return hostname; }

  public AgentOptions setHostname(String hostname) {
    this.hostname = hostname;
    return this;
  }

  /**
   * The port advertised in AgentInfo.port, and the one the agent's HTTP server listens on when
   * {@link #isServeHttp()}; 0 then means any free port, and the bound one is advertised.
   */
  public int getPort() { return port; }

  public AgentOptions setPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    }
    this.port = port;
    return this;
  }

  /** The work directory: set, or {@code ${java.io.tmpdir}/meso/agent-<port>}. */
  public String getWorkDir() {
    return workDir != null ? workDir
        : Path.of(System.getProperty("java.io.tmpdir"), "meso", "agent-" + port).toString();
  }

  public AgentOptions setWorkDir(String workDir) {
    this.workDir = workDir;
    return this;
  }

  /** Resources overriding detection by name, e.g. {@code cpus:4;mem:8192;ports:[31000-32000];gpus:1}. */
  public String getResources() { return resources; }

  public AgentOptions setResources(String resources) {
    this.resources = resources;
    return this;
  }

  /** Attributes, e.g. {@code rack:r1;zone:a;level:3} (numbers become SCALAR, [a-b] RANGES, else TEXT). */
  public String getAttributes() { return attributes; }

  public AgentOptions setAttributes(String attributes) {
    this.attributes = attributes;
    return this;
  }

  /**
   * Without a ping from the master for this long the agent re-registers. The effective timeout
   * is at least twice the ping interval the master announces at registration.
   */
  public long getPingTimeoutMillis() { return pingTimeoutMillis; }

  public AgentOptions setPingTimeoutMillis(long millis) {
    this.pingTimeoutMillis = positive("pingTimeoutMillis", millis);
    return this;
  }

  public long getRegistrationBackoffInitialMillis() { return registrationBackoffInitialMillis; }

  public AgentOptions setRegistrationBackoffInitialMillis(long millis) {
    this.registrationBackoffInitialMillis = positive("registrationBackoffInitialMillis", millis);
    return this;
  }

  public long getRegistrationBackoffMaxMillis() { return registrationBackoffMaxMillis; }

  public AgentOptions setRegistrationBackoffMaxMillis(long millis) {
    this.registrationBackoffMaxMillis = positive("registrationBackoffMaxMillis", millis);
    return this;
  }

  /** How long one registration request waits for the master's answer. */
  public long getRegistrationTimeoutMillis() { return registrationTimeoutMillis; }

  public AgentOptions setRegistrationTimeoutMillis(long millis) {
    this.registrationTimeoutMillis = positive("registrationTimeoutMillis", millis);
    return this;
  }

  /** First resend of an unacknowledged status update; doubles up to {@link #getStatusUpdateRetryMaxMillis()}. */
  public long getStatusUpdateRetryInitialMillis() { return statusUpdateRetryInitialMillis; }

  public AgentOptions setStatusUpdateRetryInitialMillis(long millis) {
    this.statusUpdateRetryInitialMillis = positive("statusUpdateRetryInitialMillis", millis);
    return this;
  }

  public long getStatusUpdateRetryMaxMillis() { return statusUpdateRetryMaxMillis; }

  public AgentOptions setStatusUpdateRetryMaxMillis(long millis) {
    this.statusUpdateRetryMaxMillis = positive("statusUpdateRetryMaxMillis", millis);
    return this;
  }

  /** SIGTERM-to-SIGKILL grace when neither the kill nor the task names a kill policy. */
  public long getKillGracePeriodMillis() { return killGracePeriodMillis; }

  public AgentOptions setKillGracePeriodMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("killGracePeriodMillis must be >= 0, was " + millis);
    }
    this.killGracePeriodMillis = millis;
    return this;
  }

  /**
   * How long one sandbox file read (list, read, a download chunk) may take before it is answered
   * 504 and abandoned; a read still running after that makes the agent report itself not ready.
   */
  public long getSandboxReadTimeoutMillis() { return sandboxReadTimeoutMillis; }

  public AgentOptions setSandboxReadTimeoutMillis(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("sandboxReadTimeoutMillis must be > 0, was " + millis);
    }
    this.sandboxReadTimeoutMillis = millis;
    return this;
  }

  public ExecutorMode getExecutorMode() { return executorMode; }

  public AgentOptions setExecutorMode(ExecutorMode executorMode) {
    this.executorMode = Objects.requireNonNull(executorMode, "executorMode");
    return this;
  }

  public Isolation getIsolation() { return isolation; }

  public AgentOptions setIsolation(Isolation isolation) {
    this.isolation = Objects.requireNonNull(isolation, "isolation");
    return this;
  }

  /** With {@link ExecutorMode#SIMULATED}: how long a task runs when its data names no duration. */
  public long getSimulatedTaskDurationMillis() { return simulatedTaskDurationMillis; }

  public AgentOptions setSimulatedTaskDurationMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("simulatedTaskDurationMillis must be >= 0, was " + millis);
    }
    this.simulatedTaskDurationMillis = millis;
    return this;
  }

  /**
   * Whether the agent checkpoints its tasks (launch, pid, status updates and acknowledgements,
   * under {@code <workDir>/meta/tasks}) so that they keep running when the agent process dies and
   * a restarted agent with the same work dir picks them up again. Only with the process executor.
   */
  public boolean isCheckpoint() { return checkpoint; }

  public AgentOptions setCheckpoint(boolean checkpoint) {
    this.checkpoint = checkpoint;
    return this;
  }

  /**
   * Whether stopping the agent (undeploy, SIGTERM) kills its tasks. Without it they keep running
   * and a restarted agent on the same work dir recovers them (see {@link #isCheckpoint()}).
   */
  public boolean isKillTasksOnStop() { return killTasksOnStop; }

  public AgentOptions setKillTasksOnStop(boolean killTasksOnStop) {
    this.killTasksOnStop = killTasksOnStop;
    return this;
  }

  /** Whether each task leads its own session (setsid); see {@link ExecutorOptions#isSessions()}. */
  public boolean isSessions() { return sessions; }

  public AgentOptions setSessions(boolean sessions) {
    this.sessions = sessions;
    return this;
  }

  /**
   * Whether the agent serves {@code /state}, {@code /monitor/statistics}, {@code /metrics/snapshot},
   * {@code /health} and {@code /metrics} on its host name (all interfaces when none is set) and port.
   */
  public boolean isServeHttp() { return serveHttp; }

  public AgentOptions setServeHttp(boolean serveHttp) {
    this.serveHttp = serveHttp;
    return this;
  }

  /** Each task's process limit with cgroups isolation ({@code pids.max}); 0: unlimited. */
  public long getPidsMax() { return pidsMax; }

  public AgentOptions setPidsMax(long pidsMax) {
    if (pidsMax < 0) {
      throw new IllegalArgumentException("pidsMax must be >= 0, was " + pidsMax);
    }
    this.pidsMax = pidsMax;
    return this;
  }

  /** How old a sandbox's measured disk usage may get before a usage sample measures it again. */
  /** Whether DOCKER tasks may ask for host privileges (see ExecutorOptions; default false). */
  public boolean isDockerAllowPrivileged() { return dockerAllowPrivileged; }

  public AgentOptions setDockerAllowPrivileged(boolean allow) {
    this.dockerAllowPrivileged = allow;
    return this;
  }

  /** The docker binary of the docker containerizer (default {@code docker} on PATH; see ExecutorOptions). */
  public String getDockerBinary() { return dockerBinary; }

  public AgentOptions setDockerBinary(String dockerBinary) {
    new ExecutorOptions().setDockerBinary(dockerBinary); // validates
    this.dockerBinary = dockerBinary;
    return this;
  }

  /** The nvidia-smi that lists GPUs (default on PATH): the agent offers {@code gpus} = their count. */
  public String getNvidiaSmi() { return nvidiaSmi; }

  public AgentOptions setNvidiaSmi(String nvidiaSmi) {
    new ExecutorOptions().setNvidiaSmi(nvidiaSmi); // validates
    this.nvidiaSmi = nvidiaSmi;
    return this;
  }

  /** Whether a root agent runs tasks as their users (default true); see {@link ExecutorOptions#isSwitchUser()}. */
  public boolean isSwitchUser() { return switchUser; }

  public AgentOptions setSwitchUser(boolean switchUser) {
    this.switchUser = switchUser;
    return this;
  }

  /** Whether tasks launch with the native helper (default true); see {@link ExecutorOptions#isLaunchHelper()}. */
  public boolean isLaunchHelper() { return launchHelper; }

  public AgentOptions setLaunchHelper(boolean launchHelper) {
    this.launchHelper = launchHelper;
    return this;
  }

  /** Whether launches go through the launch server; see {@link ExecutorOptions#isLaunchServer()}. */
  public boolean isLaunchServer() { return launchServer; }

  public AgentOptions setLaunchServer(boolean launchServer) {
    this.launchServer = launchServer;
    return this;
  }

  /** The user of tasks that name none (default nobody); see {@link ExecutorOptions#getTaskUser()}. */
  public String getTaskUser() { return taskUser; }

  public AgentOptions setTaskUser(String taskUser) {
    new ExecutorOptions().setTaskUser(taskUser); // validates
    this.taskUser = taskUser;
    return this;
  }

  public long getDiskWatchIntervalMillis() { return diskWatchIntervalMillis; }

  public AgentOptions setDiskWatchIntervalMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("diskWatchIntervalMillis must be >= 0, was " + millis);
    }
    this.diskWatchIntervalMillis = millis;
    return this;
  }

  /** How often each running task's usage is sampled into the history the operator API shows; 0: never. */
  public long getUsageIntervalMillis() { return usageIntervalMillis; }

  public AgentOptions setUsageIntervalMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("usageIntervalMillis must be >= 0, was " + millis);
    }
    this.usageIntervalMillis = millis;
    return this;
  }

  /** How many usage samples are kept per task (the oldest is dropped first). */
  public int getUsageHistorySamples() { return usageHistorySamples; }

  public AgentOptions setUsageHistorySamples(int samples) {
    this.usageHistorySamples = (int) positive("usageHistorySamples", samples);
    return this;
  }

  private static long positive(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, was " + value);
    }
    return value;
  }

  private static void putIfSet(JsonObject json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
