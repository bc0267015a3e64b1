package io.meso.services.app.json;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import java.time.Instant;

/** The outcome of a PUT or PATCH of one app (see {@link AppUpdates}). */
public sealed interface UpdateResult
    permits UpdateResult.Created, UpdateResult.Updated, UpdateResult.Rollback, Rejection {

  /** No app had the id: the body (a full definition) creates it, stamped with the request time. */
  record Created(App app) implements UpdateResult {}

  /** The app's next definition, stamped as {@link AppChange#stamp} says, and the kind of change. */
  record Updated(App app, AppChange change) implements UpdateResult {}

  /**
   * The body was {@code {"version": ts}} (optionally with the id): go back to the stored version
   * {@code ts}; the caller answers 404 if there is none.
   */
  record Rollback(Instant version) implements UpdateResult {}
}
