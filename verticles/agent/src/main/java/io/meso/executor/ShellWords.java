package io.meso.executor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recognises shell commands that {@code /bin/sh -c} would only split on spaces and exec, such as
 * {@code /bin/true} or {@code sleep 10}: plain words of letters, digits and {@code / . _ - + = : , @ %}
 * separated by spaces, whose first word is neither a variable assignment nor a shell builtin or
 * keyword. The shell (dash) execs such a command in place of itself, so running the words
 * directly starts the same process one exec sooner. Anything else (quotes, $, globs, ~,
 * redirections, pipes, ;, &, newlines, tabs, builtins like echo or cd) goes to the shell.
 */
final class ShellWords {

  /** dash's builtins and reserved words, which a direct exec would not mean the same thing as. */
  private static final Set<String> SHELL_WORDS = Set.of(
      "!", "{", "}", "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until",
      "while", ".", ":", "[", "alias", "bg", "break", "cd", "chdir", "command", "continue", "echo", "eval",
      "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash", "jobs", "kill", "local", "printf",
      "pwd", "read", "readonly", "return", "set", "shift", "test", "times", "trap", "true", "type", "ulimit",
      "umask", "unalias", "unset", "wait");

  private ShellWords() {}

  /** The words of {@code script} when it is a plain command, else null. */
  static List<String> plain(String script) {
    List<String> words = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= script.length(); i++) {
      char c = i < script.length() ? script.charAt(i) : ' ';
      if (c == ' ') {
        if (start >= 0) {
          words.add(script.substring(start, i));
          start = -1;
        }
      } else if (plainChar(c)) {
        if (start < 0) {
          start = i;
        }
      } else {
        return null;
      }
    }
    if (words.isEmpty()) {
      return null;
    }
    String first = words.get(0);
    if (first.contains("=") || (!first.contains("/") && SHELL_WORDS.contains(first))) {
      return null;
    }
    return words;
  }

  private static boolean plainChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == '=' || c == ':' || c == ','
        || c == '@' || c == '%';
  }
}
