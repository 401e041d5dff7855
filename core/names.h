// Names and labels: the one definition of a valid DN name, call name and session
// label, used by the scenario parser, the journal's header decoder and recorder
// (through validate_session) and `run --label`, so that whatever a journal holds, the
// printer writes a scenario that parses back. And printable(): how every printer shows
// text that came from outside (labels, paths, journal columns) so that it cannot
// change what a line means or send control characters to a terminal.
#ifndef CALLBENCH_CORE_NAMES_H_
#define CALLBENCH_CORE_NAMES_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace callbench {

// A DN name: 1 to limits::kMaxNameLength of A-Z a-z 0-9 _ + * . - ('7001', '+15550100').
bool valid_dn_name(std::string_view s);
inline constexpr const char* kDnNameRule = "1 to 32 of A-Z a-z 0-9 _ + * . -";
// A call name: 1 to limits::kMaxNameLength characters, a letter or _ and then letters,
// digits or _, and not a statement keyword (dn, option, seed, expect).
bool valid_call_name(std::string_view s);
inline constexpr const char* kCallNameRule =
    "1 to 32 characters: a letter or _, then letters, digits or _; not dn, option, seed or expect";
// A session label: 1 to kMaxLabelLength bytes of UTF-8 with no control characters.
inline constexpr std::size_t kMaxLabelLength = 200;
bool valid_label(std::string_view s);
inline constexpr const char* kLabelRule = "1 to 200 bytes of UTF-8 text with no control characters";

// `s` with every control character (C0, DEL, C1), backslash and byte that is not UTF-8
// written as \n, \t, \r, \\ or \xNN; at most `max` bytes of it, then "...".
std::string printable(std::string_view s, std::size_t max = std::string::npos);
// The same for a message that may hold text already made printable (quoted names):
// control characters and bytes that are not UTF-8 escaped, a backslash left as it is,
// so that what was escaped once is not escaped again.
std::string printable_message(std::string_view s);

}  // namespace callbench

#endif  // CALLBENCH_CORE_NAMES_H_
