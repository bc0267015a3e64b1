package io.meso.scheduler;

import io.meso.api.GetStateRequest;
import io.meso.api.GetStateResponse;
import io.meso.api.GetTasksRequest;
import io.meso.api.GetTasksResponse;
import io.meso.api.KillTaskRequest;
import io.meso.api.KillTaskResponse;
import io.meso.api.OperatorGrpcClient;
import io.meso.api.ReadFileRequest;
import io.meso.api.ReadFileResponse;
import io.meso.v1.TaskID;
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
  private final MasterEndpoints masters;
  private volatile boolean closed;

  /** A client of several masters: calls go to the one that answered last, and move on while one is unavailable. */
  public GrpcOperatorClient(Vertx vertx, java.util.List<SocketAddress> masters) {
    this.client = GrpcCalls.client(vertx);
    this.masters = new MasterEndpoints(masters).onContext(vertx.getOrCreateContext());
  }

  public GrpcOperatorClient(Vertx vertx, SocketAddress server) {
    this(vertx, java.util.List.of(server));
  }

  public GrpcOperatorClient(Vertx vertx, String host, int port) {
    this(vertx, SocketAddress.inetSocketAddress(port, host));
  }

  /** The master that answered last. */
  public SocketAddress server() {
    return masters.current();
  }

  private <Req, Resp> Future<Resp> unary(io.vertx.grpc.common.ServiceMethod<Resp, Req> method, Req request) {
    if (closed) {
      return Future.failedFuture(new ApiException(ApiException.UNAVAILABLE, "the operator client is closed"));
    }
    return masters.call(server -> GrpcCalls.unary(client, server, method, request));
  }

  /** Sets role weights (each positive and finite). */
  public Future<io.meso.api.SetWeightsResponse> setWeights(io.meso.api.SetWeightsRequest request) {
    return unary(OperatorGrpcClient.SetWeights, request);
  }

  /** Roles with their weights and dominant shares. */
  public Future<io.meso.api.GetRolesResponse> getRoles() {
    return unary(OperatorGrpcClient.GetRoles, io.meso.api.GetRolesRequest.getDefaultInstance());
  }

  /** Sets roles' quota (guarantees and limits); the whole request is checked before any of it applies. */
  public Future<io.meso.api.SetQuotaResponse> setQuota(io.meso.api.SetQuotaRequest request) {
    return unary(OperatorGrpcClient.SetQuota, request);
  }

  public Future<io.meso.api.GetQuotaResponse> getQuota() {
    return unary(OperatorGrpcClient.GetQuota, io.meso.api.GetQuotaRequest.getDefaultInstance());
  }

  /** Why agents were not offered to frameworks, counted by reason. */
  public Future<io.meso.api.GetOfferSkipsResponse> getOfferSkips(io.meso.api.GetOfferSkipsRequest request) {
    return unary(OperatorGrpcClient.GetOfferSkips, request);
  }

  public Future<io.meso.api.DrainAgentResponse> drainAgent(io.meso.api.DrainAgentRequest request) {
    return unary(OperatorGrpcClient.DrainAgent, request);
  }

  /**
   * Marks an agent gone for good (Mesos MARK_AGENT_GONE): its tasks end TASK_GONE_BY_OPERATOR and
   * it can never register again under that id. Idempotent.
   */
  public Future<io.meso.api.MarkAgentGoneResponse> markAgentGone(io.meso.api.MarkAgentGoneRequest request) {
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

  public Future<ReadFileResponse> readFile(ReadFileRequest request) {
    return unary(OperatorGrpcClient.ReadFile, request);
  }

  public Future<Void> close() {
    closed = true;
    return client.close();
  }
}
