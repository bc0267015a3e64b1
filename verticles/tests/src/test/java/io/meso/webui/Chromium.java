package io.meso.webui;

import io.meso.testkit.OnContext;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * Debian's headless chromium driven over the Chrome DevTools protocol (a WebSocket): navigate,
 * evaluate JavaScript, answer dialogs, take screenshots. Nothing is downloaded; a missing chromium fails the
 * test with the command that installs it.
 */
final class Chromium implements AutoCloseable {

  private final Vertx vertx;
  private final Process process;
  private final Path profile;
  private WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<String> dialogs = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean acceptDialogs;

  static String binary() {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (new File(candidate).canExecute()) {
        return candidate;
      }
    }
    throw new IllegalStateException("no chromium found at /usr/bin/chromium; install Debian's: "
        + "apt-get update && apt-get install -y chromium (.ci/run does this)");
  }

  Chromium(Vertx vertx) throws Exception {
    this.vertx = vertx;
    profile = Files.createTempDirectory("meso-chromium");
    process = new ProcessBuilder(binary(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage", "--remote-allow-origins=*", "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "--window-size=1280,900", "--user-data-dir=" + profile, "about:blank")
        .redirectErrorStream(true)
        .redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
        .start();
    try {
      socket = connect();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
    socket.textMessageHandler(this::onMessage);
  }

  private WebSocket connect() throws Exception {
    Path portFile = profile.resolve("DevToolsActivePort");
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("chromium exited with " + process.exitValue());
      }
      return Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2;
    });
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = vertx.createHttpClient();
    String[] pageUrl = new String[1];
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonArray targets = io.meso.testkit.OnContext.run(vertx, () -> http.request(new RequestOptions()
              .setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI("/json/list"))
          .compose(r -> r.send()).compose(r -> r.body()).map(b -> new JsonArray(b)))
          .await(10, TimeUnit.SECONDS);
      for (Object t : targets) {
        JsonObject target = (JsonObject) t;
        if ("page".equals(target.getString("type"))) {
          pageUrl[0] = target.getString("webSocketDebuggerUrl");
          return true;
        }
      }
      return false;
    });
    // No idle /json/list connection left open beside the DevTools socket (a loaded run saw
    // "Connection evicted" and then the handshake closed), and the connect starts on the same
    // context as the HTTP calls (see OnContext).
    http.close().await(10, TimeUnit.SECONDS);
    var ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 << 20)
        .setMaxFrameSize(64 << 20));
    return io.meso.testkit.OnContext.run(vertx, () -> ws.connect(new WebSocketConnectOptions().setAbsoluteURI(pageUrl[0])))
        .await(30, TimeUnit.SECONDS);
  }

  private volatile String[] basicCredentials;
  private final AtomicInteger authChallenges = new AtomicInteger();

  /**
   * From now on answers the browser's HTTP authentication prompts (Fetch.authRequired, what a
   * user sees as the Basic login dialog) with {@code principal}/{@code secret}, or cancels them
   * when {@code principal} is null (as a user pressing Cancel: the page shows the 401 answer).
   * Counts the prompts ({@link #authChallenges()}).
   */
  void answerLogins(String principal, String secret) throws Exception {
    basicCredentials = principal == null ? null : new String[] {principal, secret};
    send("Fetch.enable", new JsonObject().put("handleAuthRequests", true)
        .put("patterns", new JsonArray().add(new JsonObject().put("urlPattern", "*"))));
  }

  /** How many times the browser asked for credentials so far. */
  int authChallenges() {
    return authChallenges.get();
  }

  private void command(String method, JsonObject params) {
    socket.writeTextMessage(new JsonObject().put("id", ids.incrementAndGet()).put("method", method)
        .put("params", params).encode());
  }

  private void onMessage(String text) {
    JsonObject msg = new JsonObject(text);
    if ("Fetch.requestPaused".equals(msg.getString("method"))) {
      command("Fetch.continueRequest", new JsonObject().put("requestId",
          msg.getJsonObject("params").getString("requestId")));
      return;
    }
    if ("Fetch.authRequired".equals(msg.getString("method"))) {
      authChallenges.incrementAndGet();
      String[] login = basicCredentials;
      JsonObject response = login == null ? new JsonObject().put("response", "CancelAuth")
          : new JsonObject().put("response", "ProvideCredentials").put("username", login[0]).put("password", login[1]);
      command("Fetch.continueWithAuth", new JsonObject().put("requestId",
          msg.getJsonObject("params").getString("requestId")).put("authChallengeResponse", response));
      return;
    }
    if ("Page.javascriptDialogOpening".equals(msg.getString("method")) && acceptDialogs) {
      // As a user pressing OK: the page's confirm() returns true.
      dialogs.add(msg.getJsonObject("params").getString("message"));
      socket.writeTextMessage(new JsonObject().put("id", ids.incrementAndGet())
          .put("method", "Page.handleJavaScriptDialog").put("params", new JsonObject().put("accept", true)).encode());
      return;
    }
    Integer id = msg.getInteger("id");
    if (id != null) {
      Promise<JsonObject> p = pending.remove(id);
      if (p != null) {
        if (msg.containsKey("error")) {
          p.fail(msg.getJsonObject("error").encode());
        } else {
          p.complete(msg.getJsonObject("result", new JsonObject()));
        }
      }
    }
  }

  JsonObject send(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    Promise<JsonObject> p = Promise.promise();
    pending.put(id, p);
    socket.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
    return p.future().await(30, TimeUnit.SECONDS);
  }

  /**
   * From now on answers every alert/confirm/prompt the page opens with OK, as a user would, and
   * records its message ({@link #dialogs()}).
   */
  void acceptDialogs() throws Exception {
    acceptDialogs = true;
    send("Page.enable", new JsonObject());
  }

  /** The messages of the dialogs answered so far. */
  List<String> dialogs() {
    return List.copyOf(dialogs);
  }

  void navigate(String url) throws Exception {
    send("Page.navigate", new JsonObject().put("url", url));
  }

  /** Evaluates a JavaScript expression in the page; returns its value (JSON-compatible), or null. */
  Object eval(String expression) throws Exception {
    JsonObject r = send("Runtime.evaluate", new JsonObject().put("expression", expression).put("returnByValue", true));
    if (r.containsKey("exceptionDetails")) {
      return null;
    }
    return r.getJsonObject("result").getValue("value");
  }

  String text(String expression) throws Exception {
    Object v = eval(expression);
    return v == null ? "" : v.toString();
  }

  void screenshot(Path file) throws Exception {
    JsonObject r = send("Page.captureScreenshot", new JsonObject().put("format", "png"));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(r.getString("data")));
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
    }
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
