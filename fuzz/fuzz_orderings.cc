// libFuzzer target: orderings of requests and switch events, judged by the oracle.
// The input is a program (fuzz/program.h); the custom mutator and crossover work on
// programs, not bytes (fuzz/mutator.h).
#include "fuzz/harness.h"
#include "fuzz/mutator.h"

CALLBENCH_FUZZ_TARGET(fuzz_orderings);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callbench::run_orderings(data, size);
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return callbench::mutate_bytes(data, size, max_size, seed);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1,
                                            const uint8_t* data2, size_t size2, uint8_t* out,
                                            size_t max_out_size, unsigned int seed) {
  return callbench::crossover_bytes(data1, size1, data2, size2, out, max_out_size, seed);
}
