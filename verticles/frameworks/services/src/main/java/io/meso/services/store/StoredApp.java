package io.meso.services.store;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import java.util.List;
import java.util.Objects;

/**
 * An app as stored: its current definition and every version it has had (oldest first, the
 * current one included), for {@code /v2/apps/{id}/versions} and rollbacks on the next leader.
 */
public record StoredApp(App current, List<App> versions) {

  public StoredApp {
    Objects.requireNonNull(current, "current");
    versions = List.copyOf(versions);
    if (current.version() == null) {
      throw new IllegalArgumentException("app " + current.id() + " has no version; only stored apps are kept");
    }
  }

  public PathId id() {
    return current.id();
  }
}
