/*
 * meso-launch: the agent's launch helper. One exec that does, in order, what the executor's
 * program pipeline (setsid, a cgroup join shell, nsenter, unshare, setpriv) does for a task:
 *
 *   1. --setsid             new session and process group (the task's tree is killed as a whole)
 *   2. --cgroup FILE        write this process's pid into FILE (a cgroup.procs), once per controller
 *   3. --mount-ns FILE      setns into the mount namespace bound at FILE (the read-only cgroup view)
 *      --wd DIR             then chdir to DIR (setns resets the working directory)
 *   4. --pid-ns             unshare a pid namespace and a mount namespace, fork: the child is the
 *                           namespace's init, gets SIGKILL when this process dies, mounts its own
 *                           /proc; this process blocks INT/TERM, waits and passes the child's end
 *                           on (its exit status, or the same signal), as `unshare --fork
 *                           --kill-child --mount-proc` does
 *   5. --drop-caps          empty the capability bounding set (needs CAP_SETPCAP; skipped without it,
 *                           as setpriv does), the inheritable and ambient sets, then no_new_privs
 *      --drop-sys-admin     only drop CAP_SYS_ADMIN from the bounding set
 *      --uid N --gid N --user NAME
 *                           switch user: initgroups(NAME, gid) (setgroups), setgid, setuid; done
 *                           between the bounding-set drop and the rest of the drop
 *   6. --wait               vfork: the child goes on to step 7; this process (the task's init with
 *                           --pid-ns) waits for it as the executor's wrapper shell did: it waits out
 *                           TERM/INT/HUP (the executor signals every process of the task's session,
 *                           the command gets them itself; they are not forwarded, which would deliver
 *                           them twice), reaps any other child (orphans reparented to a pid
 *                           namespace's init) and exits with the command's status, 128+N for signal
 *                           N as a shell reports it
 *      --exit-status        --wait, and record that status ("N\n") in exit_status in the working
 *                           directory before exiting: written to a new temporary file (O_EXCL: never
 *                           through a link the task left) that is then renamed over exit_status, so a
 *                           reader sees the whole status or none, and a link at that name is replaced,
 *                           not followed. The file is made with mode 0666 less the umask, as the
 *                           user of step 5, as the wrapper shell's "echo > exit_status" did
 *      --exit-status-temp DIR
 *                           make the temporary file in DIR (mode 0600) and rename it from there: for
 *                           a helper that stays root in a sandbox another user owns (a docker task's
 *                           client), so that it never opens a path in that sandbox
 *   7. -- COMMAND ARGS...   execvp (the task's PATH)
 *
 * Any failure before the command runs prints "meso-launch: <what>: <why>" to stderr (the task's
 * sandbox stderr) and exits with 125 (LAUNCH_FAILED), which the agent reports as TASK_FAILED with
 * REASON_CONTAINER_LAUNCH_FAILED and that line. A command that cannot be exec'd exits 127 (not
 * found) or 126 (not executable), as a shell does. --version prints "meso-launch VERSION".
 *
 * --server (alone) runs the long-lived launch server instead (see serve() at the end): one per
 * executor, which forks a child per task that does exactly the above for the options of a request,
 * so a launch execs only the command (no jspawnhelper, no helper), and reports its children's ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define VERSION "4"
#define LAUNCH_FAILED 125
#define MAX_CGROUPS 64

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static void fail(const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  fprintf(stderr, "meso-launch: %s\n", buf);
  exit(LAUNCH_FAILED);
}

static long number(const char *flag, const char *value) {
  char *end;
  errno = 0;
  long n = strtol(value, &end, 10);
  if (errno != 0 || *value == '\0' || *end != '\0' || n < 0) {
    fail("%s '%s' is not a non-negative number", flag, value);
  }
  return n;
}

static void join(const char *procs) {
  int fd = open(procs, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    fail("cannot join cgroup %s: %s", procs, strerror(errno));
  }
  char pid[32];
  int len = snprintf(pid, sizeof pid, "%ld\n", (long) getpid());
  if (write(fd, pid, (size_t) len) != len) {
    int e = errno;
    close(fd);
    fail("cannot join cgroup %s: %s", procs, strerror(e));
  }
  close(fd);
}

static void enter_mount_namespace(const char *file, const char *wd) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fail("cannot open mount namespace %s: %s", file, strerror(errno));
  }
  if (setns(fd, CLONE_NEWNS) != 0) {
    fail("cannot enter mount namespace %s: %s", file, strerror(errno));
  }
  close(fd);
  if (wd != NULL && chdir(wd) != 0) {
    fail("cannot change directory to %s in mount namespace %s: %s", wd, file, strerror(errno));
  }
}

/* Waits for the pid namespace's init and ends as it did (unshare --fork's parent). */
static void pass_on(pid_t child) {
  int status;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      fail("cannot wait for the task's pid namespace init %ld: %s", (long) child, strerror(errno));
    }
  }
  if (WIFEXITED(status)) {
    exit(WEXITSTATUS(status));
  }
  int sig = WTERMSIG(status);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  signal(sig, SIG_DFL);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  kill(getpid(), sig);
  exit(128 + sig); /* a signal that does not end a process (SIGCHLD...) */
}

/* A new pid and mount namespace; returns in the child (the namespace's init) only. */
static void new_pid_namespace(void) {
  if (unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) {
    fail("cannot unshare pid and mount namespaces: %s", strerror(errno));
  }
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigprocmask(SIG_BLOCK, &block, &old);
  pid_t child = fork();
  if (child < 0) {
    fail("cannot fork the task's pid namespace init: %s", strerror(errno));
  }
  if (child > 0) {
    pass_on(child);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
    fail("cannot set the parent-death signal: %s", strerror(errno));
  }
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
    fail("cannot make the task's mounts private: %s", strerror(errno));
  }
  if (umount2("/proc", MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    fail("cannot unmount the host's /proc: %s", strerror(errno));
  }
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) != 0) {
    fail("cannot mount /proc for the task's pid namespace: %s", strerror(errno));
  }
}

static int capget_v3(struct __user_cap_data_struct data[2]) {
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  return (int) syscall(SYS_capget, &header, data);
}

static int capset_v3(struct __user_cap_data_struct data[2]) {
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  return (int) syscall(SYS_capset, &header, data);
}

/* Drops capabilities from the bounding set: all of them, or only CAP_SYS_ADMIN. */
static void drop_bounding(int all) {
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  if (capget_v3(data) != 0) {
    fail("cannot read capabilities: %s", strerror(errno));
  }
  if (!(data[CAP_SETPCAP / 32].effective & (1u << (CAP_SETPCAP % 32)))) {
    return; /* not privileged: nothing can be dropped (setpriv skips it too) */
  }
  for (int cap = all ? 0 : CAP_SYS_ADMIN; all ? 1 : cap == CAP_SYS_ADMIN; cap++) {
    int present = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (present < 0) {
      break; /* beyond the kernel's last capability */
    }
    if (present && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      fail("cannot drop capability %d from the bounding set: %s", cap, strerror(errno));
    }
  }
}

static void switch_user(const char *user, long uid, long gid) {
  if (initgroups(user, (gid_t) gid) != 0) {
    fail("cannot set the supplementary groups of user %s: %s", user, strerror(errno));
  }
  if (setresgid((gid_t) gid, (gid_t) gid, (gid_t) gid) != 0) {
    fail("cannot set gid %ld: %s", gid, strerror(errno));
  }
  if (setresuid((uid_t) uid, (uid_t) uid, (uid_t) uid) != 0) {
    fail("cannot set uid %ld (user %s): %s", uid, user, strerror(errno));
  }
}

static void drop_rest(void) {
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  if (capget_v3(data) != 0) {
    fail("cannot read capabilities: %s", strerror(errno));
  }
  data[0].inheritable = 0;
  data[1].inheritable = 0;
  if (capset_v3(data) != 0) {
    fail("cannot clear the inheritable capabilities: %s", strerror(errno));
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    fail("cannot clear the ambient capabilities: %s", strerror(errno));
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    fail("cannot set no_new_privs: %s", strerror(errno));
  }
}

static void wait_out(int sig) {
  (void) sig; /* the command got the signal too: keep waiting for its end */
}

/* Writes "status\n" to exit_status in the working directory by renaming a new file over it. */
static void record(int status, const char *temp_dir) {
  char text[16];
  int len = snprintf(text, sizeof text, "%d\n", status);
  int dir = AT_FDCWD;
  if (temp_dir != NULL) {
    dir = open(temp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
      fprintf(stderr, "meso-launch could not record exit status %d: cannot open %s: %s\n", status, temp_dir,
          strerror(errno));
      return;
    }
  }
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  char name[64];
  int fd = -1;
  for (unsigned attempt = 0; fd < 0 && attempt < 100; attempt++) {
    snprintf(name, sizeof name, "exit_status.%ld.%lx", (long) getpid(),
        (unsigned long) now.tv_nsec * 2654435761u + attempt);
    fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, temp_dir != NULL ? 0600 : 0666);
    if (fd < 0 && errno != EEXIST) {
      break;
    }
  }
  const char *what = NULL;
  int e = 0;
  if (fd < 0) {
    what = "cannot create a temporary file";
    e = errno;
  } else {
    if (write(fd, text, (size_t) len) != len) {
      what = "cannot write the temporary file";
      e = errno;
    }
    if (close(fd) != 0 && what == NULL) {
      what = "cannot write the temporary file";
      e = errno;
    }
    if (what == NULL && renameat(dir, name, AT_FDCWD, "exit_status") != 0) {
      what = "cannot rename the temporary file to exit_status";
      e = errno;
    }
    if (what != NULL) {
      unlinkat(dir, name, 0);
    }
  }
  if (what != NULL) {
    fprintf(stderr, "meso-launch could not record exit status %d: %s %s: %s\n", status, what, name, strerror(e));
  }
  if (dir != AT_FDCWD) {
    close(dir);
  }
}

/*
 * The command starts with every signal at its default and none blocked, however the agent was
 * started: an agent run under nohup, or from a shell in the background, ignores SIGHUP or SIGINT,
 * ignored signals survive exec, and a task's shell could then not even trap them.
 */
static void reset_signals(void) {
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig != SIGKILL && sig != SIGSTOP) {
      signal(sig, SIG_DFL);
    }
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Execs the command (signals reset first); returns only if it cannot, with the exit code to report. */
static int exec_command(char **command) {
  reset_signals();
  execvp(command[0], command);
  int e = errno;
  char msg[512];
  int n = snprintf(msg, sizeof msg, "meso-launch: cannot execute %s: %s\n", command[0], strerror(e));
  if (n > 0) {
    ssize_t ignored = write(STDERR_FILENO, msg, (size_t) n < sizeof msg ? (size_t) n : sizeof msg - 1);
    (void) ignored;
  }
  return e == ENOENT ? 127 : 126;
}

/*
 * Starts the command in a child and never returns: this process waits for it, records its status
 * when asked, and exits with it. The child is a vfork: it shares this process's memory until its
 * exec (this process is suspended meanwhile), so starting it copies no page table and takes no
 * copy-on-write fault, which on a virtual machine costs as much as the exec itself; it only resets
 * its signals and execs (or writes why it could not, from its stack, and _exits).
 */
static void wait_for_command(int record_status, const char *temp_dir, char **command) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGHUP);
  sigprocmask(SIG_BLOCK, &block, &old); /* no window where a TERM meant for the command ends this process */
  pid_t child = vfork();
  if (child < 0) {
    fail("cannot fork the task's command: %s", strerror(errno));
  }
  if (child == 0) {
    _exit(exec_command(command)); /* reset_signals() unblocks them in the child only */
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = wait_out;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigprocmask(SIG_SETMASK, &old, NULL);
  int status;
  for (;;) {
    pid_t ended = waitpid(-1, &status, 0);
    if (ended == child) {
      break;
    }
    if (ended < 0 && errno != EINTR) {
      fail("cannot wait for the task's command %ld: %s", (long) child, strerror(errno));
    }
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (record_status) {
    record(code, temp_dir);
  }
  exit(code);
}

static const char *value(int argc, char **argv, int *i) {
  if (*i + 1 >= argc) {
    fail("%s needs a value", argv[*i]);
  }
  return argv[++*i];
}

/* Does what the options ask (steps 1-6) and execs the command (7); see the top of the file. */
static int run(int argc, char **argv) {
  int setsid_ = 0, pid_ns = 0, drop_caps = 0, drop_sys_admin = 0, wait_ = 0, exit_status = 0;
  const char *exit_status_temp = NULL;
  const char *cgroups[MAX_CGROUPS];
  int ncgroups = 0;
  const char *mount_ns = NULL, *wd = NULL, *user = NULL;
  long uid = -1, gid = -1;
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    } else if (strcmp(a, "--version") == 0) {
      printf("meso-launch %s\n", VERSION);
      return 0;
    } else if (strcmp(a, "--setsid") == 0) {
      setsid_ = 1;
    } else if (strcmp(a, "--cgroup") == 0) {
      if (ncgroups == MAX_CGROUPS) {
        fail("more than %d --cgroup", MAX_CGROUPS);
      }
      cgroups[ncgroups++] = value(argc, argv, &i);
    } else if (strcmp(a, "--mount-ns") == 0) {
      mount_ns = value(argc, argv, &i);
    } else if (strcmp(a, "--wd") == 0) {
      wd = value(argc, argv, &i);
    } else if (strcmp(a, "--pid-ns") == 0) {
      pid_ns = 1;
    } else if (strcmp(a, "--drop-caps") == 0) {
      drop_caps = 1;
    } else if (strcmp(a, "--drop-sys-admin") == 0) {
      drop_sys_admin = 1;
    } else if (strcmp(a, "--wait") == 0) {
      wait_ = 1;
    } else if (strcmp(a, "--exit-status") == 0) {
      wait_ = 1;
      exit_status = 1;
    } else if (strcmp(a, "--exit-status-temp") == 0) {
      exit_status_temp = value(argc, argv, &i);
    } else if (strcmp(a, "--uid") == 0) {
      uid = number(a, value(argc, argv, &i));
    } else if (strcmp(a, "--gid") == 0) {
      gid = number(a, value(argc, argv, &i));
    } else if (strcmp(a, "--user") == 0) {
      user = value(argc, argv, &i);
    } else {
      fail("unknown option '%s' (allowed: --version, --setsid, --cgroup FILE, --mount-ns FILE, --wd DIR, "
          "--pid-ns, --drop-caps, --drop-sys-admin, --uid N, --gid N, --user NAME, --wait, --exit-status, "
          "--exit-status-temp DIR, -- COMMAND...)", a);
    }
  }
  if (i >= argc) {
    fail("no command after '--'");
  }
  if ((uid >= 0 || gid >= 0 || user != NULL) && (uid < 0 || gid < 0 || user == NULL)) {
    fail("--uid, --gid and --user go together");
  }
  if (exit_status_temp != NULL && !exit_status) {
    fail("--exit-status-temp needs --exit-status");
  }
  if (setsid_ && setsid() < 0) {
    fail("cannot start a new session: %s", strerror(errno));
  }
  for (int c = 0; c < ncgroups; c++) {
    join(cgroups[c]);
  }
  if (mount_ns != NULL) {
    enter_mount_namespace(mount_ns, wd);
  }
  if (pid_ns) {
    new_pid_namespace();
  }
  if (drop_caps || drop_sys_admin) {
    drop_bounding(drop_caps);
  }
  if (user != NULL) {
    switch_user(user, uid, gid);
  }
  if (pid_ns && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
    /* set (again) after the user switch, which clears it */
    fail("cannot set the parent-death signal: %s", strerror(errno));
  }
  if (drop_caps) {
    drop_rest();
  }
  if (wait_) {
    wait_for_command(exit_status, exit_status_temp, &argv[i]);
  }
  return exec_command(&argv[i]);
}

/* ---- --server: the long-lived launch server ---- */

extern char **environ;

/* Largest request accepted (env and argv of one task). */
#define MAX_REQUEST (16 * 1024 * 1024)

static void write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      _exit(0); /* the executor is gone: so is the server (tasks run on in their own sessions) */
    }
    buf += n;
    len -= (size_t) n;
  }
}

/* 1: read all, 0: end of input before any byte, -1: error or end of input midway. */
static int read_all(int fd, void *buf, size_t len) {
  char *p = buf;
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, p + got, len - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return got == 0 && n == 0 ? 0 : -1;
    }
    got += (size_t) n;
  }
  return 1;
}

/* One reply line to the executor (stdout); newlines in the text become spaces. */
static void reply(const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (len < 0) {
    return;
  }
  if ((size_t) len > sizeof buf - 2) {
    len = (int) sizeof buf - 2;
  }
  for (int k = 0; k < len; k++) {
    if (buf[k] == '\n') {
      buf[k] = ' ';
    }
  }
  buf[len++] = '\n';
  write_all(STDOUT_FILENO, buf, (size_t) len);
}

/* Reports every child (waiter) that ended: "X PID STATUS", STATUS as Java's Process reports it. */
static void reap(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      return;
    }
    reply("X %ld %d", (long) pid, WIFEXITED(status) ? WEXITSTATUS(status) : 0x80 + WTERMSIG(status));
  }
}

/* The server's own argv strings, [title, title_end): its children write theirs over it. */
static char *title, *title_end;

/*
 * Makes this process's /proc/PID/cmdline (what ps shows) the helper argv it runs, [start, end) in
 * the request, as a per-launch helper's is, rather than the server's: written over the server's
 * argv area (the executor pads it, see LaunchServer), cut at its size, the rest zeroed.
 */
static void show_argv(const char *start, const char *end) {
  if (title == NULL || title_end <= title) {
    return;
  }
  size_t room = (size_t) (title_end - title) - 1, n = (size_t) (end - start);
  if (n > room) {
    n = room;
  }
  memcpy(title, start, n);
  memset(title + n, 0, (size_t) (title_end - title) - n);
}

/*
 * One launch request: NUL-terminated strings ID, CWD, STDIN, STDOUT, STDERR, NENV, NENV times
 * NAME=VALUE, then the argv of a helper run (meso-launch OPTIONS -- COMMAND...). Opens the task's
 * working directory and files (as ProcessBuilder would: stdout/stderr created or truncated), forks
 * a child that takes them as its directory and stdin/stdout/stderr, the environment as its own,
 * and runs the options as a helper run would; replies "S ID PID", or "F ID WHY" when nothing was
 * forked.
 */
static void launch_request(char *buf, size_t len, int sfd, const sigset_t *mask) {
  char *fields[8];
  size_t nfields = 0, pos = 0;
  while (nfields < 6 && pos < len) {
    fields[nfields++] = buf + pos;
    pos += strlen(buf + pos) + 1;
  }
  const char *id = nfields > 0 ? fields[0] : "?";
  if (nfields < 6) {
    reply("F %s malformed request (%zu fields)", id, nfields);
    return;
  }
  char *end;
  long nenv = strtol(fields[5], &end, 10);
  if (*end != '\0' || nenv < 0 || (size_t) nenv > len) {
    reply("F %s malformed request (environment size '%s')", id, fields[5]);
    return;
  }
  size_t total = 0;
  for (size_t p = pos; p < len; p += strlen(buf + p) + 1) {
    total++;
  }
  if (total < (size_t) nenv + 2) {
    reply("F %s malformed request (no command)", id);
    return;
  }
  char **strings = calloc(total + 2, sizeof(char *));
  if (strings == NULL) {
    reply("F %s out of memory", id);
    return;
  }
  size_t k = 0;
  for (size_t p = pos; p < len; p += strlen(buf + p) + 1) {
    strings[k++] = buf + p;
  }
  char **env = strings; /* env[nenv] is overwritten below: copy the argv pointers one up first */
  char **argv = strings + nenv + 1;
  int argc = (int) (total - (size_t) nenv);
  memmove(argv, strings + nenv, (size_t) argc * sizeof(char *));
  argv[argc] = NULL;
  env[nenv] = NULL;

  int dir = open(fields[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    reply("F %s cannot open the working directory %s: %s", id, fields[1], strerror(errno));
    free(strings);
    return;
  }
  int fds[3] = {-1, -1, -1};
  const char *what = NULL;
  int e = 0;
  for (int f = 0; f < 3 && what == NULL; f++) {
    fds[f] = f == 0 ? open(fields[2], O_RDONLY | O_CLOEXEC)
        : open(fields[2 + f], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fds[f] < 0) {
      what = fields[2 + f];
      e = errno;
    }
  }
  pid_t pid = -1;
  if (what == NULL) {
    pid = fork();
    if (pid < 0) {
      what = "fork";
      e = errno;
    } else if (pid == 0) {
      close(sfd);
      show_argv(argv[0], buf + len + 1);
      if (fchdir(dir) != 0 || dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0 || dup2(fds[2], 2) < 0) {
        _exit(LAUNCH_FAILED);
      }
      close(dir);
      for (int f = 0; f < 3; f++) {
        close(fds[f]);
      }
      sigprocmask(SIG_SETMASK, mask, NULL);
      environ = env;
      exit(run(argc, argv));
    }
  }
  close(dir);
  for (int f = 0; f < 3; f++) {
    if (fds[f] >= 0) {
      close(fds[f]);
    }
  }
  if (what != NULL) {
    reply("F %s cannot open %s: %s", id, what, strerror(e));
  } else {
    reply("S %s %ld", id, (long) pid);
  }
  free(strings);
}

/*
 * The launch server (--server [PADDING]; PADDING only makes room for its children's argv, see
 * show_argv): requests on stdin (a 4-byte big-endian length, then the request,
 * see launch_request), replies and exits on stdout ("R meso-launch VERSION" once ready, then
 * "S ID PID", "F ID WHY", "X PID STATUS"). Each launch is a fork of this small process instead of
 * an exec of jspawnhelper and of a helper. Ends at the end of its input (the executor closed it or
 * died); the tasks run on, and whoever inherits them (init, a subreaper) reaps them.
 */
static int serve(void) {
  sigset_t chld, mask;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &mask);
  sigdelset(&mask, SIGCHLD); /* what the children start with */
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    fprintf(stderr, "meso-launch --server: cannot watch SIGCHLD: %s\n", strerror(errno));
    return LAUNCH_FAILED;
  }
  /*
   * Each child's initgroups (step 5) would otherwise load the group database's NSS modules again
   * (a dlopen of libnss_systemd and its relocation per task, with "group: files systemd"): look a
   * user's groups up once here, so that every child inherits the modules loaded. Only the loading
   * is shared: each child still asks the databases for its own user's groups.
   */
  gid_t warm[64];
  int nwarm = 64;
  getgrouplist("root", 0, warm, &nwarm);
  reply("R meso-launch %s", VERSION);
  for (;;) {
    struct pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {sfd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      fprintf(stderr, "meso-launch --server: poll: %s\n", strerror(errno));
      return 1;
    }
    if (fds[1].revents & POLLIN) {
      struct signalfd_siginfo info;
      while (read(sfd, &info, sizeof info) > 0) {
      }
      reap();
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      unsigned char head[4];
      int r = read_all(STDIN_FILENO, head, sizeof head);
      if (r <= 0) {
        return r == 0 ? 0 : 1;
      }
      uint32_t len = (uint32_t) head[0] << 24 | (uint32_t) head[1] << 16 | (uint32_t) head[2] << 8 | head[3];
      if (len > MAX_REQUEST) {
        fprintf(stderr, "meso-launch --server: request of %u bytes (at most %d)\n", len, MAX_REQUEST);
        return 1;
      }
      char *buf = malloc((size_t) len + 1);
      if (buf == NULL || read_all(STDIN_FILENO, buf, len) != 1) {
        return 1;
      }
      buf[len] = '\0';
      launch_request(buf, len, sfd, &mask);
      free(buf);
    }
  }
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    printf("meso-launch %s\n", VERSION);
    return 0;
  }
  if ((argc == 2 || argc == 3) && strcmp(argv[1], "--server") == 0) {
    title = argv[0];
    title_end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
    return serve();
  }
  return run(argc, argv);
}
