package io.meso.executor;

/**
 * Words for a process's exit status as Java reports it: 0-128 is the exit code; 128+N means the
 * process died of signal N (Java's convention, and a shell's for a child killed by a signal; a
 * program that calls exit(128+N) itself is indistinguishable and described the same way).
 */
final class ExitStatuses {

  private static final String[] SIGNALS = {
      null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
      "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
      "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
      "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

  private ExitStatuses() {}

  /** The signal number for a status above 128, or 0 when the status is a plain exit code. */
  static int signal(int status) {
    return status > 128 && status < 128 + 65 ? status - 128 : 0;
  }

  static String signalName(int signal) {
    return signal > 0 && signal < SIGNALS.length ? SIGNALS[signal] : "signal " + signal;
  }

  /** "Command exited with status 3", "Command terminated by signal SIGKILL (exit status 137)". */
  static String describe(int status) {
    int signal = signal(status);
    if (signal > 0) {
      return "Command terminated by signal " + signalName(signal) + " (exit status " + status + ")";
    }
    String hint = status == 127 ? " (command not found)" : status == 126 ? " (command not executable)" : "";
    return "Command exited with status " + status + hint;
  }
}
