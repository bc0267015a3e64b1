package io.meso.executor;

import io.meso.executor.isolation.Isolators;
import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.HealthCheck;
import io.meso.v1.NetworkInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes the {@link HealthProbe} for a task's {@link HealthCheck}, the way Mesos's checker runs
 * them (src/checks/checker_process.cpp), without blocking the event loop:
 * <ul>
 *   <li>COMMAND: the check's command as a process in the task's sandbox, with the task's
 *       environment plus the check command's own variables, inside the task's isolation (its
 *       pid and mount namespaces: {@link Isolators#enter}), as the task's user and without
 *       capabilities ({@link TaskPrivileges}), healthy on
 *       exit status 0. Spawned on the executor's spawn pool, awaited by its
 *       {@link ExitWatcher}; output discarded; a check that times out is SIGKILLed with its
 *       descendants.</li>
 *   <li>HTTP: GET {@code scheme://127.0.0.1:port/path} ({@code [::1]} for IPv6) on a fresh
 *       connection (Mesos runs curl each time), the body read to its end; healthy on 2xx/3xx, or
 *       on one of {@code statuses} when given. https does not verify the certificate (Mesos:
 *       curl -k).</li>
 *   <li>TCP: healthy when a connection to 127.0.0.1:port ({@code ::1} for IPv6) is
 *       established; it is closed at once.</li>
 * </ul>
 * Event-loop confined to the executor's context; {@link #close()} when the executor stops.
 */
final class HealthProbes {

  private static final File DEV_NULL = new File("/dev/null");

  private final Vertx vertx;
  private final Context context;
  private final WorkerExecutor worker;
  private final ExitWatcher exits;
  private final Map<String, String> inherited;
  private final String agentId;
  private final Isolators isolators;
  private final TaskPrivileges privileges;
  private final HttpClientAgent http;
  private final NetClient tcp;
  private HttpClientAgent https;

  HealthProbes(Vertx vertx, Context context, WorkerExecutor worker, ExitWatcher exits, String agentId,
      Isolators isolators, TaskPrivileges privileges) {
    this.privileges = privileges;
    this.vertx = vertx;
    this.isolators = isolators;
    this.context = context;
    this.worker = worker;
    this.exits = exits;
    this.agentId = agentId;
    this.inherited = TaskEnvironment.inherited();
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    this.tcp = vertx.createNetClient();
  }

  /** The probe for the task's health check (validated before launch: see io.meso.codecs.HealthChecks). */
  HealthProbe of(ProcessTask task) {
    HealthCheck check = task.launch.task().getHealthCheck();
    return switch (check.getType()) {
      case COMMAND -> command(task, check.getCommand());
      case HTTP -> http(check.getHttp());
      case TCP -> tcp(check.getTcp());
      case UNKNOWN -> done -> {
        done.handle("health check type UNKNOWN cannot be run");
        return () -> { };
      };
    };
  }

  Future<?> close() {
    return Future.join(http.close(), tcp.close(), https == null ? Future.succeededFuture() : https.close());
  }

  private HealthProbe command(ProcessTask task, CommandInfo command) {
    LaunchTask launch = task.launch;
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c"));
    if (command.getShell()) {
      argv.add(command.getValue());
    } else { // the shell finds the executable in the task's PATH, as execvp would
      argv.addAll(List.of("exec \"$@\"", "meso-health-check", command.getValue()));
      List<String> arguments = command.getArgumentsList();
      argv.addAll(arguments.isEmpty() ? List.of() : arguments.subList(1, arguments.size()));
    }
    Map<String, String> env = TaskEnvironment.build(inherited, agentId, launch);
    for (Environment.Variable v : command.getEnvironment().getVariablesList()) {
      if (v.getType() != Environment.Variable.Type.SECRET) {
        env.put(v.getName(), v.getValue());
      }
    }
    File sandbox = new File(launch.sandbox());
    return done -> {
      Process[] process = new Process[1];
      boolean[] abandoned = new boolean[1];
      worker.executeBlocking(() -> {
        List<String> inside = new ArrayList<>(isolators.enter(task.container));
        inside.addAll(privileges.resolve(task.launch, task.dockerName != null).argv());
        inside.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(inside).directory(sandbox)
            .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
      }, false).onComplete(ar -> {
        if (ar.failed()) {
          done.handle("Failed to run the health check command: " + ar.cause().getMessage());
          return;
        }
        process[0] = ar.result();
        if (abandoned[0]) {
          destroy(process[0]);
          return;
        }
        exits.watch(process[0], process[0]::exitValue, context, exit -> done.handle(
            exit.failed() ? "Health check command: " + exit.cause()
                : exit.result() == 0 ? null : ExitStatuses.describe(exit.result())));
      });
      return () -> {
        abandoned[0] = true;
        if (process[0] != null) {
          destroy(process[0]);
        }
      };
    };
  }

  private void destroy(Process process) {
    vertx.executeBlocking(() -> {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      return null;
    }, false);
  }

  private HealthProbe http(HealthCheck.HTTPCheckInfo info) {
    boolean ssl = info.getScheme().equals("https");
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
        .setHost(loopback(info.getProtocol())).setPort(info.getPort())
        .setURI(info.hasPath() ? info.getPath() : "/").setSsl(ssl);
    List<Integer> statuses = info.getStatusesList();
    return done -> {
      HttpClientRequest[] sent = new HttpClientRequest[1];
      client(ssl).request(request)
          .compose(req -> {
            sent[0] = req;
            return req.send();
          })
          .compose(resp -> resp.end().map(v -> resp.statusCode()))
          .onComplete(ar -> {
            if (ar.failed()) {
              done.handle("HTTP GET " + url(request) + " failed: " + ar.cause().getMessage());
            } else {
              int status = ar.result();
              boolean ok = statuses.isEmpty() ? status >= 200 && status < 400 : statuses.contains(status);
              done.handle(ok ? null : "HTTP GET " + url(request) + " answered " + status + ", expected "
                  + (statuses.isEmpty() ? "2xx or 3xx" : "one of " + statuses));
            }
          });
      return () -> {
        if (sent[0] != null) {
          sent[0].reset();
        }
      };
    };
  }

  private HttpClientAgent client(boolean ssl) {
    if (!ssl) {
      return http;
    }
    if (https == null) {
      https = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setSsl(true).setTrustAll(true)
          .setVerifyHost(false));
    }
    return https;
  }

  private static String url(RequestOptions r) {
    String host = r.getHost().contains(":") ? "[" + r.getHost() + "]" : r.getHost();
    return (Boolean.TRUE.equals(r.isSsl()) ? "https" : "http") + "://" + host + ":" + r.getPort() + r.getURI();
  }

  private HealthProbe tcp(HealthCheck.TCPCheckInfo info) {
    String host = loopback(info.getProtocol());
    int port = info.getPort();
    return done -> {
      tcp.connect(port, host).onComplete(ar -> {
        if (ar.failed()) {
          done.handle("TCP connection to " + host + ":" + port + " failed: " + ar.cause().getMessage());
          return;
        }
        ar.result().close(); // also when the check was abandoned meanwhile
        done.handle(null);
      });
      return () -> { }; // nothing to abandon until connected
    };
  }

  private static String loopback(NetworkInfo.Protocol protocol) {
    return protocol == NetworkInfo.Protocol.IPv6 ? "::1" : "127.0.0.1";
  }
}
