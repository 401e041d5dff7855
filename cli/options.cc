#include "cli/options.h"

#include "core/model.h"
#include "core/names.h"

namespace callbench::cli {

CLI::Option* add_session_option(CLI::App* cmd, int64_t* out, const std::string& description) {
  return cmd
      ->add_option_function<std::string>(
          "--session",
          [out](const std::string& text) {
            auto v = parse_unsigned(text, INT64_MAX, false);
            if (!v || *v == 0) {
              throw CLI::ValidationError("--session", "expected a session id from 1 to 9223372036854775807, found '" +
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
      [](std::string& value) { return value.empty() ? std::string("must not be empty") : std::string(); },
      "", "not empty"));
}

}  // namespace callbench::cli
