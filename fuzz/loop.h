// An in-process campaign: the program-level mutator, the engine and the oracle in one
// loop, without libFuzzer. The fault campaigns (tests/faults/) use it to measure how
// fast the oracle finds each fault; it is seeded, so a run repeats exactly.
//
// Corpus: the seed programs, plus every mutant that shows a behaviour not seen before
// (a new signature: which event kinds each party kind got, per call position).
#ifndef CALLBENCH_FUZZ_LOOP_H_
#define CALLBENCH_FUZZ_LOOP_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "core/model.h"
#include "core/oracle.h"

namespace callbench {

struct LoopOptions {
  uint64_t seed = 1;
  uint64_t max_executions = 100000;
  std::vector<Session> seeds;  // programs (fuzz/program.h); a random one when empty
};

struct LoopResult {
  bool found = false;
  uint64_t executions = 0;  // programs played until the finding (or in all)
  double seconds = 0;
  std::size_t corpus = 0;
  Session program;  // the finding
  Verdict verdict;
};

// Runs until a verdict `wanted` accepts, or max_executions.
LoopResult run_loop(const LoopOptions& options, const std::function<bool(const Verdict&)>& wanted);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_LOOP_H_
