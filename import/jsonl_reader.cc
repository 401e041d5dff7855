// The JSON-lines reader (import/jsonl.h). One pass over the lines builds the topology,
// the calls, the stimuli and the events; finish() infers what the stream left out
// (DN kinds without a session line, request_seq of a full stream without it) and
// validates the session.
//
// Calls. A line's "call" names its call; without one, its ConnID does (the call is
// named after the ConnID); an EventError without either takes the call of the request
// whose ReferenceID it answers. A make-call line without "call" or "ConnID" creates a
// call that the first event answering its ReferenceID with a new ConnID binds.
//
// Sequence numbers. An event's "seq" must rise; without one it is the previous plus
// one. A request line's "seq" (default: its position among request lines) is what an
// event's "request_seq" refers to; the reader renumbers both to the stimulus's
// position in Session::stimuli, as judge() expects. An event without "request_seq"
// belongs to the request line before it when the stream has switch stimuli (the
// order `run --format jsonl` prints), and to no request (0) in an observed stream.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "import/call_binder.h"
#include "import/jsonl.h"
#include "import/tserver_log.h"

namespace callbench {
namespace {

using json = nlohmann::json;

// Lines one stream may hold: every stimulus and event, the session line, and as many
// blank lines again.
constexpr std::size_t kMaxLines = 2 * (limits::kMaxStimuli + limits::kMaxEventsPerSession + 1);

// A DN or call name: 1 to 32 of A-Z a-z 0-9 _ + * # . - (the scenario language's set,
// so every name prints and parses back).
bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > limits::kMaxNameLength) return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '_' || c == '+' || c == '*' || c == '#' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const json* find(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<uint64_t> as_unsigned(const json& v, uint64_t max) {
  if (!v.is_number_unsigned()) return std::nullopt;
  uint64_t x = v.get<uint64_t>();
  if (x > max) return std::nullopt;
  return x;
}

// Text for messages: a JSON value, shortened.
std::string shown(const json& v) {
  std::string s = v.dump(-1, ' ', true, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

bool is_switch_stimulus(StimulusKind k) {
  return static_cast<int>(k) >= static_cast<int>(StimulusKind::kInbound);
}

class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  Status line(std::string_view text);
  Status finish(JsonlStream* out);
  bool complete() const;
  // An error at the line being read: "FILE:LINE: what".
  Status fail(const std::string& what) const {
    return Status::invalid(name_ + ":" + std::to_string(line_) + ": " + what);
  }
  std::size_t line_number() const { return line_; }
  void next_line() { ++line_; }

 private:
  Status session_line(const json& j);
  Status request_line(const json& j);
  Status event_line(const json& j);
  Status dn(const json& v, const char* key, DnId* out);
  Status call_named(const std::string& name, CallId* out);
  Status call_state(const json& v, const char* key, CallState* out);
  Status role(const json& v, const char* key, DnRole* out);

  std::string name_;
  std::size_t line_ = 0;     // the line being read, 1..
  std::size_t records_ = 0;  // non-blank lines read
  JsonlStream s_;
  bool declared_topology_ = false;   // the session line gave "dns"
  bool stated_profile_ = false;      // the session line gave "options"
  bool request_seqs_mapped_ = true;  // every event's request_seq names a request line
  std::map<std::string, DnId, std::less<>> dn_ids_;
  CallBinder calls_{&s_.session.config.call_names};  // ConnIDs to calls (import/call_binder.h)
  std::map<uint32_t, uint32_t> request_index_;       // request line seq -> stimulus position 1..
  std::vector<std::size_t> request_lines_;           // by stimulus: its line
  std::vector<bool> request_seq_given_;              // by event
  std::vector<uint32_t> request_before_;  // by event: position of the request line before it
  uint32_t last_seq_ = 0;
};

Status Reader::line(std::string_view text) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.find_first_not_of(" \t") == std::string_view::npos) return Status::ok();
  // JSON text has no raw NUL; the parser would stop at one and ignore the rest of the line.
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return fail("a NUL byte at column " + std::to_string(nul + 1) + " (JSON text has none)");
  }
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error
    // ...; last read: '...'": keep the column and the reason, not the echoed bytes.
    std::string what = e.what();
    if (std::size_t p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    if (std::size_t p = what.find("line 1, "); p != std::string::npos) what.erase(p, 8);
    if (std::size_t p = what.find("; last read"); p != std::string::npos) what.erase(p);
    return fail("malformed JSON: " + what);
  }
  ++records_;
  if (!j.is_object()) return fail("expected a JSON object, found " + shown(j));
  if (find(j, "session")) {
    if (records_ != 1)
      return fail("the session line must be the stream's first line (one stream is one session)");
    return session_line(j);
  }
  if (find(j, "event")) return event_line(j);
  if (find(j, "request")) return request_line(j);
  return fail("expected a \"session\", \"request\" or \"event\" line");
}

// ---- The session line -----------------------------------------------------------

Status Reader::session_line(const json& j) {
  const json& s = j.at("session");
  if (!s.is_object()) return fail("\"session\" must be an object");
  s_.has_session_line = true;
  SessionConfig& c = s_.session.config;
  if (const json* seed = find(s, "seed")) {
    std::optional<uint64_t> v = as_unsigned(*seed, UINT64_MAX);
    if (!v && seed->is_string())
      v = parse_unsigned(seed->get_ref<const std::string&>(), UINT64_MAX, true);
    if (!v) return fail("session seed: expected a 64-bit unsigned number, found " + shown(*seed));
    c.seed = *v;
  }
  if (const json* label = find(s, "label")) {
    if (!label->is_string())
      return fail("session label: expected a string, found " + shown(*label));
    s_.label = label->get<std::string>();
  }
  if (const json* dns = find(s, "dns")) {
    if (!dns->is_array()) return fail("session dns: expected an array of {\"dn\", \"kind\"}");
    declared_topology_ = true;
    for (const json& d : *dns) {
      if (c.topology.dns.size() >= limits::kMaxDns) {
        return fail("session dns: more than " + std::to_string(limits::kMaxDns) + " DNs");
      }
      const json* name = d.is_object() ? find(d, "dn") : nullptr;
      const json* kind = d.is_object() ? find(d, "kind") : nullptr;
      if (!name || !kind || !name->is_string() || !kind->is_string()) {
        return fail("session dns: expected {\"dn\": NAME, \"kind\": KIND}, found " + shown(d));
      }
      const std::string& n = name->get_ref<const std::string&>();
      if (!valid_name(n))
        return fail("session dns: " + shown(*name) +
                    " is not a DN name (1 to 32 of A-Z a-z 0-9 _ + * # . -)");
      std::optional<DnKind> k = parse_dn_kind(kind->get_ref<const std::string&>());
      if (!k) return fail("session dns: DN " + n + ": unknown kind " + shown(*kind));
      if (dn_ids_.count(n)) return fail("session dns: DN " + n + " is declared twice");
      dn_ids_.emplace(n, static_cast<DnId>(c.topology.dns.size()));
      c.topology.dns.push_back(Dn{n, *k});
    }
  }
  if (const json* options = find(s, "options")) {
    if (!options->is_object()) return fail("session options: expected an object of option: value");
    for (const auto& [key, value] : options->items()) {
      if (!value.is_string() ||
          !set_profile_option(&c.profile, key, value.get_ref<const std::string&>())) {
        return fail("session options: unknown option or value " + shown(json{{key, value}}));
      }
    }
    stated_profile_ = true;
  }
  return Status::ok();
}

// ---- Names ----------------------------------------------------------------------

Status Reader::dn(const json& v, const char* key, DnId* out) {
  std::string name;
  if (v.is_string()) {
    name = v.get<std::string>();
  } else if (v.is_number_unsigned()) {
    name = std::to_string(v.get<uint64_t>());  // a DN written as a number: 7001
  } else {
    return fail(std::string(key) + ": expected a DN name, found " + shown(v));
  }
  if (!valid_name(name)) {
    return fail(std::string(key) + ": " + shown(v) +
                " is not a DN name (1 to 32 of A-Z a-z 0-9 _ + * # . -)");
  }
  auto it = dn_ids_.find(name);
  if (it != dn_ids_.end()) {
    *out = it->second;
    return Status::ok();
  }
  if (declared_topology_)
    return fail(std::string(key) + ": DN " + name + " is not in the session line's dns");
  Topology& t = s_.session.config.topology;
  if (t.dns.size() >= limits::kMaxDns)
    return fail("more than " + std::to_string(limits::kMaxDns) + " DNs");
  *out = static_cast<DnId>(t.dns.size());
  dn_ids_.emplace(name, *out);
  t.dns.push_back(Dn{name, DnKind::kExtension});  // the kind is inferred in finish()
  return Status::ok();
}

Status Reader::call_named(const std::string& name, CallId* out) {
  if (!valid_name(name))
    return fail("call: " + shown(json(name)) +
                " is not a call name (1 to 32 of A-Z a-z 0-9 _ + * # . -)");
  if (!calls_.named(name, out))
    return fail("more than " + std::to_string(limits::kMaxCalls) + " calls");
  return Status::ok();
}

Status Reader::call_state(const json& v, const char* key, CallState* out) {
  if (v.is_string()) {
    if (std::optional<CallState> c = parse_call_state(v.get_ref<const std::string&>())) {
      *out = *c;
      return Status::ok();
    }
  } else if (std::optional<uint64_t> n = as_unsigned(v, 255);
             n && is_call_state(static_cast<int>(*n))) {
    *out = static_cast<CallState>(*n);
    return Status::ok();
  }
  return fail(std::string(key) + ": not a CallState: " + shown(v));
}

Status Reader::role(const json& v, const char* key, DnRole* out) {
  if (v.is_string()) {
    if (std::optional<DnRole> r = parse_dn_role(v.get_ref<const std::string&>())) {
      *out = *r;
      return Status::ok();
    }
  } else if (std::optional<uint64_t> n = as_unsigned(v, 255);
             n && is_dn_role(static_cast<int>(*n))) {
    *out = static_cast<DnRole>(*n);
    return Status::ok();
  }
  return fail(std::string(key) + ": not a DNRole: " + shown(v));
}

// ---- Request lines --------------------------------------------------------------

Status Reader::request_line(const json& j) {
  const json& verb = j.at("request");
  std::optional<StimulusKind> kind =
      verb.is_string() ? parse_stimulus_verb(verb.get_ref<const std::string&>()) : std::nullopt;
  if (!kind) return fail("unknown request " + shown(verb));
  auto& stimuli = s_.session.stimuli;
  if (stimuli.size() >= limits::kMaxStimuli)
    return fail("more than " + std::to_string(limits::kMaxStimuli) + " requests");
  const StimulusShape& shape = shape_of(*kind);
  Stimulus s;
  s.kind = *kind;
  auto position = static_cast<uint32_t>(stimuli.size() + 1);
  uint32_t seq = position;
  if (const json* v = find(j, "seq")) {
    std::optional<uint64_t> n = as_unsigned(*v, UINT32_MAX);
    if (!n || *n == 0) return fail("seq: expected a number from 1, found " + shown(*v));
    seq = static_cast<uint32_t>(*n);
  }
  if (!request_index_.emplace(seq, position).second)
    return fail("request seq " + std::to_string(seq) + " appears twice");
  if (shape.client_request) {
    const json* ref = find(j, "ReferenceID");
    std::optional<uint64_t> n = ref ? as_unsigned(*ref, UINT32_MAX) : std::nullopt;
    if (!n || *n == 0) return fail(std::string(shape.tlib) + " needs a ReferenceID from 1");
    s.reference_id = static_cast<uint32_t>(*n);
  }
  if (shape.has_dn) {
    const json* v = find(j, "ThisDN");
    if (!v) return fail(std::string(shape.verb) + " needs ThisDN");
    Status st = dn(*v, "ThisDN", &s.dn);
    if (!st.is_ok()) return st;
  }
  if (shape.has_dn2) {
    const json* v = find(j, "OtherDN");
    if (!v) return fail(std::string(shape.verb) + " needs OtherDN");
    Status st = dn(*v, "OtherDN", &s.dn2);
    if (!st.is_ok()) return st;
  }
  if (shape.has_reason) {
    if (const json* v = find(j, "CallState")) {
      Status st = call_state(*v, "CallState", &s.call_state);
      if (!st.is_ok()) return st;
      s.has_call_state = true;
    }
  }
  if (shape.has_call) {
    const json* name = find(j, "call");
    const json* conn = find(j, "ConnID");
    std::optional<uint64_t> conn_id;
    if (conn) {
      conn_id =
          conn->is_string() ? parse_conn_id(conn->get_ref<const std::string&>()) : std::nullopt;
      if (!conn_id) return fail("ConnID: expected 16 hex digits, found " + shown(*conn));
    }
    std::string call_name;
    if (name) {
      if (!name->is_string()) return fail("call: expected a name, found " + shown(*name));
      call_name = name->get<std::string>();
    } else if (conn_id) {
      call_name = calls_.name_for(*conn_id);
    } else if (*kind == StimulusKind::kMakeCall) {
      call_name =
          "r" + std::to_string(s.reference_id);  // renamed after its ConnID once an event binds it
    } else {
      return fail(std::string(shape.verb) + " needs a call (\"call\" or \"ConnID\")");
    }
    std::size_t known = s_.session.config.call_names.size();
    Status st = call_named(call_name, &s.call);
    if (!st.is_ok()) return st;
    if (shape.creates_call && s.call < known)
      return fail("call " + call_name + " is created twice");
    calls_.request(conn_id, shape.client_request, s.reference_id,
                   *kind == StimulusKind::kMakeCall && !name && !conn_id, s.call);
  }
  stimuli.push_back(s);
  request_lines_.push_back(line_);
  return Status::ok();
}

// ---- Event lines ----------------------------------------------------------------

Status Reader::event_line(const json& j) {
  const json& type = j.at("event");
  std::optional<EventType> t =
      type.is_string() ? parse_event_name(type.get_ref<const std::string&>()) : std::nullopt;
  if (!t) return fail("unknown event " + shown(type));
  if (s_.events.size() >= limits::kMaxEventsPerSession) {
    return fail("more than " + std::to_string(limits::kMaxEventsPerSession) + " events");
  }
  Event e;
  e.type = *t;
  if (const json* v = find(j, "seq")) {
    std::optional<uint64_t> n = as_unsigned(*v, UINT32_MAX);
    if (!n || *n == 0) return fail("seq: expected a number from 1, found " + shown(*v));
    if (*n <= last_seq_) {
      return fail("seq " + std::to_string(*n) + " does not follow the previous event's seq " +
                  std::to_string(last_seq_));
    }
    e.seq = static_cast<uint32_t>(*n);
  } else {
    if (last_seq_ == UINT32_MAX) return fail("seq: past 2^32 - 1");
    e.seq = last_seq_ + 1;
  }
  last_seq_ = e.seq;
  bool request_seq_given = false;
  if (const json* v = find(j, "request_seq")) {
    std::optional<uint64_t> n = as_unsigned(*v, UINT32_MAX);
    if (!n) return fail("request_seq: expected a number, found " + shown(*v));
    auto it = request_index_.find(static_cast<uint32_t>(*n));
    e.request_seq =
        it == request_index_.end() ? 0 : it->second;  // a request the stream left out: none
    request_seq_given = true;
  }
  if (e.request_seq == 0) request_seqs_mapped_ = false;
  // The attributes, by T-Lib name; keys outside the model are ignored.
  struct DnAttr {
    Attr attr;
    DnId* field;
  };
  const DnAttr dn_attrs[] = {{Attr::kThisDn, &e.this_dn},
                             {Attr::kOtherDn, &e.other_dn},
                             {Attr::kThirdPartyDn, &e.third_party_dn},
                             {Attr::kThisQueue, &e.this_queue},
                             {Attr::kThirdPartyQueue, &e.third_party_queue}};
  for (const DnAttr& a : dn_attrs) {
    const char* key = attr_name(a.attr);
    if (const json* v = find(j, key)) {
      Status st = dn(*v, key, a.field);
      if (!st.is_ok()) return st;
      e.set(a.attr);
    }
  }
  if (!e.has(Attr::kThisDn)) return fail(std::string(event_name(e.type)) + " without ThisDN");
  struct RoleAttr {
    Attr attr;
    DnRole* field;
  };
  const RoleAttr role_attrs[] = {{Attr::kThisDnRole, &e.this_role},
                                 {Attr::kOtherDnRole, &e.other_role},
                                 {Attr::kThirdPartyDnRole, &e.third_party_role}};
  for (const RoleAttr& a : role_attrs) {
    const char* key = attr_name(a.attr);
    if (const json* v = find(j, key)) {
      Status st = role(*v, key, a.field);
      if (!st.is_ok()) return st;
      e.set(a.attr);
    }
  }
  if (const json* v = find(j, "CallState")) {
    Status st = call_state(*v, "CallState", &e.call_state);
    if (!st.is_ok()) return st;
    e.set(Attr::kCallState);
  }
  if (const json* v = find(j, "ReferenceID")) {
    std::optional<uint64_t> n = as_unsigned(*v, UINT32_MAX);
    if (!n) return fail("ReferenceID: expected a number, found " + shown(*v));
    e.reference_id = static_cast<uint32_t>(*n);
    e.set(Attr::kReferenceId);
  }
  if (const json* v = find(j, "ErrorCode")) {
    std::optional<uint64_t> code = as_unsigned(*v, 0xFFFF);
    if (!code) return fail("ErrorCode: expected a number, found " + shown(*v));
    const json* m = find(j, "ErrorMessage");
    std::string_view message =
        m && m->is_string() ? std::string_view(m->get_ref<const std::string&>()) : "";
    // The reason with this code and message; else the first with this code; else none
    // of the model's (the code is still present).
    for (int pass = 0; pass < 2 && e.error == ErrorReason::kNone; ++pass) {
      for (int i = 1; i < kErrorReasonCount; ++i) {
        auto reason = static_cast<ErrorReason>(i);
        if (error_code_of(reason) == static_cast<int>(*code) &&
            (pass == 1 || message == error_message_of(reason))) {
          e.error = reason;
          break;
        }
      }
    }
    e.set(Attr::kErrorCode);
  }
  std::optional<uint64_t> conn_id;
  if (const json* v = find(j, "ConnID")) {
    conn_id = v->is_string() ? parse_conn_id(v->get_ref<const std::string&>()) : std::nullopt;
    if (!conn_id) return fail("ConnID: expected 16 hex digits, found " + shown(*v));
    e.conn_id = *conn_id;
    e.set(Attr::kConnId);
  }
  // The call.
  if (const json* name = find(j, "call")) {
    if (!name->is_string()) return fail("call: expected a name, found " + shown(*name));
    Status st = call_named(name->get<std::string>(), &e.call);
    if (!st.is_ok()) return st;
    if (conn_id) calls_.bind(*conn_id, e.call);
  } else if (!calls_.event(
                 conn_id,
                 e.has(Attr::kReferenceId) ? std::optional<uint32_t>(e.reference_id) : std::nullopt,
                 &e.call)) {
    return fail("more than " + std::to_string(limits::kMaxCalls) + " calls");
  }
  s_.events.push_back(e);
  request_seq_given_.push_back(request_seq_given);
  request_before_.push_back(static_cast<uint32_t>(s_.session.stimuli.size()));
  return Status::ok();
}

// ---- The end of the stream ------------------------------------------------------

// Whether the stream has every stimulus (as `run --format jsonl` prints it) rather
// than being observed. A switch stimulus says so. Without one (a session of client
// requests only, or a real T-Server's stream), it has every stimulus when request
// lines create every call before any use and either the session line states it
// is callbench's or every event's request_seq names a request line.
bool Reader::complete() const {
  const Session& session = s_.session;
  for (const Stimulus& s : session.stimuli) {
    if (is_switch_stimulus(s.kind)) return true;
  }
  if (session.stimuli.empty() || !(s_.has_session_line || request_seqs_mapped_)) return false;
  std::vector<bool> created(session.config.call_names.size(), false);
  for (const Stimulus& s : session.stimuli) {
    if (!shape_of(s.kind).has_call) continue;
    if (shape_of(s.kind).creates_call) created[s.call] = true;
    if (!created[s.call]) return false;
  }
  return std::find(created.begin(), created.end(), false) == created.end();
}

Status Reader::finish(JsonlStream* out) {
  Session& session = s_.session;
  if (session.stimuli.empty() && s_.events.empty())
    return Status::invalid(name_ + ": holds no request or event line");
  session.profile_known = stated_profile_;
  session.observed = !complete();
  if (!session.observed) {
    // A full stream prints each request before the events it caused.
    for (std::size_t i = 0; i < s_.events.size(); ++i) {
      if (!request_seq_given_[i]) s_.events[i].request_seq = request_before_[i];
    }
  }
  if (!declared_topology_) infer_dn_kinds(&session, s_.events);  // import/log_session.cc
  // Each stimulus on its own, then the session as a whole.
  std::vector<bool> created(session.config.call_names.size(), false);
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    const Stimulus& s = session.stimuli[i];
    line_ = request_lines_[i];
    std::string why = validate_stimulus(s, session.config);
    if (!why.empty()) return fail(why);
    if (!shape_of(s.kind).has_call) continue;
    if (shape_of(s.kind).creates_call) created[s.call] = true;
    if (!created[s.call] && !session.observed) {
      return fail(
          std::string(shape_of(s.kind).verb) + ": call " + session.config.call_names[s.call] +
          " is used before a request creates it (a stream with switch stimuli has every stimulus)");
    }
  }
  std::string why = validate_session(session);
  if (!why.empty()) return Status::invalid(name_ + ": " + why);
  *out = std::move(s_);
  return Status::ok();
}

// Feeds `reader` the lines of `text`, bounded.
Status feed(Reader* reader, std::string_view text, bool last_chunk, std::string* pending) {
  std::size_t start = 0;
  while (true) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) break;
    std::string_view piece = text.substr(start, nl - start);
    reader->next_line();
    if (reader->line_number() > kMaxLines)
      return reader->fail("more than " + std::to_string(kMaxLines) + " lines");
    Status st;
    if (!pending->empty()) {
      pending->append(piece);
      if (pending->size() > limits::kMaxJsonLineLength) {
        return reader->fail("line longer than " + std::to_string(limits::kMaxJsonLineLength) +
                            " bytes");
      }
      st = reader->line(*pending);
      pending->clear();
    } else {
      if (piece.size() > limits::kMaxJsonLineLength) {
        return reader->fail("line longer than " + std::to_string(limits::kMaxJsonLineLength) +
                            " bytes");
      }
      st = reader->line(piece);
    }
    if (!st.is_ok()) return st;
    start = nl + 1;
  }
  pending->append(text.substr(start));
  if (pending->size() > limits::kMaxJsonLineLength) {
    reader->next_line();
    return reader->fail("line longer than " + std::to_string(limits::kMaxJsonLineLength) +
                        " bytes");
  }
  if (last_chunk && !pending->empty()) {
    reader->next_line();
    Status st = reader->line(*pending);
    pending->clear();
    if (!st.is_ok()) return st;
  }
  return Status::ok();
}

}  // namespace

Status read_jsonl_text(std::string_view text, const std::string& name, JsonlStream* out) {
  Reader reader(name);
  std::string pending;
  Status st = feed(&reader, text, true, &pending);
  if (!st.is_ok()) return st;
  return reader.finish(out);
}

Status read_jsonl_file(const std::string& path, JsonlStream* out) {
  bool from_stdin = path == "-";
  std::FILE* f = from_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) return Status::io(path + ": cannot open: " + std::strerror(errno));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> owned(from_stdin ? nullptr : f, &std::fclose);
  // A directory opens (fopen "rb" succeeds on Linux) but is bad input, not a read failure.
  struct stat st_file {};
  if (::fstat(::fileno(f), &st_file) == 0 && S_ISDIR(st_file.st_mode)) {
    return Status::invalid((from_stdin ? std::string("<stdin>") : path) +
                           ": is a directory, not a journal or a JSON-lines stream");
  }
  Reader reader(from_stdin ? "<stdin>" : path);
  std::string pending;
  std::vector<char> buf(64 * 1024);
  while (true) {
    std::size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (n == 0) {
      if (std::ferror(f)) return Status::io(path + ": read failed: " + std::strerror(errno));
      break;
    }
    Status st = feed(&reader, std::string_view(buf.data(), n), false, &pending);
    if (!st.is_ok()) return st;
  }
  Status st = feed(&reader, std::string_view(), true, &pending);
  if (!st.is_ok()) return st;
  return reader.finish(out);
}

}  // namespace callbench
