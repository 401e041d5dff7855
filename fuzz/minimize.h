// Program-level minimization of a finding (syzkaller's prog/minimization.go, not
// libFuzzer's byte-level -minimize_crash, which mishandles custom mutators): drop the
// stimuli after the violation, drop stimuli one at a time, drop DNs no stimulus names,
// then simplify what is left (options back to their defaults, seed 1, no busy reasons),
// keeping each cut only if the program still breaks the oracle with the same identity
// (Violation::identity()). Deterministic: the same program gives the same result.
#ifndef CALLBENCH_FUZZ_MINIMIZE_H_
#define CALLBENCH_FUZZ_MINIMIZE_H_

#include <string>

#include "core/model.h"
#include "core/oracle.h"

namespace callbench {

// Whether playing `program` breaks the oracle with a violation of identity `identity`.
bool breaks_with(const Session& program, const std::string& identity, Verdict* verdict = nullptr);

// REQUIRES: `program` is a program (fuzz/program.h) that breaks_with(identity).
// *executions (may be null) counts the programs played.
Session minimize_program(const Session& program, const std::string& identity,
                         std::size_t* executions);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_MINIMIZE_H_
