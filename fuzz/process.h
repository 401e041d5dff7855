// The processes a campaign runs (its fuzzing processes, one per job, and the target
// again to write each finding's bug report), and what an interrupt does to them. Each
// child runs in its own process group, so a terminal's Ctrl-C reaches callbench alone and
// callbench decides: the first SIGINT (or SIGTERM) only sets a flag, which the campaign
// polls to stop its children gently and do its end work; a second one kills every
// child's whole group with SIGKILL and exits the process at once with status 130. At most
// kMaxChildren children at a time; called from one thread only.
#ifndef CALLBENCH_FUZZ_PROCESS_H_
#define CALLBENCH_FUZZ_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace callbench {

struct ChildProcess {
  pid_t pid = -1;   // also its process group id
  int output = -1;  // read end of a pipe carrying its stdout and stderr
  int slot = -1;    // its place among the groups a second interrupt kills
};

// How many children may live at once (a campaign's --jobs is at most 256).
constexpr int kMaxChildren = 320;

// Starts argv[0] (looked up in PATH when it has no '/') with `env` set (an empty value
// unsets the variable), stdin from /dev/null, stdout and stderr into a pipe. It is one of
// the children a second interrupt kills until it is waited for.
Status spawn_child(const std::vector<std::string>& argv,
                   const std::vector<std::pair<std::string, std::string>>& env, ChildProcess* out);

// Sends `signal` to the child's whole process group (nothing when it has none).
void signal_child(const ChildProcess& child, int signal);

// Closes the pipe, waits for the child, and returns its exit status (128 + the signal
// when a signal ended it). It is no longer one of the children a second interrupt kills.
int wait_child(ChildProcess* child);

// Whether the child has ended, without waiting: true with its exit status in `status`
// (as wait_child's) once it has; the pipe stays open for what is left in it, and the
// child's group (anything it started that still runs) is for the caller to end.
bool child_ended(ChildProcess* child, int* status);

// Closes the pipe of a child that child_ended reported.
void close_child(ChildProcess* child);

// Runs a child to its end with its output appended to `log`; its exit status, or -1
// when it could not start.
int run_child(const std::vector<std::string>& argv,
              const std::vector<std::pair<std::string, std::string>>& env, const std::string& log);

// While one lives, SIGINT and SIGTERM are handled as the header says (the previous
// handlers come back when it ends). interrupted(): how many arrived since it began.
class InterruptHandler {
 public:
  InterruptHandler();
  ~InterruptHandler();
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;
  static int interrupted();
};

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_PROCESS_H_
