#include "storage/codec.h"

#include <capnp/any.h>
#include <capnp/compat/json.h>
#include <capnp/message.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/assert.h"
#include "core/limits.h"
#include "core/names.h"
#include "storage/canonical.h"
#include "storage/journal.capnp.h"

namespace callbench {
namespace {

namespace cp = ::capnp;

// ---- Enum mappings: model values (T-Lib numbers) <-> schema ordinals ---------------

constexpr int kRoleCount = 11;

// Schema ordinal = the model's table index + 1 (0 is `none`): core/model.h.
schema::EventType to_schema(EventType t) {
  return static_cast<schema::EventType>(event_type_index(t) + 1);
}
schema::CallState to_schema(CallState c) {
  return static_cast<schema::CallState>(call_state_index(c) + 1);
}
schema::DnRole to_schema(DnRole r) {
  return static_cast<schema::DnRole>(static_cast<uint16_t>(r) + 1);
}

// Ordinal -> model value; false for `none` or an ordinal the schema does not have.
bool event_type_from(uint16_t ordinal, EventType* out) {
  if (ordinal == 0 || ordinal > event_type_count()) return false;
  *out = event_type_at(ordinal - 1);
  return true;
}
bool call_state_from(uint16_t ordinal, CallState* out) {
  if (ordinal == 0 || ordinal > call_state_count()) return false;
  *out = call_state_at(ordinal - 1);
  return true;
}
bool role_from(uint16_t ordinal, DnRole* out) {
  if (ordinal == 0 || ordinal > kRoleCount) return false;
  *out = static_cast<DnRole>(ordinal - 1);
  return true;
}

kj::StringPtr text(const std::string& s) { return kj::StringPtr(s.c_str(), s.size()); }
std::string_view view(cp::Text::Reader t) { return std::string_view(t.cStr(), t.size()); }

// Canonical bytes of a built header Record.
void finish(schema::Record::Reader record, Payload* out) {
  kj::Array<cp::word> words = cp::canonicalize(record);
  auto bytes = words.asBytes();
  out->assign(bytes.begin(), bytes.end());
}

// The direct layouts of requests and events (storage/canonical.h).
struct RequestLayout {
  FlatRecord rec{cp::Schema::from<schema::Record>(), "request"};
  std::size_t request = rec.byte_offset("request"), seq = rec.byte_offset("seq"),
              reference_id = rec.byte_offset("referenceId"),
              call_state = rec.byte_offset("callState");
  std::size_t call = rec.pointer_index("call"), this_dn = rec.pointer_index("thisDn"),
              other_dn = rec.pointer_index("otherDn"), ignored = rec.pointer_index("ignored");
};
struct EventLayout {
  FlatRecord rec{cp::Schema::from<schema::Record>(), "event"};
  std::size_t event = rec.byte_offset("event"), seq = rec.byte_offset("seq"),
              request_seq = rec.byte_offset("requestSeq"),
              this_role = rec.byte_offset("thisDnRole"),
              other_role = rec.byte_offset("otherDnRole"),
              third_role = rec.byte_offset("thirdPartyDnRole"),
              call_state = rec.byte_offset("callState"),
              reference_id = rec.byte_offset("referenceId"),
              error_code = rec.byte_offset("errorCode");
  std::size_t call = rec.pointer_index("call"), conn_id = rec.pointer_index("connId"),
              this_dn = rec.pointer_index("thisDn"), this_queue = rec.pointer_index("thisQueue"),
              other_dn = rec.pointer_index("otherDn"), third_dn = rec.pointer_index("thirdPartyDn"),
              third_queue = rec.pointer_index("thirdPartyQueue"),
              error_message = rec.pointer_index("errorMessage");
};
const RequestLayout& request_layout() {
  static const RequestLayout layout;
  return layout;
}
const EventLayout& event_layout() {
  static const EventLayout layout;
  return layout;
}

#ifdef CALLBENCH_CHECK_INVARIANTS
// The direct encoding is exactly capnp::canonicalize's.
void check_canonical(const Payload& bytes) {
  std::vector<uint64_t> words(bytes.size() / 8);
  std::memcpy(words.data(), bytes.data(), bytes.size());
  kj::ArrayPtr<const cp::word> seg(reinterpret_cast<const cp::word*>(words.data()), words.size());
  cp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1));
  kj::Array<cp::word> canon = cp::canonicalize(reader.getRoot<schema::Record>());
  CB_ASSERT_MSG(canon.asBytes().size() == bytes.size() &&
                    std::memcmp(canon.asBytes().begin(), bytes.data(), bytes.size()) == 0,
                "direct encoding differs from capnp::canonicalize");
}
#endif

std::string_view sv(const std::string& s) { return std::string_view(s); }

// Reads one Record from untrusted bytes and hands its reader to `fn`.
// `check_canonical`: whether to walk the message with isCanonical(). Requests, events and
// headers skip it: their decoders re-encode what they read and require the very same
// bytes, which is stronger (the direct encoding is canonical). Cap'n Proto readers are
// bounds-checked on any input, so reading before that check is safe.
template <typename Fn>
Status read_record(const uint8_t* data, std::size_t size, std::size_t max_bytes,
                   bool check_canonical, Fn&& fn) {
  if (size == 0 || size % sizeof(cp::word) != 0) {
    return Status::corrupt("payload of " + std::to_string(size) +
                           " bytes is not a whole number of 8-byte words");
  }
  if (size > max_bytes) {
    return Status::corrupt("payload of " + std::to_string(size) + " bytes exceeds the limit of " +
                           std::to_string(max_bytes));
  }
  // An aligned copy: SQLite hands out blobs with no alignment promise.
  // (uint64_t, not cp::word: Cap'n Proto makes word non-copyable under clang.)
  thread_local std::vector<uint64_t> aligned;
  aligned.resize(size / sizeof(cp::word));
  std::memcpy(aligned.data(), data, size);
  kj::ArrayPtr<const cp::word> segment(reinterpret_cast<const cp::word*>(aligned.data()),
                                       aligned.size());
  cp::ReaderOptions options;
  // The reader may walk at most four times what the payload holds (isCanonical()
  // and the field reads each count), so shared pointers cannot amplify a small blob.
  options.traversalLimitInWords = 4 * aligned.size() + 16;
  options.nestingLimit = limits::kPayloadNestingLimit;
  try {
    cp::SegmentArrayMessageReader reader(kj::arrayPtr(&segment, 1), options);
    if (check_canonical && !reader.isCanonical())
      return Status::corrupt("payload is not in canonical form");
    return fn(reader.getRoot<schema::Record>());
  } catch (const kj::Exception& e) {
    return Status::corrupt(std::string("payload is not a valid Cap'n Proto record: ") +
                           e.getDescription().cStr());
  }
}

const cp::JsonCodec& json_codec() {
  static const cp::JsonCodec* codec = [] {
    auto* c = new cp::JsonCodec();
    c->handleByAnnotation<schema::Record>();
    c->setHasMode(cp::HasMode::NON_DEFAULT);
    c->setMaxNestingDepth(static_cast<std::size_t>(limits::kPayloadNestingLimit) * 2);
    return c;
  }();
  return *codec;
}

}  // namespace

const char* engine_version() { return "callbench 0.1.0 (engine 1, journal format 1)"; }

SessionCodec::SessionCodec(const SessionConfig& config) : config_(config) {
  dn_ids_.reserve(config_.topology.dns.size());
  for (std::size_t i = 0; i < config_.topology.dns.size(); ++i) {
    dn_ids_.emplace(config_.topology.dns[i].name, static_cast<uint16_t>(i));
  }
  call_ids_.reserve(config_.call_names.size());
  for (std::size_t i = 0; i < config_.call_names.size(); ++i) {
    call_ids_.emplace(config_.call_names[i], static_cast<uint16_t>(i));
  }
}

DnId SessionCodec::dn_id(std::string_view name) const {
  auto it = dn_ids_.find(name);
  return it == dn_ids_.end() ? kNoDn : it->second;
}

CallId SessionCodec::call_id(std::string_view name) const {
  auto it = call_ids_.find(name);
  return it == call_ids_.end() ? kNoCall : it->second;
}

// ---- Header ---------------------------------------------------------------------

namespace {

// The header as `engine` writes it (encode_header: this engine; decode_header: the
// recorded one, to check a header is exactly what its fields encode to), built in
// `builder`.
schema::Record::Reader build_header(cp::MessageBuilder& builder, const SessionConfig& config,
                                    const ModelInfo* model, HeaderFlags flags,
                                    const std::string& engine) {
  auto record = builder.initRoot<schema::Record>();
  auto h = record.initHeader();
  h.setFormatVersion(schema::FORMAT_VERSION);
  h.setEngineVersion(text(engine));
  h.setSeed(config.seed);
  auto dns = h.initDns(static_cast<unsigned>(config.topology.dns.size()));
  for (unsigned i = 0; i < dns.size(); ++i) {
    dns[i].setName(text(config.topology.dns[i].name));
    dns[i].setKind(
        static_cast<schema::DnKind>(static_cast<uint16_t>(config.topology.dns[i].kind) + 1));
  }
  auto options = h.initOptions(kProfileOptionCount);
  for (int i = 0; i < kProfileOptionCount; ++i) {
    const ProfileOption& o = profile_options()[i];
    options[static_cast<unsigned>(i)].setName(o.name);
    options[static_cast<unsigned>(i)].setValue(o.values[profile_option_value(config.profile, i)]);
  }
  auto names = h.initCallNames(static_cast<unsigned>(config.call_names.size()));
  for (unsigned i = 0; i < names.size(); ++i) names.set(i, text(config.call_names[i]));
  if (model && model->kind != "builtin") {
    auto m = h.initModel();
    m.setKind(text(model->kind));
    m.setName(text(model->name));
    m.setVersion(text(model->version));
    m.setCommand(text(model->command));
  }
  h.setObserved(flags.observed);
  h.setProfileUnknown(!flags.profile_known);
  return record.asReader();
}

// Whether data[0, size) is exactly the canonical encoding of this header. Built in a
// reused first segment (zeroed again by the builder's destructor: capnp/message.h), as
// decode_header runs once per session read.
bool header_encodes_to(const SessionConfig& config, const ModelInfo* model, HeaderFlags flags,
                       const std::string& engine, const uint8_t* data, std::size_t size) {
  thread_local std::vector<uint64_t> first(2048, 0);
  cp::MallocMessageBuilder builder(
      kj::arrayPtr(reinterpret_cast<cp::word*>(first.data()), first.size()));
  kj::Array<cp::word> words = cp::canonicalize(build_header(builder, config, model, flags, engine));
  auto bytes = words.asBytes();
  return bytes.size() == size && std::memcmp(bytes.begin(), data, size) == 0;
}

}  // namespace

Payload encode_header(const SessionConfig& config, const ModelInfo* model, HeaderFlags flags) {
  cp::MallocMessageBuilder builder;
  Payload out;
  finish(build_header(builder, config, model, flags, engine_version()), &out);
  return out;
}

Status decode_header(const uint8_t* data, std::size_t size, SessionConfig* config,
                     std::string* engine, ModelInfo* model, HeaderFlags* flags) {
  return read_record(
      data, size, limits::kMaxHeaderPayloadBytes, false, [&](schema::Record::Reader r) {
        if (!r.isHeader()) return Status::corrupt("payload is not a session header");
        auto h = r.getHeader();
        if (h.getFormatVersion() != schema::FORMAT_VERSION) {
          return Status::corrupt(
              "session header has journal format " + std::to_string(h.getFormatVersion()) +
              "; this callbench reads format " + std::to_string(schema::FORMAT_VERSION));
        }
        SessionConfig c;
        c.seed = h.getSeed();
        auto dns = h.getDns();
        if (dns.size() > limits::kMaxDns)
          return Status::corrupt("session header has more than 256 DNs");
        for (auto dn : dns) {
          auto kind = static_cast<uint16_t>(dn.getKind());
          if (kind == 0 || kind > kDnKindCount)
            return Status::corrupt("session header: DN with an unknown kind");
          c.topology.dns.push_back(
              {std::string(view(dn.getName())), static_cast<DnKind>(kind - 1)});
        }
        auto options = h.getOptions();
        if (options.size() != kProfileOptionCount)
          return Status::corrupt("session header: wrong number of options");
        for (auto o : options) {
          if (!set_profile_option(&c.profile, view(o.getName()), view(o.getValue()))) {
            return Status::corrupt("session header: unknown option " +
                                   printable(view(o.getName()), 40) + " " +
                                   printable(view(o.getValue()), 40));
          }
        }
        auto names = h.getCallNames();
        if (names.size() > limits::kMaxCalls)
          return Status::corrupt("session header has more than 256 calls");
        for (auto n : names) {
          std::string_view name = view(n);
          if (!valid_call_name(name)) {
            return Status::corrupt("session header: call name '" + printable(name, 40) +
                                   "' is not a call name (" + kCallNameRule + ")");
          }
          c.call_names.emplace_back(name);
        }
        std::vector<std::string_view> sorted(c.call_names.begin(), c.call_names.end());
        std::sort(sorted.begin(), sorted.end());
        auto twice = std::adjacent_find(sorted.begin(), sorted.end());
        if (twice != sorted.end())
          return Status::corrupt("session header: call " + printable(*twice, 40) + " named twice");
        std::string why = validate_session(Session{c, {}});
        if (!why.empty()) return Status::corrupt("session header: " + why);
        ModelInfo m;
        if (h.hasModel()) {
          auto rm = h.getModel();
          m.kind = std::string(view(rm.getKind()));
          if (m.kind != "exec" && m.kind != "plugin") {
            return Status::corrupt("session header: model kind '" + printable(m.kind, 40) +
                                   "' is not exec or plugin");
          }
          m.name = std::string(view(rm.getName()));
          m.version = std::string(view(rm.getVersion()));
          m.command = std::string(view(rm.getCommand()));
          if (m.command.empty())
            return Status::corrupt("session header: the " + m.kind + " model has no command");
        }
        HeaderFlags f{h.getObserved(), !h.getProfileUnknown()};
        std::string recorded_engine(view(h.getEngineVersion()));
        // Exactly what its fields encode to, as for requests and events: a canonical
        // message may still carry bits no field reads (unknown fields, spare bits).
        if (!header_encodes_to(c, h.hasModel() ? &m : nullptr, f, recorded_engine, data, size))
          return Status::corrupt("session header is not exactly what its fields encode to");
        *config = std::move(c);
        if (engine) *engine = std::move(recorded_engine);
        if (model) *model = std::move(m);
        if (flags) *flags = f;
        return Status::ok();
      });
}

// ---- Requests -------------------------------------------------------------------

void SessionCodec::encode_request(const Stimulus& s, uint32_t seq, const ApplyResult& result,
                                  Payload* out) const {
  const RequestLayout& L = request_layout();
  const StimulusShape& shape = shape_of(s.kind);
  FlatRecord::Fields f;
  f.u16(L.request, static_cast<uint16_t>(static_cast<uint16_t>(s.kind) + 1));
  f.u32(L.seq, seq);
  f.u32(L.reference_id, s.reference_id);
  if (s.has_call_state) f.u16(L.call_state, static_cast<uint16_t>(to_schema(s.call_state)));
  if (shape.has_call) f.text(L.call, sv(config_.call_names[s.call]));
  if (shape.has_dn) f.text(L.this_dn, sv(config_.topology.dns[s.dn].name));
  if (shape.has_dn2) f.text(L.other_dn, sv(config_.topology.dns[s.dn2].name));
  if (result.outcome == Outcome::kIgnored) f.text(L.ignored, ignore_reason_text(result.reason));
  L.rec.write(f, out);
#ifdef CALLBENCH_CHECK_INVARIANTS
  check_canonical(*out);
#endif
}

Status SessionCodec::decode_request(const uint8_t* data, std::size_t size,
                                    RecordedRequest* out) const {
  return read_record(
      data, size, limits::kMaxRecordPayloadBytes, false, [&](schema::Record::Reader rec) {
        if (!rec.isRequest()) return Status::corrupt("payload is not a request");
        auto r = rec.getRequest();
        auto verb = static_cast<uint16_t>(r.getRequest());
        if (verb == 0 || verb > kStimulusKindCount)
          return Status::corrupt("request with an unknown verb");
        RecordedRequest rr;
        Stimulus& s = rr.stimulus;
        s.kind = static_cast<StimulusKind>(verb - 1);
        rr.seq = r.getSeq();
        if (rr.seq == 0) return Status::corrupt("request with seq 0");
        s.reference_id = r.getReferenceId();
        if (r.hasCall()) {
          s.call = call_id(view(r.getCall()));
          if (s.call == kNoCall)
            return Status::corrupt("request names unknown call '" +
                                   printable(view(r.getCall()), 40) + "'");
        }
        if (r.hasThisDn()) {
          s.dn = dn_id(view(r.getThisDn()));
          if (s.dn == kNoDn)
            return Status::corrupt("request names unknown DN '" +
                                   printable(view(r.getThisDn()), 40) + "'");
        }
        if (r.hasOtherDn()) {
          s.dn2 = dn_id(view(r.getOtherDn()));
          if (s.dn2 == kNoDn)
            return Status::corrupt("request names unknown DN '" +
                                   printable(view(r.getOtherDn()), 40) + "'");
        }
        if (r.getCallState() != schema::CallState::NONE) {
          if (!call_state_from(static_cast<uint16_t>(r.getCallState()), &s.call_state)) {
            return Status::corrupt("request with an unknown CallState");
          }
          s.has_call_state = true;
        }
        if (r.hasIgnored()) {
          std::string_view why = view(r.getIgnored());
          rr.ignored = IgnoreReason::kMalformed;
          bool known = false;
          for (int i = 1; i <= static_cast<int>(IgnoreReason::kNothingPending); ++i) {
            if (why == ignore_reason_text(static_cast<IgnoreReason>(i))) {
              rr.ignored = static_cast<IgnoreReason>(i);
              known = true;
            }
          }
          if (!known) return Status::corrupt("request with an unknown ignore reason");
        }
        std::string why = validate_stimulus(s, config_);
        if (!why.empty()) return Status::corrupt("request " + std::to_string(rr.seq) + ": " + why);
        // The bytes must be exactly what the decoded fields encode to: no stray bits.
        thread_local Payload again;
        encode_request(s, rr.seq,
                       rr.ignored == IgnoreReason::kNone
                           ? ApplyResult{}
                           : ApplyResult{Outcome::kIgnored, rr.ignored},
                       &again);
        if (again.size() != size || std::memcmp(again.data(), data, size) != 0) {
          return Status::corrupt("payload is not canonical or holds bits outside its fields");
        }
        *out = rr;
        return Status::ok();
      });
}

// ---- Events ---------------------------------------------------------------------

void SessionCodec::encode_event(const Event& e, Payload* out) const {
  const EventLayout& L = event_layout();
  const auto& dns = config_.topology.dns;
  FlatRecord::Fields f;
  f.u16(L.event, static_cast<uint16_t>(to_schema(e.type)));
  f.u32(L.seq, e.seq);
  f.u32(L.request_seq, e.request_seq);
  if (e.call != kNoCall) f.text(L.call, sv(config_.call_names[e.call]));
  char hex[17];
  if (e.has(Attr::kConnId)) {
    write_conn_id(e.conn_id, hex);
    f.text(L.conn_id, std::string_view(hex, 16));
  }
  if (e.has(Attr::kThisDn)) f.text(L.this_dn, sv(dns[e.this_dn].name));
  if (e.has(Attr::kThisDnRole)) f.u16(L.this_role, static_cast<uint16_t>(to_schema(e.this_role)));
  if (e.has(Attr::kThisQueue)) f.text(L.this_queue, sv(dns[e.this_queue].name));
  if (e.has(Attr::kOtherDn)) f.text(L.other_dn, sv(dns[e.other_dn].name));
  if (e.has(Attr::kOtherDnRole))
    f.u16(L.other_role, static_cast<uint16_t>(to_schema(e.other_role)));
  if (e.has(Attr::kThirdPartyDn)) f.text(L.third_dn, sv(dns[e.third_party_dn].name));
  if (e.has(Attr::kThirdPartyDnRole))
    f.u16(L.third_role, static_cast<uint16_t>(to_schema(e.third_party_role)));
  if (e.has(Attr::kThirdPartyQueue)) f.text(L.third_queue, sv(dns[e.third_party_queue].name));
  if (e.has(Attr::kCallState)) f.u16(L.call_state, static_cast<uint16_t>(to_schema(e.call_state)));
  if (e.has(Attr::kReferenceId)) f.u32(L.reference_id, e.reference_id);
  if (e.has(Attr::kErrorCode)) {
    f.u16(L.error_code, static_cast<uint16_t>(error_code_of(e.error)));
    f.text(L.error_message, error_message_of(e.error));
  }
  L.rec.write(f, out);
#ifdef CALLBENCH_CHECK_INVARIANTS
  check_canonical(*out);
#endif
}

Status SessionCodec::decode_event(const uint8_t* data, std::size_t size, Event* out) const {
  return read_record(
      data, size, limits::kMaxRecordPayloadBytes, false, [&](schema::Record::Reader rec) {
        if (!rec.isEvent()) return Status::corrupt("payload is not an event");
        auto v = rec.getEvent();
        Event e;
        if (!event_type_from(static_cast<uint16_t>(v.getEvent()), &e.type)) {
          return Status::corrupt("event with an unknown type");
        }
        e.seq = v.getSeq();
        e.request_seq = v.getRequestSeq();
        if (e.seq == 0 || (e.request_seq == 0 && !observed_))
          return Status::corrupt("event with seq or request_seq 0");
        if (v.hasCall()) {
          e.call = call_id(view(v.getCall()));
          if (e.call == kNoCall)
            return Status::corrupt("event names unknown call '" + printable(view(v.getCall()), 40) +
                                   "'");
        }
        if (v.hasConnId()) {
          auto id = parse_conn_id(view(v.getConnId()));
          if (!id || *id == 0)
            return Status::corrupt("event ConnID is not 16 lower-case hex digits");
          e.conn_id = *id;
          e.set(Attr::kConnId);
        }
        Status bad = Status::ok();
        auto dn = [&](bool has, cp::Text::Reader t, Attr a, DnId* field) {
          if (!has) return;
          *field = dn_id(view(t));
          if (*field == kNoDn) {
            bad = Status::corrupt(std::string("event ") + attr_name(a) + " names unknown DN '" +
                                  printable(view(t), 40) + "'");
          }
          e.set(a);
        };
        auto role = [&](schema::DnRole r, Attr a, DnRole* field) {
          if (r == schema::DnRole::NONE) return;
          if (!role_from(static_cast<uint16_t>(r), field))
            bad = Status::corrupt(std::string("event ") + attr_name(a) + " has an unknown role");
          e.set(a);
        };
        dn(v.hasThisDn(), v.getThisDn(), Attr::kThisDn, &e.this_dn);
        role(v.getThisDnRole(), Attr::kThisDnRole, &e.this_role);
        dn(v.hasThisQueue(), v.getThisQueue(), Attr::kThisQueue, &e.this_queue);
        dn(v.hasOtherDn(), v.getOtherDn(), Attr::kOtherDn, &e.other_dn);
        role(v.getOtherDnRole(), Attr::kOtherDnRole, &e.other_role);
        dn(v.hasThirdPartyDn(), v.getThirdPartyDn(), Attr::kThirdPartyDn, &e.third_party_dn);
        role(v.getThirdPartyDnRole(), Attr::kThirdPartyDnRole, &e.third_party_role);
        dn(v.hasThirdPartyQueue(), v.getThirdPartyQueue(), Attr::kThirdPartyQueue,
           &e.third_party_queue);
        if (!bad.is_ok()) return bad;
        if (!e.has(Attr::kThisDn)) return Status::corrupt("event without ThisDN");
        if (v.getCallState() != schema::CallState::NONE) {
          if (!call_state_from(static_cast<uint16_t>(v.getCallState()), &e.call_state)) {
            return Status::corrupt("event with an unknown CallState");
          }
          e.set(Attr::kCallState);
        }
        if (v.getReferenceId() != 0) {
          e.reference_id = v.getReferenceId();
          e.set(Attr::kReferenceId);
        }
        if (v.getErrorCode() != 0 || v.hasErrorMessage()) {
          std::string_view message = view(v.getErrorMessage());
          for (int i = 1; i < kErrorReasonCount; ++i) {
            auto reason = static_cast<ErrorReason>(i);
            if (error_code_of(reason) == v.getErrorCode() && message == error_message_of(reason))
              e.error = reason;
          }
          if (e.error == ErrorReason::kNone)
            return Status::corrupt("event with an unknown error code or message");
          e.set(Attr::kErrorCode);
        }
        thread_local Payload again;
        encode_event(e, &again);
        if (again.size() != size || std::memcmp(again.data(), data, size) != 0) {
          return Status::corrupt("payload is not canonical or holds bits outside its fields");
        }
        *out = e;
        return Status::ok();
      });
}

// ---- JSON -------------------------------------------------------------------------

Status payload_json(const uint8_t* data, std::size_t size, std::string* json) {
  return read_record(data, size, limits::kMaxHeaderPayloadBytes, true,
                     [&](schema::Record::Reader r) {
                       kj::String s = json_codec().encode(r);
                       json->assign(s.cStr(), s.size());
                       return Status::ok();
                     });
}

std::string request_json_line(const SessionCodec& codec, const Stimulus& s, uint32_t seq,
                              const ApplyResult& result) {
  Payload p;
  codec.encode_request(s, seq, result, &p);
  std::string json;
  Status st = payload_json(p.data(), p.size(), &json);
  CB_ASSERT_MSG(st.is_ok(), st.message().c_str());
  return json;
}

std::string event_json_line(const SessionCodec& codec, const Event& e) {
  Payload p;
  codec.encode_event(e, &p);
  std::string json;
  Status st = payload_json(p.data(), p.size(), &json);
  CB_ASSERT_MSG(st.is_ok(), st.message().c_str());
  return json;
}

std::string render_jsonl(const Session& session, const std::vector<Event>& events,
                         const std::vector<ApplyResult>& outcomes) {
  SessionCodec codec(session.config);
  std::string out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    ApplyResult r = i < outcomes.size() ? outcomes[i] : ApplyResult{};
    out += request_json_line(codec, session.stimuli[i], static_cast<uint32_t>(i + 1), r);
    out += '\n';
    for (; next < events.size() && events[next].request_seq == i + 1; ++next) {
      out += event_json_line(codec, events[next]);
      out += '\n';
    }
  }
  return out;
}

// ---- Digest -----------------------------------------------------------------------

uint64_t chain_digest(uint64_t previous, const uint8_t* data, std::size_t size) {
  // A word-at-a-time multiply-xorshift over the payload, seeded with the previous
  // digest and the length: any altered, dropped or reordered payload changes it.
  uint64_t h = previous ^ (0x9E3779B97F4A7C15ull * (size + 1));
  for (std::size_t i = 0; i + 8 <= size; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    h ^= w;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  for (std::size_t i = size & ~std::size_t{7}; i < size; ++i) {
    h ^= data[i];
    h *= 0x94D049BB133111EBull;
  }
  h ^= h >> 29;
  h *= 0x94D049BB133111EBull;
  return h ^ (h >> 32);
}

std::string digest_string(uint64_t digest) { return conn_id_string(digest); }

}  // namespace callbench
