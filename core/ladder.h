// Ladder diagrams: a session drawn the way telephony engineers read calls (sngrep,
// Wireshark's flow sequence, the call-model document's party columns). One lifeline per
// party (every DN of the topology, its name and kind in the header) and one for the
// switch/T-Server; time flows down. Each client request is an arrow from its DN to the
// T-Server labelled with the T-Lib request and its ReferenceID; each switch stimulus is
// a marked step on the T-Server's lifeline; each event is an arrow from the T-Server to
// its party labelled with the event name, its attributes in a tooltip and in a column
// beside the diagram. EventError, ignored stimuli and oracle violations are drawn in
// red/orange with the rule named on the arrow; calls are told apart by colour; the
// documented flow and interruption point each call followed is written above.
//
// The output is self-contained (inline SVG and CSS; no script, no font, nothing fetched)
// and deterministic: the same session gives the same bytes. Every piece of text is
// untrusted (DN names, labels come from journals and logs): it is XML-escaped, control
// characters are dropped and invalid UTF-8 is replaced, so the output is always
// well-formed XML. The HTML pages are well-formed XML too (XHTML-compatible).
//
// SVG structure a reader (or a test) can rely on: `<g class="lifeline" data-dn=NAME>`
// per party and one `<g class="lifeline tserver">`; `<g class="arrow request ...">` per
// client request; `<g class="step switch ...">` per switch stimulus and timing control;
// `<g class="arrow event ...">` per event at a party, with `error` for EventError and
// `violation` (and `data-rule`) for an event a violation names.
#ifndef CALLBENCH_CORE_LADDER_H_
#define CALLBENCH_CORE_LADDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/oracle.h"

namespace callbench {

// What a ladder draws: a session, its events, the stimuli's outcomes (may be empty: a
// recorded session that did not keep them) and the oracle's verdict on it. Borrowed.
struct LadderSession {
  const Session* session = nullptr;
  const std::vector<Event>* events = nullptr;
  const std::vector<ApplyResult>* outcomes = nullptr;
  const Verdict* verdict = nullptr;
  std::string title;  // "session 3 'acd_1'"
};

// The diagram as a standalone SVG document (with the XML declaration).
std::string render_ladder_svg(const LadderSession& s);
// The diagram as an <svg> element, for embedding in HTML.
std::string ladder_svg_element(const LadderSession& s);

// A <section> with the title, the verdict, the ladder, the table of events with every
// attribute, and the session as a scenario.
std::string ladder_html_section(const LadderSession& s);
// A whole page for one session.
std::string render_ladder_html(const LadderSession& s);

// A self-contained HTML page around `body` (already escaped markup), with the shared
// stylesheet. `title` is escaped here.
std::string html_page(std::string_view title, std::string_view body);
// Text made safe for XML content and attribute values: & < > " ' escaped, control
// characters dropped, invalid UTF-8 replaced by U+FFFD.
std::string xml_escape(std::string_view text);
// The same, keeping newlines (for <pre>).
std::string xml_escape(std::string_view text, bool keep_newlines);

// The oracle's page for judged sessions (callbench check --html): a summary table, then
// a section per session (at most kMaxHtmlSessions drawn; the rest summarized).
inline constexpr std::size_t kMaxHtmlSessions = 200;
std::string render_check_html(std::string_view title, const std::vector<LadderSession>& sessions);

}  // namespace callbench

#endif  // CALLBENCH_CORE_LADDER_H_
