// The call model the fuzzing code plays programs on: fuzz_orderings, the in-process
// loop (fuzz/loop.h), minimization and findings. The built-in engine unless a model
// is set: in a libFuzzer target from $CALLBENCH_MODEL ("exec:COMMAND" or
// "plugin:PATH.so", set by `callbench fuzz --model`), with $CALLBENCH_MODEL_TIMEOUT and
// $CALLBENCH_COMPARE=builtin; in tests by set_fuzz_model(). One model per process, so
// an exec model is one child process per campaign job, not per execution.
//
// Two kinds of finding come from the model rather than from the oracle, as violations
// of their own rule, so that they are recorded, minimized and replayed like the others:
//   model-failed        the model crashed, hung, wrote a malformed line or answered
//                       another seq: identity "model-failed/missing/<what>"
//   differs-from-engine (with compare) the first difference from the built-in engine:
//                       identity "differs-from-engine/<event>/<attribute>"
// Programs are generated and mutated inside what the model supports (set_fuzz_model sets
// fuzz/generate.h's program domain); restrict_program brings the rest (seeds, crossovers of
// inputs from elsewhere) inside.
#ifndef CALLBENCH_FUZZ_MODEL_PLAY_H_
#define CALLBENCH_FUZZ_MODEL_PLAY_H_

#include <string>
#include <vector>

#include "core/call_model.h"
#include "core/oracle.h"
#include "fuzz/rng.h"

namespace callbench {

inline constexpr const char* kModelFailedRule = "model-failed";
inline constexpr const char* kDiffersRule = "differs-from-engine";

// Borrows `model` (null: the engine) until the next call.
void set_fuzz_model(CallModel* model, bool compare_builtin);
CallModel* fuzz_model();
bool fuzz_compare();
// From the environment, once per process; prints the error and exits 2 when the
// model cannot be made.
void init_fuzz_model_from_env();

// Plays `program` on the fuzz model (or a fresh engine) and judges it; a model failure
// and (with compare) a difference from the engine come first in the verdict.
Verdict play_and_judge(const Session& program, std::vector<Event>* events);

// Moves a program inside what the fuzz model supports: unsupported DN kinds become a
// supported kind, unsupported option values the other value, unsupported stimuli are
// dropped (and the program repaired). Deterministic. False when nothing changed.
bool restrict_program(Session* program);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_MODEL_PLAY_H_
