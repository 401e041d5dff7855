// The program-level mutator: generation, mutation and crossover of fuzz programs
// (program.h), as syzkaller's prog/ does for system-call programs. Every operation
// takes an explicit Rng and returns a valid program: a stimulus that uses a call comes
// after the stimulus creating it, creating stimuli get call ids 0, 1, 2... in order
// (renumbered after every change), names and ReferenceIDs are normalized, and the
// program limits hold (at most kMaxProgramStimuli stimuli, 1..kMaxProgramDns DNs).
// The same program and seed always give the same result.
//
// The byte-level wrappers are what libFuzzer's LLVMFuzzerCustomMutator and
// LLVMFuzzerCustomCrossOver call: decode (falling back to a random program when the
// bytes hold none), change at the program level, encode, never past the size limit.
#ifndef CALLBENCH_FUZZ_MUTATOR_H_
#define CALLBENCH_FUZZ_MUTATOR_H_

#include <cstddef>
#include <cstdint>

#include "core/model.h"
#include "fuzz/rng.h"

namespace callbench {

// A small topology covering several DN kinds (always two extensions), options mostly
// at their defaults, a random seed, and a few stimuli that mostly make sense for the
// kinds of DNs they name.
Session random_program(Rng& rng);

enum class MutationOp : uint8_t {
  kInsert = 0,    // a random stimulus, at a position biased toward the end
  kDelete,        // one stimulus; the uses of a call it created move to another or go
  kSwap,          // two stimuli
  kMove,          // one stimulus to another position
  kDuplicate,     // a copy of one stimulus somewhere after it (a copied creator creates anew)
  kChangeArg,     // one argument of one stimulus: a DN, the call, or the reason
  kChangeConfig,  // an option, or the seed
  kTopology,      // add a DN, change a DN's kind, or remove a DN (its uses move to another)
};
inline constexpr int kMutationOpCount = 8;
const char* mutation_op_name(MutationOp op);

// Applies `op` to a program; false (and the program unchanged) when the op cannot
// apply (delete from an empty program, insert into a full one, ...).
// REQUIRES: check_program(*program) is empty, as for every function here.
bool apply_mutation(Session* program, MutationOp op, Rng& rng);
// Chooses an op (structural ops often, topology rarely) and applies it; retries another
// op when the chosen one cannot apply. Returns the op applied.
MutationOp mutate_program(Session* program, Rng& rng);

// A prefix of `a` followed by a suffix of `b`, on a's topology, options and seed: b's
// DNs map to a's DNs of the same kind (a DN is added when a has none of that kind and
// room for one), b's calls created in its prefix map onto calls a's prefix created
// (or those uses go), calls created in b's suffix stay distinct.
Session crossover_programs(const Session& a, const Session& b, Rng& rng);

// libFuzzer's custom mutator: mutates the program in data[0, size) in place and returns
// its new size, at most max_size. Bytes that hold no program become a random one.
std::size_t mutate_bytes(uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed);
// libFuzzer's custom crossover: writes a crossover of the two programs into out and
// returns its size, at most max_out.
std::size_t crossover_bytes(const uint8_t* data1, std::size_t size1, const uint8_t* data2,
                            std::size_t size2, uint8_t* out, std::size_t max_out, unsigned seed);
// The two above keep the program they wrote last, whole, with its bytes: handed those
// bytes again (libFuzzer's usual next call), they take the program instead of decoding
// it. The result is the same either way. For tests: forget it, so the next call decodes.
void forget_written_program();
// The program the two above wrote last when data[0, size) are exactly its bytes (what
// decode_program of those bytes gives: decode(encode(p)) == p), else nullptr. Valid until
// the next call of either. fuzz_orderings runs it instead of decoding the bytes again.
const Session* last_written_program(const uint8_t* data, std::size_t size);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_MUTATOR_H_
