// A read T-Server log into an observed session (import/tserver_log.h): model events and
// client requests into Session + events, everything else kept beside them for the
// journal (LogRowInfo), DN kinds inferred, optionally anonymized.
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/names.h"
#include "import/call_binder.h"
#include "import/tserver_log.h"

namespace callbench {

const std::string& Pseudonyms::dn(const std::string& name) {
  auto it = dns_.find(name);
  if (it != dns_.end()) return it->second;
  std::string p = "dn" + std::to_string(dns_.size() + 1);
  return dns_.emplace(name, std::move(p)).first->second;
}

const std::string& Pseudonyms::value(const std::string& cls, const std::string& text) {
  auto& m = values_[cls];
  auto it = m.find(text);
  if (it != m.end()) return it->second;
  std::string p = cls + std::to_string(++counts_[cls]);
  return m.emplace(text, std::move(p)).first->second;
}

void infer_dn_kinds(Session* session, const std::vector<Event>& events) {
  // The kinds, from the events: a routing point gets EventRouteRequest (a routing
  // queue EventQueued too); an ACD queue is its own ThisQueue on EventQueued; a DN
  // that never gets an event is external; one the network was reached for, a remote
  // extension; anything else is an extension.
  auto& dns = session->config.topology.dns;
  std::vector<uint8_t> is_this(dns.size()), route(dns.size()), queued(dns.size()),
      own_queue(dns.size()), remote(dns.size());
  // A DN beyond the network that still gets events is a remote extension: the caller's
  // EventNetworkReached names it, or comes on a call that rings there.
  std::vector<uint8_t> reached(session->config.call_names.size());
  for (const Event& e : events) {
    if (e.type != EventType::kNetworkReached) continue;
    if (e.has(Attr::kOtherDn) && e.other_dn < dns.size()) remote[e.other_dn] = 1;
    if (e.call < reached.size()) reached[e.call] = 1;
  }
  for (const Event& e : events) {
    if (e.type == EventType::kRinging && e.call < reached.size() && reached[e.call] &&
        e.this_dn < dns.size())
      remote[e.this_dn] = 1;
  }
  for (const Event& e : events) {
    if (e.this_dn >= dns.size()) continue;
    is_this[e.this_dn] = 1;
    if (e.type == EventType::kRouteRequest) route[e.this_dn] = 1;
    if (e.type == EventType::kQueued) {
      queued[e.this_dn] = 1;
      if (e.has(Attr::kThisQueue) && e.this_queue == e.this_dn) own_queue[e.this_dn] = 1;
    }
  }
  for (std::size_t d = 0; d < dns.size(); ++d) {
    dns[d].kind = route[d]       ? (queued[d] ? DnKind::kRoutingQueue : DnKind::kRoutingPoint)
                  : own_queue[d] ? DnKind::kAcdQueue
                  : !is_this[d]  ? DnKind::kExternal
                  : remote[d]    ? DnKind::kRemoteExtension
                                 : DnKind::kExtension;
  }
}

namespace {

// Attributes whose values name a DN (anonymized as DNs), and other personal values.
bool is_dn_attr(std::string_view n) {
  return n == "ThisDN" || n == "OtherDN" || n == "ThirdPartyDN" || n == "ThisQueue" ||
         n == "OtherQueue" || n == "ThirdPartyQueue" || n == "ThisTrunk" || n == "OtherTrunk";
}
const char* personal_class(std::string_view n) {
  if (n == "ANI") return "ani";
  if (n == "DNIS") return "dnis";
  if (n == "AgentID") return "agent";
  if (n == "Place") return "place";
  if (n == "CustomerID") return "customer";
  if (n == "CollectedDigits" || n == "LastDigits") return "digits";
  return nullptr;
}

void anonymize_nested(LogValue* v, Pseudonyms* names) {
  for (LogValue& p : v->list) {
    if (p.nested)
      anonymize_nested(&p, names);
    else if (!p.value.empty())
      p.value = names->value("ud", p.value);
  }
}

// The attributes the conversion reads, told apart by one switch on the name's length
// and a compare (the names are what follows "Attribute" in the log).
enum class Known : uint8_t {
  kOther,
  kThisDn,
  kOtherDn,
  kThirdPartyDn,
  kThisQueue,
  kThirdPartyQueue,
  kThisDnRole,
  kOtherDnRole,
  kThirdPartyDnRole,
  kCallState,
  kReferenceId,
  kErrorCode,
  kErrorMessage,
  kConnId,
  kCallUuid,
};

Known known_attr(std::string_view n) {
  auto is = [&](const char* lit) { return std::memcmp(n.data(), lit, n.size()) == 0; };
  switch (n.size()) {
    case 6:
      return is("ThisDN") ? Known::kThisDn : is("ConnID") ? Known::kConnId : Known::kOther;
    case 7:
      return is("OtherDN") ? Known::kOtherDn : Known::kOther;
    case 8:
      return is("CallUUID") ? Known::kCallUuid : Known::kOther;
    case 9:
      return is("ThisQueue")   ? Known::kThisQueue
             : is("CallState") ? Known::kCallState
             : is("ErrorCode") ? Known::kErrorCode
                               : Known::kOther;
    case 10:
      return is("ThisDNRole") ? Known::kThisDnRole : Known::kOther;
    case 11:
      return is("OtherDNRole")   ? Known::kOtherDnRole
             : is("ReferenceID") ? Known::kReferenceId
                                 : Known::kOther;
    case 12:
      return is("ThirdPartyDN")   ? Known::kThirdPartyDn
             : is("ErrorMessage") ? Known::kErrorMessage
                                  : Known::kOther;
    case 15:
      return is("ThirdPartyQueue") ? Known::kThirdPartyQueue : Known::kOther;
    case 16:
      return is("ThirdPartyDNRole") ? Known::kThirdPartyDnRole : Known::kOther;
    default:
      return Known::kOther;
  }
}

// String keys looked up by string_view (no temporary string per lookup).
struct ViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using ViewMap = std::unordered_map<std::string, V, ViewHash, std::equal_to<>>;

class Converter {
 public:
  Converter(const ImportOptions& options, Pseudonyms* names, ImportedLog* out)
      : options_(options), names_(names), out_(out) {}
  Status message(LogMessage& m);
  Status finish();

 private:
  Status fail(uint32_t line, const std::string& what) const {
    return Status::invalid(out_->source + ":" + std::to_string(line) + ": " + what);
  }
  void unusable(uint32_t line, const std::string& what) {
    ++out_->unusable_count;
    if (out_->unusable.size() < kMaxLogSamples) out_->unusable.push_back({line, what});
  }
  // The DN named `name` (anonymized first): its id; an empty string when not a DN name.
  std::string dn(const std::string& raw, uint32_t line, DnId* id, Status* st);
  std::string dn_name(const std::string& raw) { return options_.anonymize ? names_->dn(raw) : raw; }
  Status call_named(const std::string& name, uint32_t line, CallId* out);
  void anonymize_extras(std::vector<LogValue>* extras);

  const ImportOptions& options_;
  Pseudonyms* names_;
  ImportedLog* out_;
  // The event type of a message name (parse_event_name), remembered per name.
  std::optional<EventType> event_type(const std::string& name);

  ViewMap<DnId> dn_ids_;
  ViewMap<std::optional<EventType>> event_types_;
  CallBinder calls_{&out_->session.config.call_names};
};

std::string Converter::dn(const std::string& raw, uint32_t line, DnId* id, Status* st) {
  const std::string& name = options_.anonymize ? names_->dn(raw) : raw;
  // Only valid names are ever added: a known name needs no check.
  auto it = dn_ids_.find(std::string_view(name));
  if (it != dn_ids_.end()) {
    *id = it->second;
    return {};
  }
  if (!valid_dn_name(name))
    return "'" + printable(raw, 40) + "' is not a DN name (" + kDnNameRule + ")";
  Topology& t = out_->session.config.topology;
  if (t.dns.size() >= limits::kMaxDns) {
    *st = fail(line, "more than " + std::to_string(limits::kMaxDns) +
                         " DNs in one file (a session's limit): split the log");
    return "too many DNs";
  }
  *id = static_cast<DnId>(t.dns.size());
  dn_ids_.emplace(name, *id);
  t.dns.push_back(Dn{name, DnKind::kExtension});
  return {};
}

std::optional<EventType> Converter::event_type(const std::string& name) {
  auto it = event_types_.find(std::string_view(name));
  if (it != event_types_.end()) return it->second;
  std::optional<EventType> type = parse_event_name(name);
  // Bounded: a hostile log may name many messages.
  if (event_types_.size() < 1024) event_types_.emplace(name, type);
  return type;
}

Status Converter::call_named(const std::string& name, uint32_t line, CallId* out) {
  if (!calls_.named(name, out))
    return fail(line, "more than " + std::to_string(limits::kMaxCalls) +
                          " calls in one file (a session's limit): split the log");
  return Status::ok();
}

void Converter::anonymize_extras(std::vector<LogValue>* extras) {
  if (!options_.anonymize) return;
  for (LogValue& v : *extras) {
    if (v.nested) {
      if (v.name == "UserData" || v.name == "Extensions" || v.name == "Reason")
        anonymize_nested(&v, names_);
      continue;
    }
    if (v.value.empty()) continue;
    if (is_dn_attr(v.name))
      v.value = dn_name(v.value);
    else if (const char* cls = personal_class(v.name))
      v.value = names_->value(cls, v.value);
  }
}

// Keeps `v` (an element of `values` at or after index *kept) as the next kept element:
// the vector's buffer becomes the row's extras without a new allocation.
void keep(std::vector<LogValue>& values, LogValue& v, std::size_t* kept) {
  LogValue& to = values[*kept];
  if (&to != &v) to = std::move(v);
  ++*kept;
}

std::optional<uint64_t> number(const LogValue& v, uint64_t max) {
  return parse_unsigned(v.value, max, false);
}

Status Converter::message(LogMessage& m) {
  std::optional<EventType> type =
      m.kind == LogMessage::Kind::kRequest ? std::nullopt : event_type(m.name);
  // The model's request, or none: kinds by name.
  bool is_request = false;
  StimulusKind request_kind = StimulusKind::kPause;
  static const std::pair<const char*, StimulusKind> kRequests[] = {
      {"RequestMakeCall", StimulusKind::kMakeCall},
      {"RequestAnswerCall", StimulusKind::kAnswerCall},
      {"RequestReleaseCall", StimulusKind::kReleaseCall},
      {"RequestHoldCall", StimulusKind::kHoldCall},
      {"RequestRetrieveCall", StimulusKind::kRetrieveCall},
      {"RequestRouteCall", StimulusKind::kRouteCall}};
  if (m.kind == LogMessage::Kind::kRequest) {
    for (const auto& [name, k] : kRequests) {
      if (m.name == name) {
        is_request = true;
        request_kind = k;
      }
    }
  }

  // The message is the caller's to give up: its strings move into the row.
  LogRowInfo row;
  row.line = m.line;
  row.time = std::move(m.time);
  row.message = std::move(m.name);
  if (!type && !is_request) {
    // Outside the model: kept whole, with its ConnID and ThisDN for SQL.
    std::size_t kept = 0;
    for (LogValue& v : m.attrs) {
      if (v.name == "CallUUID" && !v.nested)
        row.call_uuid = std::move(v.value);
      else
        keep(m.attrs, v, &kept);
    }
    m.attrs.erase(m.attrs.begin() + static_cast<std::ptrdiff_t>(kept), m.attrs.end());
    row.extras = std::move(m.attrs);
    anonymize_extras(&row.extras);
    for (const LogValue& v : row.extras) {
      if (v.name == "ConnID" && row.conn_id.empty()) {
        if (std::optional<uint64_t> c = parse_conn_id_any_case(v.value))
          row.conn_id = conn_id_string(*c);
      }
      if (v.name == "ThisDN" && row.this_dn.empty()) row.this_dn = v.value;
    }
    out_->other_rows.push_back(std::move(row));
    return Status::ok();
  }

  // A model event or request: its attributes.
  Event e;
  Stimulus s;
  std::optional<uint64_t> conn_id;
  std::string why;  // set when the model cannot hold the message
  Status st;
  uint32_t reference_id = 0;
  bool has_ref = false;
  std::string error_message;
  bool has_error_message = false;
  std::optional<uint64_t> error_code;
  DnId this_dn = kNoDn, other_dn = kNoDn;
  std::size_t kept = 0;     // the extras, moved to the front of m.attrs in their order
  uint32_t seen_known = 0;  // the model's attributes read so far (bit per Known)
  for (LogValue& v : m.attrs) {
    const std::string& n = v.name;
    bool model = !v.nested;
    Known k = model ? known_attr(n) : Known::kOther;
    // An attribute the model knows, given again in one message: the first is the
    // model's, the repeat stays beside it with the extras (log_attr finds it), never lost.
    if (k != Known::kOther) {
      uint32_t bit = 1u << static_cast<unsigned>(k);
      if (seen_known & bit) {
        k = Known::kOther;
        model = false;
      }
      seen_known |= bit;
    }
    if (!model) {
      // nested values are extras
    } else if (k == Known::kThisDn || k == Known::kOtherDn || k == Known::kThirdPartyDn ||
               k == Known::kThisQueue || k == Known::kThirdPartyQueue) {
      if (is_request && k != Known::kThisDn && k != Known::kOtherDn) {
        model = false;
      } else {
        DnId id = kNoDn;
        std::string bad = dn(v.value, m.line, &id, &st);
        if (!st.is_ok()) return st;
        if (!bad.empty()) {
          why = n + " " + bad;
        } else if (k == Known::kThisDn) {
          this_dn = id;
        } else if (k == Known::kOtherDn) {
          other_dn = id;
        } else if (k == Known::kThirdPartyDn) {
          e.third_party_dn = id;
          e.set(Attr::kThirdPartyDn);
        } else if (k == Known::kThisQueue) {
          e.this_queue = id;
          e.set(Attr::kThisQueue);
        } else {
          e.third_party_queue = id;
          e.set(Attr::kThirdPartyQueue);
        }
      }
    } else if (type && (k == Known::kThisDnRole || k == Known::kOtherDnRole ||
                        k == Known::kThirdPartyDnRole)) {
      std::optional<uint64_t> r = number(v, 255);
      std::optional<DnRole> role = r && is_dn_role(static_cast<int>(*r))
                                       ? std::optional<DnRole>(static_cast<DnRole>(*r))
                                       : parse_dn_role(v.value);
      if (!role) {
        why = n + " '" + printable(v.value, 40) + "' is not a DNRole";
      } else if (k == Known::kThisDnRole) {
        e.this_role = *role;
        e.set(Attr::kThisDnRole);
      } else if (k == Known::kOtherDnRole) {
        e.other_role = *role;
        e.set(Attr::kOtherDnRole);
      } else {
        e.third_party_role = *role;
        e.set(Attr::kThirdPartyDnRole);
      }
    } else if (type && k == Known::kCallState) {
      std::optional<uint64_t> r = number(v, 255);
      std::optional<CallState> cs = r && is_call_state(static_cast<int>(*r))
                                        ? std::optional<CallState>(static_cast<CallState>(*r))
                                        : parse_call_state(v.value);
      if (!cs) {
        why = "CallState '" + printable(v.value, 40) + "' is not a CallState";
      } else {
        e.call_state = *cs;
        e.set(Attr::kCallState);
      }
    } else if (k == Known::kReferenceId) {
      std::optional<uint64_t> r = number(v, UINT32_MAX);
      if (!r) {
        why = "ReferenceID '" + printable(v.value, 40) + "' is not a number";
      } else if (*r == 0 || *r > limits::kMaxReferenceId) {
        model = false;  // 0, or 4294967295 on events distributed for a router: kept as is
      } else {
        reference_id = static_cast<uint32_t>(*r);
        has_ref = true;
      }
    } else if (type && k == Known::kErrorCode) {
      error_code = number(v, 0xFFFF);
      if (!error_code) why = "ErrorCode '" + printable(v.value, 40) + "' is not a number";
    } else if (type && k == Known::kErrorMessage) {
      error_message = v.value;
      has_error_message = true;
      model = false;  // kept as written; the model's reason is matched below
    } else if (k == Known::kConnId) {
      conn_id = parse_conn_id_any_case(v.value);  // the journal keeps lower case
      if (!conn_id) why = "ConnID '" + printable(v.value, 40) + "' is not 16 hex digits";
    } else if (k == Known::kCallUuid) {
      row.call_uuid = std::move(v.value);
    } else {
      model = false;
    }
    if (!model) keep(m.attrs, v, &kept);
  }
  m.attrs.erase(m.attrs.begin() + static_cast<std::ptrdiff_t>(kept), m.attrs.end());
  row.extras = std::move(m.attrs);
  anonymize_extras(&row.extras);
  if (this_dn == kNoDn && why.empty()) why = "no ThisDN";
  if (!why.empty()) {
    unusable(m.line, row.message + ": " + why + ": not imported");
    out_->other_rows.push_back(std::move(row));
    return Status::ok();
  }

  if (is_request) {
    const StimulusKind k = request_kind;
    s.kind = k;
    const StimulusShape& shape = shape_of(k);
    if (!has_ref)
      why = "no ReferenceID from 1";
    else if (shape.has_dn2 && other_dn == kNoDn)
      why = "no OtherDN";
    else if (shape.has_call && !conn_id && k != StimulusKind::kMakeCall)
      why = "no ConnID";
    if (!why.empty()) {
      unusable(m.line, row.message + ": " + why + ": not imported");
      out_->other_rows.push_back(std::move(row));
      return Status::ok();
    }
    if (out_->session.stimuli.size() >= limits::kMaxStimuli)
      return fail(m.line, "more than " + std::to_string(limits::kMaxStimuli) +
                              " requests in one file (a session's limit): split the log");
    s.reference_id = reference_id;
    s.dn = this_dn;
    if (shape.has_dn2) s.dn2 = other_dn;
    std::string call_name;
    if (conn_id) {
      call_name = calls_.name_for(*conn_id);
    } else {
      call_name = "r" + std::to_string(reference_id);
      if (calls_.known(call_name)) call_name += "_" + std::to_string(m.line);
    }
    st = call_named(call_name, m.line, &s.call);
    if (!st.is_ok()) return st;
    calls_.request(conn_id, true, reference_id, k == StimulusKind::kMakeCall && !conn_id, s.call);
    if (conn_id) row.conn_id = conn_id_string(*conn_id);
    out_->session.stimuli.push_back(s);
    out_->request_rows.push_back(std::move(row));
    return Status::ok();
  }

  e.type = *type;
  e.this_dn = this_dn;
  e.set(Attr::kThisDn);
  if (other_dn != kNoDn) {
    e.other_dn = other_dn;
    e.set(Attr::kOtherDn);
  }
  if (has_ref) {
    e.reference_id = reference_id;
    e.set(Attr::kReferenceId);
  }
  if (error_code) {
    for (int pass = 0; pass < 2 && e.error == ErrorReason::kNone; ++pass) {
      for (int i = 1; i < kErrorReasonCount; ++i) {
        auto reason = static_cast<ErrorReason>(i);
        if (error_code_of(reason) == static_cast<int>(*error_code) &&
            (pass == 1 || !has_error_message || error_message == error_message_of(reason))) {
          e.error = reason;
          break;
        }
      }
    }
    e.set(Attr::kErrorCode);
    if (e.error == ErrorReason::kNone || error_code_of(e.error) != static_cast<int>(*error_code)) {
      // A code the model does not know: kept as written.
      LogValue v;
      v.name = "ErrorCode";
      v.value = std::to_string(*error_code);
      row.extras.push_back(v);
      e.clear(Attr::kErrorCode);
      e.error = ErrorReason::kNone;
    }
  }
  if (conn_id) {
    e.conn_id = *conn_id;
    e.set(Attr::kConnId);
    row.conn_id = conn_id_string(*conn_id);
  }
  if (!calls_.event(conn_id, has_ref ? std::optional<uint32_t>(reference_id) : std::nullopt,
                    &e.call))
    return fail(m.line, "more than " + std::to_string(limits::kMaxCalls) +
                            " calls in one file (a session's limit): split the log");
  if (out_->events.size() >= limits::kMaxEventsPerSession)
    return fail(m.line, "more than " + std::to_string(limits::kMaxEventsPerSession) +
                            " events in one file (a session's limit): split the log");
  e.seq = static_cast<uint32_t>(out_->events.size() + 1);
  e.request_seq = 0;
  out_->events.push_back(e);
  out_->event_rows.push_back(std::move(row));
  return Status::ok();
}

Status Converter::finish() {
  Session& session = out_->session;
  session.observed = true;
  session.profile_known = false;
  infer_dn_kinds(&session, out_->events);
  for (Dn& d : session.config.topology.dns) {
    // --dn names the log's DN; with --anonymize its pseudonym is what the session holds.
    for (const auto& [name, kind] : options_.dn_kinds) {
      if ((options_.anonymize ? names_->dn(name) : name) == d.name) d.kind = kind;
    }
  }
  std::string why = validate_session(session);
  if (!why.empty()) return Status::invalid(out_->source + ": " + why);
  return Status::ok();
}

}  // namespace

Status log_to_session(LogFile file, const ImportOptions& options, Pseudonyms* names,
                      ImportedLog* out) {
  *out = ImportedLog();
  out->source = file.path;
  Converter c(options, names, out);
  // Room for every row: a request message gives at most one request row, any other at
  // most one event row.
  std::size_t requests = 0;
  for (const LogMessage& m : file.messages) requests += m.kind == LogMessage::Kind::kRequest;
  out->events.reserve(file.messages.size() - requests);
  out->event_rows.reserve(file.messages.size() - requests);
  out->request_rows.reserve(requests);
  out->session.stimuli.reserve(requests);
  for (LogMessage& m : file.messages) {
    Status s = c.message(m);
    if (!s.is_ok()) return s;
  }
  file.messages.clear();
  file.messages.shrink_to_fit();
  if (options.anonymize) {
    if (!file.host.empty()) file.host = names->value("host", file.host);
  }
  out->file = std::move(file);
  return c.finish();
}

}  // namespace callbench
