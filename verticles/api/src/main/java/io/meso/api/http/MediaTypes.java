package io.meso.api.http;

import java.util.Locale;
import java.util.Optional;

/** The two media types the Mesos v1 scheduler API speaks, and how a request picks one. */
enum MediaTypes {
  JSON("application/json"),
  PROTOBUF("application/x-protobuf");

  static final String ACCEPTED = "application/json or application/x-protobuf";

  final String value;

  MediaTypes(String value) {
    this.value = value;
  }

  /** The body type named by a Content-Type header (parameters such as charset ignored), if supported. */
  static Optional<MediaTypes> ofContentType(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String type = baseType(header);
    for (MediaTypes t : values()) {
      if (t.value.equals(type)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * The response type an Accept header allows: the supported type with the highest quality, the
   * earliest listed on a tie; {@code * / *} and {@code application/*} mean JSON. No header means
   * JSON. Empty when the header allows neither type.
   */
  static Optional<MediaTypes> negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return Optional.of(JSON);
    }
    MediaTypes best = null;
    double bestQ = 0;
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = 1.0;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim();
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2).trim());
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      MediaTypes match = switch (type) {
        case "application/json", "*/*", "application/*" -> JSON;
        case "application/x-protobuf" -> PROTOBUF;
        default -> null;
      };
      if (match != null && q > bestQ) {
        best = match;
        bestQ = q;
      }
    }
    return Optional.ofNullable(best);
  }

  private static String baseType(String header) {
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }
}
