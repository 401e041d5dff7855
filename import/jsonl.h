// JSON lines, the stream form of a session: the session line that opens every stream
// `callbench run --format jsonl` and `show --format jsonl` print, and the reader that
// turns any such stream back into model values for the oracle, including streams no
// engine produced (a real T-Server's events and client requests, without switch
// stimuli, without seq numbers, with attributes outside the model).
//
// A stream is one session:
//   {"session":{"seed":1,"label":"acd","dns":[{"dn":"7001","kind":"extension"},...],
//               "options":{"dial-info":"on",...}}}        first line, optional
//   {"request":"make-call","seq":1,"ReferenceID":1,"call":"c1","ThisDN":"7001",...}
//   {"event":"EventDialing","seq":1,"request_seq":1,"call":"c1","ConnID":"...",...}
// Request and event lines are the JSON form of the journal's payloads (storage/codec.h).
//
// The reader treats its input as untrusted: every line is bounded (limits.h), every
// value is checked, and anything it cannot use is a Status::invalid naming FILE:LINE,
// never an assertion. Keys outside the model are ignored. It never reads the engine.
#ifndef CALLBENCH_IMPORT_JSONL_H_
#define CALLBENCH_IMPORT_JSONL_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace callbench {

// The session line of a stream: seed, label, topology (in DnId order) and every
// switch-profile option with its value's name. One line, no newline.
std::string session_json_line(const SessionConfig& config, std::string_view label);

// A stream read back: a session ready for judge() (validate_session passed) and its
// events in seq order. Session::profile_known when the session line states "options".
// Session::observed unless the stream has every stimulus: a switch stimulus says so;
// without one, request lines must create every call before its use, and the stream
// must have its session line or a request_seq on every event naming a request line.
// Without "dns" in a session line, the topology is every DN the lines name, in order
// of appearance, its kind inferred from the events (jsonl_reader.cc).
struct JsonlStream {
  Session session;
  std::vector<Event> events;
  std::string label;  // the session line's label; empty without one
  bool has_session_line = false;
};

// Reads the stream in `path` ("-": standard input). Errors name `path` (standard
// input: "<stdin>") and the line: "s.jsonl:7: unknown event name 'EventFoo'". A file that cannot be
// opened or read is Status::io.
Status read_jsonl_file(const std::string& path, JsonlStream* out);

// The same over text in memory; `name` is what errors call the file.
Status read_jsonl_text(std::string_view text, const std::string& name, JsonlStream* out);

}  // namespace callbench

#endif  // CALLBENCH_IMPORT_JSONL_H_
