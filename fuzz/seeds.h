// The seed corpus of fuzz_orderings: every documented flow (corpus/flows/*.scn) as a
// program's bytes, so the fuzzer starts from the document's own call flows. Reads the
// flows, writes one file per flow; nothing else.
#ifndef CALLBENCH_FUZZ_SEEDS_H_
#define CALLBENCH_FUZZ_SEEDS_H_

#include <cstddef>
#include <string>

#include "core/status.h"

namespace callbench {

// Converts every FLOWS_DIR/*.scn (in name order) with normalize_program + encode_program
// into OUT_DIR/<name without .scn> (OUT_DIR is created when missing; existing files of
// those names are replaced). *written counts the files written. A flow that does not
// parse is an error naming it; nothing after it is written.
Status write_seed_corpus(const std::string& flows_dir, const std::string& out_dir,
                         std::size_t* written);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_SEEDS_H_
