// fuzz_scenario_parser's body (harness.h): apart from fuzz_orderings' (harness.cc), so
// that each target carries only the coverage counters that guide it (fuzz/CMakeLists.txt).
#include <string>
#include <string_view>

#include "core/player.h"
#include "core/scenario.h"
#include "fuzz/harness.h"

namespace callbench {

int run_scenario_parser(const uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Scenario first;
  if (!parse_scenario(text, "fuzz.scn", &first).is_ok()) return 0;
  std::string why = validate_session(first.session);
  if (!why.empty()) {
    property_failed("fuzz_scenario_parser", "the parser accepted an invalid session: " + why);
  }
  (void)play(first.session);
  std::string printed = print_scenario(first.session);
  Scenario second;
  Status st = parse_scenario(printed, "printed.scn", &second);
  if (!st.is_ok()) {
    property_failed("fuzz_scenario_parser",
                    "the printed scenario does not parse: " + st.message() + "\n" + printed);
  }
  if (!(second.session == first.session)) {
    property_failed("fuzz_scenario_parser", "the printed scenario parses to another session:\n" +
                                                printed + "---\n" + print_scenario(second.session));
  }
  return 0;
}

}  // namespace callbench
