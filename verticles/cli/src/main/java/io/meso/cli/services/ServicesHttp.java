package io.meso.cli.services;

import io.meso.scheduler.MasterAddress;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The services framework's Marathon-compatible /v2 API as the CLI calls it: plain blocking HTTP
 * from the command's own thread (a CLI has no event loop to protect), to the first of the given
 * masters that answers (any master serves /v2, forwarding to the leader). Turns answers into the
 * exit codes {@link Exit} names and one plain line per problem.
 */
public final class ServicesHttp {

  /** The exit codes of the app and deployment commands. */
  public static final class Exit {
    public static final int OK = 0;
    /** The master refused the request for a reason not listed below. */
    public static final int REFUSED = 1;
    /** No master answered. */
    public static final int UNREACHABLE = 2;
    /** The app or deployment does not exist (404). */
    public static final int NOT_FOUND = 3;
    /** The definition or request is invalid (400, 422); each problem was printed. */
    public static final int INVALID = 4;
    /** The app is locked by a deployment (409); --force overrides. */
    public static final int LOCKED = 5;

    private Exit() {}
  }

  /** An answer: its status and body. */
  public record Answer(int status, String body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    public JsonObject json() {
      try {
        return body.isBlank() ? new JsonObject() : new JsonObject(body);
      } catch (DecodeException e) {
        return new JsonObject().put("message", body.strip());
      }
    }

    public JsonArray jsonArray() {
      return new JsonArray(body);
    }
  }

  /** No master answered; the message says which were tried. */
  public static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message);
    }
  }

  private final List<SocketAddress> masters;
  private final HttpClient client;
  private final Duration timeout;
  private final io.meso.security.tls.ClientTls tls;
  /** The Authorization header every request carries; null: none. */
  private String authorization;

  public ServicesHttp(List<SocketAddress> masters, Duration timeout) {
    this(masters, timeout, null);
  }

  /** Over TLS to the masters, verifying their certificates with {@code tls}; null: cleartext. */
  public ServicesHttp(List<SocketAddress> masters, Duration timeout, io.meso.security.tls.ClientTls tls) {
    this.masters = masters;
    this.timeout = timeout;
    this.tls = tls;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      builder.sslContext(tls.sslContext());
    }
    this.client = builder.build();
  }

  /** Sends this Authorization value (Basic or Bearer) with every request; null sends none. */
  public ServicesHttp authorization(String authorization) {
    this.authorization = authorization;
    return this;
  }

  /** Sends a request to the first master that answers; {@code body} null for none. */
  public Answer send(String method, String pathAndQuery, String body) throws Unreachable, InterruptedException {
    IOException last = null;
    String tlsTrouble = null;
    for (SocketAddress master : masters) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((tls == null ? "http" : "https") + "://"
              + MasterAddress.format(master)
              + pathAndQuery))
          .timeout(timeout)
          .header("Accept", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      try {
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
      } catch (IOException e) {
        last = e;
        String trouble = io.meso.security.tls.ClientTls.explain(e, tls, MasterAddress.format(master));
        tlsTrouble = trouble == null ? tlsTrouble : trouble;
      }
    }
    if (tlsTrouble != null) {
      throw new Unreachable(tlsTrouble);
    }
    throw new Unreachable("cannot reach a master at " + MasterAddress.format(masters)
        + (last == null || last.getMessage() == null ? "" : " (" + last.getMessage() + ")")
        + "; is `meso local` or `meso master` running there? (--master HOST:PORT"
        + (tls == null && last != null && !(last instanceof java.net.ConnectException)
            ? "; if it serves TLS: --ca-cert FILE or https://HOST:PORT" : "") + ")");
  }

  /** The path of an app id in /v2/apps: its segments, each URL-encoded, without the leading slash. */
  public static String appPath(String id) {
    StringBuilder path = new StringBuilder();
    for (String segment : id.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return path.toString();
  }

  /**
   * Prints why a request failed (the message, and each 422 detail as "path: error") and returns
   * the exit code for its status.
   */
  public static int refused(PrintStream err, String what, Answer answer) {
    JsonObject body = answer.json();
    String message = body.getString("message", "HTTP " + answer.status());
    err.println("meso: " + what + ": " + message);
    JsonArray details = body.getValue("details") instanceof JsonArray a ? a : new JsonArray();
    for (int i = 0; i < details.size(); i++) {
      JsonObject detail = details.getJsonObject(i);
      JsonArray errors = detail.getJsonArray("errors", new JsonArray());
      for (int j = 0; j < errors.size(); j++) {
        err.println("  " + detail.getString("path", "/") + ": " + errors.getValue(j));
      }
    }
    if (body.getValue("deployments") instanceof JsonArray deployments && !deployments.isEmpty()) {
      err.println("  deployments in the way: " + deployments.stream()
          .map(d -> d instanceof JsonObject o ? o.getString("id") : String.valueOf(d)).toList()
          + " (meso deployments; --force overrides)");
    }
    return switch (answer.status()) {
      case 404 -> Exit.NOT_FOUND;
      case 400, 422 -> Exit.INVALID;
      case 409 -> Exit.LOCKED;
      case 401 -> {
        err.println("  the master requires credentials: --principal NAME --secret-file FILE, or --token-file FILE");
        yield Exit.REFUSED;
      }
      default -> Exit.REFUSED;
    };
  }
}
