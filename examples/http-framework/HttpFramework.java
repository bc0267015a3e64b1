import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mesos framework written against the Mesos v1 scheduler HTTP API with plain JSON: no Mesos
 * or Meso client library, only the JDK. It runs N shell tasks and exits 0 once all finished.
 *
 * <pre>java HttpFramework.java http://127.0.0.1:5050 5</pre>
 *
 * It works unchanged against Apache Mesos and against Meso. Exit codes: 0 all tasks finished,
 * 1 a task ended otherwise, 2 the master refused or ended the subscription, 64 bad arguments.
 */
public class HttpFramework {

  static final double CPUS = 0.1;
  static final double MEM = 32;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  final URI endpoint;
  final int tasks;
  String streamId;
  String frameworkId;
  int launched;
  int finished;

  HttpFramework(URI endpoint, int tasks) {
    this.endpoint = endpoint;
    this.tasks = tasks;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: java HttpFramework.java <master url, e.g. http://127.0.0.1:5050> [number of tasks]");
      System.exit(64);
    }
    int n = 5;
    if (args.length == 2) {
      try {
        n = Integer.parseInt(args[1]);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1) {
        System.err.println("number of tasks must be a positive integer, got '" + args[1] + "'");
        System.exit(64);
      }
    }
    URI endpoint = URI.create(args[0].replaceAll("/+$", "") + "/api/v1/scheduler");
    System.exit(new HttpFramework(endpoint, n).run());
  }

  int run() throws Exception {
    String subscribe = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":" + quote(System.getProperty("user.name"))
        + ",\"name\":\"http-framework\",\"failover_timeout\":0}}}";
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(subscribe)).build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      System.err.println("SUBSCRIBE refused: " + response.statusCode() + " "
          + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
      return 2;
    }
    streamId = response.headers().firstValue("Mesos-Stream-Id").orElseThrow();
    try (InputStream events = response.body()) {
      while (true) {
        Map<String, Object> event = asMap(Json.parse(readRecord(events)));
        String type = (String) event.get("type");
        switch (type) {
          case "SUBSCRIBED" -> {
            frameworkId = (String) asMap(asMap(event.get("subscribed")).get("framework_id")).get("value");
            System.out.println("subscribed as framework " + frameworkId + " stream " + streamId);
          }
          case "OFFERS" -> {
            for (Object offer : asList(asMap(event.get("offers")).get("offers"))) {
              offer(asMap(offer));
            }
          }
          case "UPDATE" -> {
            Integer exit = update(asMap(asMap(event.get("update")).get("status")));
            if (exit != null) {
              call("{\"type\":\"TEARDOWN\"}");
              return exit;
            }
          }
          case "ERROR" -> {
            System.err.println("the master ended the subscription: " + asMap(event.get("error")).get("message"));
            return 2;
          }
          default -> {
            // HEARTBEAT, RESCIND, MESSAGE, FAILURE: nothing to do.
          }
        }
      }
    } catch (EOFException e) {
      System.err.println("the master closed the event stream");
      return 2;
    }
  }

  void offer(Map<String, Object> offer) throws Exception {
    String offerId = (String) asMap(offer.get("id")).get("value");
    String agentId = (String) asMap(offer.get("agent_id")).get("value");
    double cpus = 0;
    double mem = 0;
    for (Object r : asList(offer.get("resources"))) {
      Map<String, Object> resource = asMap(r);
      if (resource.containsKey("reservations") || !"*".equals(resource.getOrDefault("role", "*"))) {
        continue; // only unreserved resources
      }
      if ("cpus".equals(resource.get("name"))) {
        cpus += ((Number) asMap(resource.get("scalar")).get("value")).doubleValue();
      } else if ("mem".equals(resource.get("name"))) {
        mem += ((Number) asMap(resource.get("scalar")).get("value")).doubleValue();
      }
    }
    List<String> infos = new ArrayList<>();
    while (launched < tasks && cpus >= CPUS - 1e-9 && mem >= MEM) {
      int i = launched++;
      cpus -= CPUS;
      mem -= MEM;
      infos.add("{\"name\":\"task-" + i + "\",\"task_id\":{\"value\":\"task-" + i + "\"},\"agent_id\":{\"value\":"
          + quote(agentId) + "},\"resources\":[" + scalar("cpus", CPUS) + "," + scalar("mem", MEM) + "],"
          + "\"command\":{\"shell\":true,\"value\":\"echo hello from task " + i + "\"}}");
    }
    String ids = "[{\"value\":" + quote(offerId) + "}]";
    if (infos.isEmpty()) {
      call("{\"type\":\"DECLINE\",\"decline\":{\"offer_ids\":" + ids + ",\"filters\":{\"refuse_seconds\":1}}}");
    } else {
      call("{\"type\":\"ACCEPT\",\"accept\":{\"offer_ids\":" + ids + ",\"operations\":[{\"type\":\"LAUNCH\","
          + "\"launch\":{\"task_infos\":[" + String.join(",", infos) + "]}}],\"filters\":{\"refuse_seconds\":1}}}");
      System.out.println("launched " + infos.size() + " task(s) on agent " + agentId);
    }
  }

  /** Acknowledges the update if it carries a uuid; returns an exit code once the run is over. */
  Integer update(Map<String, Object> status) throws Exception {
    String taskId = (String) asMap(status.get("task_id")).get("value");
    String state = (String) status.get("state");
    if (status.containsKey("uuid")) {
      call("{\"type\":\"ACKNOWLEDGE\",\"acknowledge\":{\"agent_id\":{\"value\":"
          + quote((String) asMap(status.get("agent_id")).get("value")) + "},\"task_id\":{\"value\":" + quote(taskId)
          + "},\"uuid\":" + quote((String) status.get("uuid")) + "}}");
    }
    System.out.println(taskId + " " + state);
    switch (state) {
      case "TASK_FINISHED" -> {
        if (++finished == tasks) {
          System.out.println("all " + tasks + " tasks finished");
          return 0;
        }
      }
      case "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_GONE",
          "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN" -> {
        System.err.println(taskId + " ended " + state + ": " + status.get("message"));
        return 1;
      }
      default -> {
      }
    }
    return null;
  }

  void call(String json) throws Exception {
    String body = "{\"framework_id\":{\"value\":" + quote(frameworkId) + "}," + json.substring(1);
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/json").header("Mesos-Stream-Id", streamId)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IOException("call refused: " + response.statusCode() + " " + response.body() + " for " + body);
    }
  }

  static String scalar(String name, double value) {
    return "{\"name\":\"" + name + "\",\"type\":\"SCALAR\",\"scalar\":{\"value\":" + value + "}}";
  }

  /** One RecordIO record: decimal length, a line feed, that many bytes. */
  static String readRecord(InputStream in) throws IOException {
    long length = 0;
    int c;
    int digits = 0;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new EOFException();
      }
      if (c < '0' || c > '9' || ++digits > 18) {
        throw new IOException("bad RecordIO length byte " + c);
      }
      length = length * 10 + (c - '0');
    }
    byte[] record = in.readNBytes((int) length);
    if (record.length < length) {
      throw new EOFException();
    }
    return new String(record, StandardCharsets.UTF_8);
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> asList(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  /** A minimal JSON reader: objects, arrays, strings, numbers, booleans, null. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String s) {
      Json p = new Json(s);
      Object v = p.value();
      p.ws();
      if (p.i != s.length()) {
        throw p.error("trailing characters");
      }
      return v;
    }

    private Object value() {
      ws();
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{' -> {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (peek('}')) {
            return m;
          }
          do {
            ws();
            String key = string();
            ws();
            expect(':');
            m.put(key, value());
            ws();
          } while (peek(','));
          expect('}');
          return m;
        }
        case '[' -> {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (peek(']')) {
            return l;
          }
          do {
            l.add(value());
            ws();
          } while (peek(','));
          expect(']');
          return l;
        }
        case '"' -> {
          return string();
        }
        default -> {
          if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          int start = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          if (start == i) {
            throw error("unexpected character '" + c + "'");
          }
          return Double.parseDouble(s.substring(start, i));
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (i < s.length() && s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
      expect('"');
      return b.toString();
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private boolean peek(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("bad JSON at " + i + ": " + what);
    }
  }
}
