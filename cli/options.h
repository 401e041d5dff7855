// Options several commands share, parsed the same way everywhere: bad values are
// usage errors (exit 2) naming the option, never silently clamped or ignored.
#ifndef CALLBENCH_CLI_OPTIONS_H_
#define CALLBENCH_CLI_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace callbench::cli {

// --session N: a session id from 1 to 2^63-1. There is no "0 means all": omitting the
// option means all sessions (replay, check) or the journal's only one (show, export).
CLI::Option* add_session_option(CLI::App* cmd, int64_t* out, const std::string& description);
// A path option or positional that must not be empty ("" is an error, not "unset").
CLI::Option* non_empty(CLI::Option* option);

// --model SPEC and --model-timeout SECONDS (run, replay, fuzz): which call model plays
// the sessions (models/model_spec.h).
struct ModelOptions {
  std::string spec = "builtin";
  double timeout = 5.0;
};
// --model (when with_spec) and --model-timeout. `replaying`: --model has no default (each
// session replays on the model its header names) and says so.
void add_model_options(CLI::App* cmd, ModelOptions* out, bool with_spec, bool replaying = false);

}  // namespace callbench::cli

#endif  // CALLBENCH_CLI_OPTIONS_H_
