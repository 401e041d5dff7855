// callbench: the command line. Thin subcommands over the libraries.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/names.h"

namespace callbench::cli {

int report(const Status& status) {
  // A message may quote what came from outside (a path, a journal's bytes): its lines
  // are printed with control characters escaped.
  std::string safe;
  const std::string& m = status.message();
  for (std::size_t p = 0; p <= m.size();) {
    std::size_t e = m.find('\n', p);
    if (e == std::string::npos) e = m.size();
    safe += (p ? "\n" : "") + printable_message(std::string_view(m).substr(p, e - p));
    p = e + 1;
  }
  spdlog::error("{}", safe);
  switch (status.code()) {
    case Status::Code::kOk:
      return 0;
    case Status::Code::kMismatch:
      return 1;
    case Status::Code::kIo:
      return 3;
    default:
      return 2;
  }
}

}  // namespace callbench::cli

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_logger_st("callbench");
  logger->set_pattern("callbench: %v");
  spdlog::set_default_logger(logger);

  CLI::App app{
      "callbench: a record-and-replay fuzzing test bench for telephony call models.\n"
      "It plays scenarios (.scn) through a deterministic T-Server/switch engine that\n"
      "implements the connection-establishing flows of the call-model document, and\n"
      "prints the T-Lib events each party gets. Sessions are recorded into SQLite journals\n"
      "that replay bit-exactly and answer questions in SQL.",
      "callbench"};
  app.set_version_flag("--version", "callbench 0.1.0");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success; 1 a check failed (unmet expectations); 2 bad input or usage;\n"
      "3 an I/O failure. 'callbench COMMAND --help' describes each command.");
  int exit_code = 0;
  callbench::cli::add_run_command(app, &exit_code);
  callbench::cli::add_journal_commands(app, &exit_code);
  callbench::cli::add_check_command(app, &exit_code);
  callbench::cli::add_fuzz_command(app, &exit_code);
  callbench::cli::add_import_command(app, &exit_code);
  // A first word that is neither an option nor a command is a mistyped command: say so
  // (CLI11 alone says only that a subcommand is required).
  if (argc == 1 || argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      known = known || (argc > 1 && sub->get_name() == argv[1]);
    }
    if (argc == 1) {
      std::fprintf(
          stderr,
          "callbench: a command is required: one of %s\nRun 'callbench --help' for usage.\n",
          names.c_str());
      return 2;
    }
    if (!known) {
      std::fprintf(stderr,
                   "callbench: unknown command '%s': expected one of %s\nRun 'callbench --help' "
                   "for usage.\n",
                   callbench::printable(argv[1], 64).c_str(), names.c_str());
      return 2;
    }
  }
  // Help and the version go through the same checked output as every command's
  // results: `--version >/dev/full` is exit 3 naming the failure.
  auto print_help = [&app](const CLI::Error& e) {
    std::ostringstream out;
    int code = app.exit(e, out, std::cerr);
    callbench::cli::print(out.str());
    return callbench::cli::finish_output(code);
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return print_help(e);
  } catch (const CLI::CallForAllHelp& e) {
    return print_help(e);
  } catch (const CLI::CallForVersion& e) {
    return print_help(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "callbench: %s\nRun 'callbench --help' for usage.\n", e.what());
    return 2;
  }
  return callbench::cli::finish_output(exit_code);
}
