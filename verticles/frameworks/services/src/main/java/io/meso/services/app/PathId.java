package io.meso.services.app;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Marathon path id such as {@code /prod/web/frontend}: a list of segments, absolute or relative
 * to a base group. Apps are stored under their canonical (absolute, dot-free) id.
 *
 * <p>Parsing follows Marathon's {@code state/PathId.scala}: leading and trailing slashes are cut,
 * empty segments dropped, and a leading slash makes the id absolute. {@link #canonical(PathId)}
 * resolves {@code .} and {@code ..} against a base, so {@code "web"} under {@code /prod} is
 * {@code /prod/web}.
 */
public final class PathId {

  /** The root group, {@code /}. */
  public static final PathId ROOT = new PathId(List.of(), true);

  /**
   * What each segment must fully match (Marathon's {@code ID_PATH_SEGMENT_PATTERN}): dot-separated
   * labels of lower-case letters, digits and inner dashes, or {@code .}/{@code ..}.
   */
  public static final Pattern SEGMENT =
      Pattern.compile("^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$");

  /** Last segments the /v2 routes would confuse with sub-resources, plus the relative references. */
  public static final List<String> RESERVED = List.of("restart", "tasks", "versions", ".", "..");

  private final List<String> segments;
  private final boolean absolute;

  private PathId(List<String> segments, boolean absolute) {
    this.segments = List.copyOf(segments);
    this.absolute = absolute;
  }

  /** Parses {@code raw}; absolute iff it starts with {@code /}. Never fails: see {@link #violations()}. */
  public static PathId parse(String raw) {
    List<String> parts = new ArrayList<>();
    for (String part : raw.split("/")) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return new PathId(parts, raw.startsWith("/"));
  }

  /** The absolute id of {@code raw} taken relative to the root group. */
  public static PathId absolute(String raw) {
    return parse(raw).canonical(ROOT);
  }

  /** This id made absolute against {@code base} (which must be absolute), with {@code .}/{@code ..} resolved. */
  public PathId canonical(PathId base) {
    if (!base.absolute) {
      throw new IllegalArgumentException("base " + base + " is not absolute");
    }
    List<String> in = new ArrayList<>(absolute ? List.of() : base.segments);
    in.addAll(segments);
    List<String> out = new ArrayList<>();
    for (String part : in) {
      if (part.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
      } else if (!part.equals(".")) {
        out.add(part);
      }
    }
    return new PathId(out, true);
  }

  public List<String> segments() {
    return segments;
  }

  public boolean isAbsolute() {
    return absolute;
  }

  public boolean isRoot() {
    return absolute && segments.isEmpty();
  }

  /** The enclosing group; the root for a top-level id and for the root itself. */
  public PathId parent() {
    return segments.size() <= 1 ? ROOT : new PathId(segments.subList(0, segments.size() - 1), absolute);
  }

  /**
   * What is wrong with this id as the id of an app, in Marathon's words (empty when valid): a
   * segment outside {@link #SEGMENT}, a reserved last segment, or no segment at all.
   */
  public List<String> violations() {
    List<String> out = new ArrayList<>();
    for (String part : segments) {
      if (!SEGMENT.matcher(part).matches()) {
        out.add("must fully match regular expression '" + SEGMENT.pattern() + "' (segment '" + part
            + "' does not): lower-case letters, digits, dots and inner dashes only");
        break;
      }
    }
    if (!segments.isEmpty() && RESERVED.contains(segments.get(segments.size() - 1))) {
      out.add("must not end with any of the following reserved keywords: " + String.join(", ", RESERVED));
    }
    if (segments.isEmpty()) {
      out.add("Path must contain at least one path element");
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathId other && other.absolute == absolute && other.segments.equals(segments);
  }

  @Override
  public int hashCode() {
    return segments.hashCode() * 31 + (absolute ? 1 : 0);
  }

  @Override
  public String toString() {
    return (absolute ? "/" : "") + String.join("/", segments);
  }
}
