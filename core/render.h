// The table form of a played or recorded session, at the edge where strings belong:
// the session the way the call-model document draws it, one column per party, rows in
// event order, each event with its attributes. (The JSON-lines form is derived from
// the journal schema: storage/codec.h.)
#ifndef CALLBENCH_CORE_RENDER_H_
#define CALLBENCH_CORE_RENDER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace callbench {

// Stimuli per block of the table: a session is drawn as consecutive tables of this many
// stimuli each, each with its own header (the parties that got an event in it) and its
// own column widths, separated by a blank line. A session of at most this many stimuli
// (every documented flow) is one table.
inline constexpr std::size_t kTableBlockStimuli = 64;

// `outcomes` may be empty (a recorded session that did not keep them). Hands the text
// to `sink` in parts (at most one block, or 64 KiB of lines, at a time), so that memory
// does not grow with the session.
void render_table(const Session& session, const std::vector<Event>& events,
                  const std::vector<ApplyResult>& outcomes,
                  const std::function<void(std::string_view)>& sink);
// The same, as one string.
std::string render_table(const Session& session, const std::vector<Event>& events,
                         const std::vector<ApplyResult>& outcomes);
}  // namespace callbench

#endif  // CALLBENCH_CORE_RENDER_H_
