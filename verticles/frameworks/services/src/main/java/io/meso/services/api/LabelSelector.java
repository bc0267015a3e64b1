package io.meso.services.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code label} filter of {@code GET /v2/apps} (Marathon's {@code LabelSelectorParsers}):
 * comma-separated terms, all of which must hold: {@code k} (present), {@code k==v}, {@code k!=v},
 * {@code k in (a,b)}, {@code k notin (a,b)}.
 */
final class LabelSelector {

  private static final Pattern SET = Pattern.compile("^\\s*([^\\s!=]+)\\s+(in|notin)\\s*\\((.*)\\)\\s*$");

  private LabelSelector() {}

  /** The predicate of {@code selector} over an app's labels; throws IllegalArgumentException if malformed. */
  static Predicate<Map<String, String>> parse(String selector) {
    List<Predicate<Map<String, String>>> terms = new ArrayList<>();
    for (String term : split(selector)) {
      terms.add(term(term.trim()));
    }
    return labels -> terms.stream().allMatch(t -> t.test(labels));
  }

  private static Predicate<Map<String, String>> term(String term) {
    Matcher m = SET.matcher(term);
    if (m.matches()) {
      String key = m.group(1);
      Set<String> values = Set.copyOf(List.of(m.group(3).trim().split("\\s*,\\s*")));
      boolean in = m.group(2).equals("in");
      return labels -> labels.containsKey(key) && values.contains(labels.get(key)) == in;
    }
    int ne = term.indexOf("!=");
    if (ne > 0) {
      String key = term.substring(0, ne).trim();
      String value = term.substring(ne + 2).trim();
      return labels -> labels.containsKey(key) && !value.equals(labels.get(key));
    }
    int eq = term.indexOf("==");
    if (eq > 0) {
      String key = term.substring(0, eq).trim();
      String value = term.substring(eq + 2).trim();
      return labels -> value.equals(labels.get(key));
    }
    if (term.isEmpty() || term.contains("=") || term.contains(" ")) {
      throw new IllegalArgumentException("'" + term + "' is not a term: use k, k==v, k!=v, k in (a,b) or k notin (a,b)");
    }
    return labels -> labels.containsKey(term);
  }

  /** Splits on commas outside parentheses. */
  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }
}
