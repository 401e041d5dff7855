// libFuzzer target: scenario text into the parser; what parses must print and parse
// back to the same session (fuzz/harness.h).
#include "fuzz/harness.h"

CALLBENCH_FUZZ_TARGET(fuzz_scenario_parser);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callbench::run_scenario_parser(data, size);
}
