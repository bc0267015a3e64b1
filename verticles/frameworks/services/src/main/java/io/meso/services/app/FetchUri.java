package io.meso.services.app;

import java.net.URI;
import java.util.List;

/**
 * One artifact the agent's fetcher downloads into the sandbox before the task starts.
 * {@code destPath} is null when not given.
 */
public record FetchUri(String uri, boolean extract, boolean executable, boolean cache, String destPath) {

  /** The archive suffixes for which a URI from the deprecated {@code uris} field is extracted (Marathon's FetchUri). */
  public static final List<String> EXTRACTABLE = List.of(
      ".tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".gz", ".tgz", ".tbz2", ".txz", ".zip");

  /** An artifact from the deprecated {@code uris} list: extracted iff its path names an archive. */
  public static FetchUri fromLegacyUri(String uri) {
    boolean extract;
    try {
      String path = new URI(uri).getPath();
      extract = path != null && EXTRACTABLE.stream().anyMatch(path::endsWith);
    } catch (Exception e) {
      extract = false;
    }
    return new FetchUri(uri, extract, false, false, null);
  }
}
