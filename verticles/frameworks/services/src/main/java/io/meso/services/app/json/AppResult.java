package io.meso.services.app.json;

import io.meso.services.app.App;

/** The outcome of parsing an app definition: a valid app or a {@link Rejection}. */
public sealed interface AppResult permits AppResult.Valid, Rejection {

  /** The body is a valid app, with defaults filled in. */
  record Valid(App app) implements AppResult {}
}
