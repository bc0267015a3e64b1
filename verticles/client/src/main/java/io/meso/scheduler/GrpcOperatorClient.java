package io.meso.scheduler;

import io.meso.proto.GetStateRequest;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTasksRequest;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.KillTaskRequest;
import io.meso.proto.KillTaskResponse;
import io.meso.proto.OperatorGrpcClient;
import io.meso.proto.ReadFileRequest;
import io.meso.proto.ReadFileResponse;
import io.meso.v1.TaskID;
import io.meso.security.tls.ClientTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;

/**
 * The master's Operator service over gRPC: state, tasks, killing a task, reading a task's
 * sandbox files. Failures are {@link ApiException}s (404 for an unknown task, 503 when the
 * master cannot be reached).
 */
public final class GrpcOperatorClient {

  private final GrpcClient client;
  private final ClientTls tls;
  private final MasterEndpoints masters;
  private volatile boolean closed;
  /** The Authorization metadata every call carries; null: none. */
  private volatile String authorization;

  /** A client of several masters: calls go to the one that answered last, and move on while one is unavailable. */
  public GrpcOperatorClient(Vertx vertx, java.util.List<SocketAddress> masters) {
    this(vertx, masters, null);
  }

  /**
   * A client of masters serving TLS, verifying their certificates with {@code tls} (null:
   * cleartext).
   */
  public GrpcOperatorClient(Vertx vertx, java.util.List<SocketAddress> masters, ClientTls tls) {
    this.tls = tls;
    this.client = GrpcCalls.client(vertx, tls);
    this.masters = new MasterEndpoints(masters).onContext(vertx.getOrCreateContext());
  }

  public GrpcOperatorClient(Vertx vertx, SocketAddress server) {
    this(vertx, java.util.List.of(server));
  }

  public GrpcOperatorClient(Vertx vertx, String host, int port) {
    this(vertx, SocketAddress.inetSocketAddress(port, host));
  }

  /**
   * Sends {@code credentials} with every call (gRPC metadata {@code authorization}), for a master
   * that requires authentication; null sends none.
   */
  public GrpcOperatorClient withCredentials(ClientCredentials credentials) {
    this.authorization = credentials == null ? null : credentials.authorization();
    return this;
  }

  /** The master that answered last. */
  public SocketAddress server() {
    return masters.current();
  }

  private <Req, Resp> Future<Resp> unary(io.vertx.grpc.common.ServiceMethod<Resp, Req> method, Req request) {
    if (closed) {
      return Future.failedFuture(new ApiException(ApiException.UNAVAILABLE, "the operator client is closed"));
    }
    String auth = authorization;
    java.util.Map<String, String> metadata = auth == null ? java.util.Map.of()
        : java.util.Map.of(GrpcCalls.AUTHORIZATION_METADATA, auth);
    return masters.call(server -> GrpcCalls.unary(client, tls, server, method, request, metadata));
  }

  /** Sets role weights (each positive and finite). */
  public Future<io.meso.proto.SetWeightsResponse> setWeights(io.meso.proto.SetWeightsRequest request) {
    return unary(OperatorGrpcClient.SetWeights, request);
  }

  /** Roles with their weights and dominant shares. */
  public Future<io.meso.proto.GetRolesResponse> getRoles() {
    return unary(OperatorGrpcClient.GetRoles, io.meso.proto.GetRolesRequest.getDefaultInstance());
  }

  /** Sets roles' quota (guarantees and limits); the whole request is checked before any of it applies. */
  public Future<io.meso.proto.SetQuotaResponse> setQuota(io.meso.proto.SetQuotaRequest request) {
    return unary(OperatorGrpcClient.SetQuota, request);
  }

  public Future<io.meso.proto.GetQuotaResponse> getQuota() {
    return unary(OperatorGrpcClient.GetQuota, io.meso.proto.GetQuotaRequest.getDefaultInstance());
  }

  /** Why agents were not offered to frameworks, counted by reason. */
  public Future<io.meso.proto.GetOfferSkipsResponse> getOfferSkips(io.meso.proto.GetOfferSkipsRequest request) {
    return unary(OperatorGrpcClient.GetOfferSkips, request);
  }

  public Future<io.meso.proto.DrainAgentResponse> drainAgent(io.meso.proto.DrainAgentRequest request) {
    return unary(OperatorGrpcClient.DrainAgent, request);
  }

  /**
   * Marks an agent gone for good (Mesos MARK_AGENT_GONE): its tasks end TASK_GONE_BY_OPERATOR and
   * it can never register again under that id. Idempotent.
   */
  public Future<io.meso.proto.MarkAgentGoneResponse> markAgentGone(io.meso.proto.MarkAgentGoneRequest request) {
    return unary(OperatorGrpcClient.MarkAgentGone, request);
  }

  public Future<GetStateResponse> getState() {
    return unary(OperatorGrpcClient.GetState, GetStateRequest.getDefaultInstance());
  }

  /** Active tasks, and the terminal ones the master remembers when {@code includeCompleted}. */
  public Future<GetTasksResponse> getTasks(boolean includeCompleted) {
    return unary(OperatorGrpcClient.GetTasks,
        GetTasksRequest.newBuilder().setIncludeCompleted(includeCompleted).build());
  }

  public Future<KillTaskResponse> killTask(KillTaskRequest request) {
    return unary(OperatorGrpcClient.KillTask, request);
  }

  public Future<KillTaskResponse> killTask(String taskId) {
    return killTask(KillTaskRequest.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).build());
  }

  /** Removes a framework and kills its tasks (Mesos TEARDOWN); needs teardown_frameworks under ACLs. */
  public Future<io.meso.proto.TeardownResponse> teardown(io.meso.proto.TeardownRequest request) {
    return unary(OperatorGrpcClient.Teardown, request);
  }

  public Future<ReadFileResponse> readFile(ReadFileRequest request) {
    return unary(OperatorGrpcClient.ReadFile, request);
  }

  /** One task's usage samples over the last minutes, kept by its agent (see GetTaskUsageRequest in api.proto). */
  public Future<io.meso.proto.GetTaskUsageResponse> taskUsage(io.meso.proto.GetTaskUsageRequest request) {
    return unary(OperatorGrpcClient.GetTaskUsage, request);
  }

  public Future<Void> close() {
    closed = true;
    return client.close();
  }
}
