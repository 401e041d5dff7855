// Campaign child processes and interrupts (process.h).
#include "fuzz/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace callbench {
namespace {

// Shared with the signal handler: lock-free atomics only.
std::atomic<int> g_interrupts{0};
std::atomic<pid_t> g_child_groups[kMaxChildren];  // -1 or 0: free
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<pid_t>::is_always_lock_free);

void on_interrupt(int) {
  if (g_interrupts.fetch_add(1) + 1 < 2) return;
  for (auto& g : g_child_groups) {
    pid_t group = g.load();
    if (group > 0) ::kill(-group, SIGKILL);
  }
  static const char kMessage[] = "\ncallbench: interrupted again: stopped at once\n";
  ssize_t ignored = ::write(2, kMessage, sizeof kMessage - 1);
  (void)ignored;
  ::_exit(130);
}

struct sigaction g_previous_int, g_previous_term;

int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

Status spawn_child(const std::vector<std::string>& argv,
                   const std::vector<std::pair<std::string, std::string>>& env, ChildProcess* out) {
  *out = ChildProcess{};
  if (argv.empty()) return Status::invalid("no command to run");
  int slot = -1;
  for (int i = 0; i < kMaxChildren && slot < 0; ++i) {
    if (g_child_groups[i].load() <= 0) slot = i;
  }
  if (slot < 0) return Status::invalid("more than " + std::to_string(kMaxChildren) + " children");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::io(std::string("pipe: ") + std::strerror(errno));
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Status::io(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    // The child does not inherit callbench's interrupt handling.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    for (const auto& [name, value] : env) {
      if (value.empty()) {
        ::unsetenv(name.c_str());
      } else {
        ::setenv(name.c_str(), value.c_str(), 1);
      }
    }
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so that the group exists before we signal it
  ::close(fds[1]);
  out->pid = pid;
  out->output = fds[0];
  out->slot = slot;
  g_child_groups[slot].store(pid);
  return Status::ok();
}

void signal_child(const ChildProcess& child, int signal) {
  // (A negative pid: child_ended saw the leader end; its group may live on.)
  pid_t group = child.pid > 0 ? child.pid : -child.pid;
  if (group > 0) ::kill(-group, signal);
}

int wait_child(ChildProcess* child) {
  if (child->output >= 0) ::close(child->output);
  child->output = -1;
  if (child->pid <= 0) {  // never started, or child_ended reaped it already
    close_child(child);
    return 128;
  }
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(child->pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (child->slot >= 0) g_child_groups[child->slot].store(-1);
  child->pid = -1;
  child->slot = -1;
  if (r < 0) return 128;
  return exit_status(status);
}

bool child_ended(ChildProcess* child, int* status) {
  if (child->pid <= 0) {
    *status = 128;
    return true;
  }
  int raw = 0;
  pid_t r;
  do {
    r = ::waitpid(child->pid, &raw, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return false;
  // The group's leader has ended, but what it started may still run in the group: the
  // slot keeps the group for a second interrupt until the caller closes the child.
  *status = r < 0 ? 128 : exit_status(raw);
  child->pid = -child->pid;  // no longer waitable; -pid is still its group for signal_child
  return true;
}

void close_child(ChildProcess* child) {
  if (child->output >= 0) ::close(child->output);
  child->output = -1;
  if (child->slot >= 0) g_child_groups[child->slot].store(-1);
  child->slot = -1;
  child->pid = -1;
}

int run_child(const std::vector<std::string>& argv,
              const std::vector<std::pair<std::string, std::string>>& env, const std::string& log) {
  ChildProcess child;
  if (!spawn_child(argv, env, &child).is_ok()) return -1;
  std::FILE* out = std::fopen(log.c_str(), "ab");
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(child.output, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out) std::fwrite(buf, 1, static_cast<std::size_t>(n), out);
  }
  if (out) std::fclose(out);
  return wait_child(&child);
}

InterruptHandler::InterruptHandler() {
  g_interrupts.store(0);
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking read or poll returns EINTR
  ::sigaction(SIGINT, &sa, &g_previous_int);
  ::sigaction(SIGTERM, &sa, &g_previous_term);
}

InterruptHandler::~InterruptHandler() {
  ::sigaction(SIGINT, &g_previous_int, nullptr);
  ::sigaction(SIGTERM, &g_previous_term, nullptr);
}

int InterruptHandler::interrupted() { return g_interrupts.load(); }

}  // namespace callbench
