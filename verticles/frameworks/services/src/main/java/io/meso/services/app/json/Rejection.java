package io.meso.services.app.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Why a request body was turned down, with the HTTP status and body Marathon answers with. */
public sealed interface Rejection extends AppResult, UpdateResult {

  /** The HTTP status to answer with. */
  int status();

  /** The JSON body to answer with. */
  JsonObject body();

  /** The body is JSON but not a valid app: 422 with one detail per path. */
  record Invalid(List<Violation> violations) implements Rejection {
    public Invalid {
      violations = List.copyOf(violations);
      if (violations.isEmpty()) {
        throw new IllegalArgumentException("an invalid definition has at least one violation");
      }
    }

    @Override
    public int status() {
      return 422;
    }

    /** {@code {"message":"Object is not valid","details":[{"path":p,"errors":[..]}]}}, paths in first-seen order. */
    @Override
    public JsonObject body() {
      Map<String, List<String>> byPath = new LinkedHashMap<>();
      for (Violation v : violations) {
        byPath.computeIfAbsent(v.path(), p -> new ArrayList<>()).add(v.message());
      }
      JsonArray details = new JsonArray();
      byPath.forEach((path, errors) -> details.add(
          new JsonObject().put("path", path).put("errors", new JsonArray(errors))));
      return new JsonObject().put("message", "Object is not valid").put("details", details);
    }
  }

  /**
   * The body is not JSON at all: 400 {@code {"message":"Invalid JSON"}}. Marathon also sends the
   * parser's text as a string {@code details}, which marathon-client fails on (it expects a list),
   * so that text is kept here for logs only.
   */
  record MalformedJson(String parserMessage) implements Rejection {
    @Override
    public int status() {
      return 400;
    }

    @Override
    public JsonObject body() {
      return new JsonObject().put("message", "Invalid JSON");
    }
  }
}
