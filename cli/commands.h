// The callbench subcommands. Each add_*_command() registers one subcommand on the
// app; its callback stores the process exit status in *exit_code:
//   0 success, 1 a check failed (unmet expectations, replay divergence, a violation),
//   2 bad input or usage (parse error, unknown file, bad option), 3 an I/O failure.
#ifndef CALLBENCH_CLI_COMMANDS_H_
#define CALLBENCH_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "core/status.h"

namespace callbench::cli {

void add_run_command(CLI::App& app, int* exit_code);
void add_journal_commands(CLI::App& app, int* exit_code);
void add_check_command(CLI::App& app, int* exit_code);
void add_fuzz_command(CLI::App& app, int* exit_code);
void add_import_command(CLI::App& app, int* exit_code);

// Prints a failed status to stderr and returns its exit code.
int report(const Status& status);

}  // namespace callbench::cli

#endif  // CALLBENCH_CLI_COMMANDS_H_
