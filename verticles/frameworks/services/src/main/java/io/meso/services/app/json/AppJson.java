package io.meso.services.app.json;

import io.meso.services.app.App;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses app definitions from /v2/apps request bodies: text that is not JSON is a 400
 * {@link Rejection.MalformedJson}; JSON that is not a valid app is a 422 {@link Rejection.Invalid}
 * listing every violation; otherwise the app with Marathon's defaults filled in (and a relative id
 * made absolute). Rendering is {@link AppWriter}; updates are {@link AppUpdates}.
 */
public final class AppJson {

  private AppJson() {}

  /** A POST /v2/apps body. */
  public static AppResult parse(String body) {
    Object json = decode(body);
    if (json instanceof Rejection r) {
      return r;
    }
    return parse((JsonObject) json);
  }

  /** An app definition already decoded, e.g. one element of a PUT /v2/apps array or a stored app. */
  public static AppResult parse(JsonObject json) {
    List<Violation> out = new ArrayList<>();
    App app = AppReader.read(json, out);
    if (out.isEmpty()) {
      AppRules.check(app, out);
    }
    return out.isEmpty() ? new AppResult.Valid(app) : new Rejection.Invalid(out);
  }

  /** {@code body} as a JSON object, or the rejection of a body that is not one. */
  static Object decode(String body) {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      return new Rejection.MalformedJson(e.getMessage());
    }
    if (value == null) {
      return new Rejection.MalformedJson("empty body");
    }
    if (!(value instanceof JsonObject o)) {
      return new Rejection.Invalid(List.of(new Violation("/",
          "got " + Fields.describe(value) + ", expected a JSON object (an app definition)")));
    }
    return o;
  }
}
