// libFuzzer target: bytes as a journal payload and as a journal file (fuzz/harness.h).
#include "fuzz/harness.h"

CALLBENCH_FUZZ_TARGET(fuzz_journal_reader);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callbench::run_journal_reader(data, size);
}
