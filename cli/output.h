// Standard output for every command: writes are checked, so output cut short by a full
// disk, /dev/full or a closed pipe is an I/O failure (exit 3) naming the cause, never
// a silent exit 0. A closed pipe (EPIPE) ends the process quietly, as `| head` users
// expect (SIGPIPE, or exit 3 without a message when SIGPIPE is ignored).
#ifndef CALLBENCH_CLI_OUTPUT_H_
#define CALLBENCH_CLI_OUTPUT_H_

#include <string_view>

namespace callbench::cli {

// Writes `s` to standard output; remembers the first failure.
void print(std::string_view s);
// Flushes standard output (stdio and iostreams) and returns `exit_code`, or 3 after
// naming the failure on stderr when any write failed.
int finish_output(int exit_code);

}  // namespace callbench::cli

#endif  // CALLBENCH_CLI_OUTPUT_H_
