// The mutator's building blocks (mutator.h): random stimuli that mostly make sense for
// the DNs they name, and repair_program(), which turns a program whose stimuli were
// inserted, deleted, reordered or spliced back into a valid program. Internal to fuzz/.
#ifndef CALLBENCH_FUZZ_GENERATE_H_
#define CALLBENCH_FUZZ_GENERATE_H_

#include <cstddef>

#include "core/call_model.h"
#include "core/model.h"
#include "fuzz/rng.h"

namespace callbench {

// The domain of generated and mutated programs: what the call model under test supports
// (issue 9: "campaigns generate and mutate only programs inside what the model
// supports"). Everything by default; fuzz/model_play.cc sets it from the model's hello.
// random_stimulus, random_dn_kind and the mutator's ops draw only inside it, and with
// everything allowed they draw exactly as they would without a domain (same seed, same
// program). One domain per process: a libFuzzer process fuzzes one model.
void set_program_domain(const ModelSupports& domain);
const ModelSupports& program_domain();
bool domain_has(StimulusKind kind);
bool domain_has(DnKind kind);
bool domain_has_option_value(int option, int value);

// A DN kind inside the domain, uniformly (any kind when the domain allows none).
DnKind random_dn_kind(Rng& rng);

// A DN of `topology` for argument `arg` (a letter of shape_of(kind).args) of a stimulus
// of `kind`: mostly one of the kinds that argument is meant for (an ACD queue for
// divert's first DN, an extension for answer), sometimes any. REQUIRES: a non-empty
// topology.
DnId random_dn(const Topology& topology, StimulusKind kind, const StimulusArg& arg, Rng& rng);

// A random stimulus to stand at index `pos` of the program: a call it uses is one
// created before `pos` (the latest more often); a creating stimulus gets `fresh` as its
// call id (an id no stimulus of the program has; repair_program renumbers). When no call
// exists before `pos`, only stimuli that need none are drawn.
Stimulus random_stimulus(const Session& program, std::size_t pos, CallId fresh, Rng& rng);

// The calls created by stimuli [0, pos): in a program, calls 0..n-1.
std::size_t calls_before(const Session& program, std::size_t pos);

// Makes a valid program of a session whose topology is a program's (1..kMaxProgramDns
// DNs, DN indexes valid) but whose stimuli may be out of order: truncates to
// kMaxProgramStimuli, gives creating stimuli ids 0, 1, 2... in order (their old ids must
// be distinct), points each use of a call at its creator's new id, or, when no earlier
// stimulus created it, at a random earlier call, or drops the use when there is none;
// then renames and renumbers ReferenceIDs (name_program).
void repair_program(Session* program, Rng& rng);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_GENERATE_H_
