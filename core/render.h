// The table form of a played or recorded session, at the edge where strings belong:
// the session the way the call-model document draws it, one column per party, rows in
// event order, each event with its attributes. (The JSON-lines form is derived from
// the journal schema: storage/codec.h.)
#ifndef CALLBENCH_CORE_RENDER_H_
#define CALLBENCH_CORE_RENDER_H_

#include <string>
#include <vector>

#include "core/model.h"

namespace callbench {

// `outcomes` may be empty (a recorded session that did not keep them).
std::string render_table(const Session& session, const std::vector<Event>& events,
                         const std::vector<ApplyResult>& outcomes);
}  // namespace callbench

#endif  // CALLBENCH_CORE_RENDER_H_
