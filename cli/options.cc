#include "cli/options.h"

#include "core/model.h"
#include "core/names.h"
#include "models/model_spec.h"

namespace callbench::cli {

CLI::Option* add_session_option(CLI::App* cmd, int64_t* out, const std::string& description) {
  return cmd
      ->add_option_function<std::string>(
          "--session",
          [out](const std::string& text) {
            auto v = parse_unsigned(text, INT64_MAX, false);
            if (!v || *v == 0) {
              throw CLI::ValidationError(
                  "--session", "expected a session id from 1 to 9223372036854775807, found '" +
                                   printable(text, 40) +
                                   "' (omit --session for all sessions, or the only one)");
            }
            *out = static_cast<int64_t>(*v);
          },
          description)
      ->type_name("N");
}

CLI::Option* non_empty(CLI::Option* option) {
  return option->check(CLI::Validator(
      [](std::string& value) {
        return value.empty() ? std::string("must not be empty") : std::string();
      },
      "", "not empty"));
}

void add_model_options(CLI::App* cmd, ModelOptions* out, bool with_spec, bool replaying) {
  if (with_spec) {
    if (replaying) out->spec.clear();  // none: each session's own model
    cmd->add_option(
           "--model", out->spec,
           replaying
               ? "Replay on this call model instead of the one each session's header names "
                 "(builtin, exec:COMMAND or plugin:PATH.so): for a recorded exec: command that "
                 "runs from another directory, or to see whether another model reproduces the "
                 "session bit-exactly; an imported log's derived scenarios play on it too"
               : "The call model under test: builtin (the engine), exec:COMMAND (a program "
                 "speaking JSON lines on stdin/stdout, run by /bin/sh -c) or plugin:PATH.so (a "
                 "shared library behind include/callbench_model.h); README 'Putting your "
                 "implementation on the bench'")
        ->type_name("SPEC")
        ->default_str(replaying ? "each session's recorded model" : "builtin")
        ->check(CLI::Validator(
            [](std::string& v) {
              Status st = check_model_spec(v);  // models/model_spec.h: the one definition
              return st.is_ok() ? std::string() : st.message();
            },
            "", "model"));
  }
  cmd->add_option(
         "--model-timeout", out->timeout,
         "Seconds an exec: model may take to answer one request before it counts as hung (the "
         "hello may take ten times as long, and at least 10 s: an interpreter starting on a "
         "loaded machine)")
      ->type_name("SECONDS")
      ->default_str("5")
      ->check(CLI::Range(0.001, 3600.0));
}

}  // namespace callbench::cli
