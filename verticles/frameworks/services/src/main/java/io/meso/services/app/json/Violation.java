package io.meso.services.app.json;

/**
 * One reason a definition is invalid: the JSON path of the offending value in Marathon's style
 * ({@code /cpus}, {@code /constraints(0)}, {@code /healthChecks(1)/protocol}; {@code /} for the
 * whole app) and a message that says what was wrong and what is allowed.
 */
public record Violation(String path, String message) {

  /** The path of a field {@code key} under {@code parent} ({@code ""} or {@code "/"} for the root). */
  static String child(String parent, String key) {
    return (parent.equals("/") ? "" : parent) + "/" + key;
  }

  /** The path of element {@code index} of the array at {@code parent}. */
  static String element(String parent, int index) {
    return parent + "(" + index + ")";
  }
}
