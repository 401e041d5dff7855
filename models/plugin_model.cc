// The plugin host (plugin_model.h).
#include "models/plugin_model.h"

#include <dlfcn.h>

#include <cstring>

#include "core/limits.h"

namespace callbench {
namespace {

// The ABI's numbers are the vocabulary's (core/model.h, core/engine.h).
static_assert(CALLBENCH_DN_REMOTE_EXTENSION == static_cast<int>(DnKind::kRemoteExtension));
static_assert(CALLBENCH_RESUME == static_cast<int>(StimulusKind::kResume));
static_assert(CALLBENCH_ATTR_ERROR_CODE == static_cast<int>(Attr::kErrorCode));
static_assert(CALLBENCH_IGNORED == static_cast<int>(Outcome::kIgnored));
static_assert(CALLBENCH_OPTION_COUNT == kProfileOptionCount);
static_assert(CALLBENCH_NO_DN == kNoDn && CALLBENCH_NO_CALL == kNoCall);

// Room for any one stimulus: a resume fires every pending step.
constexpr uint32_t kEventCapacity = limits::kMaxCalls * limits::kMaxEventsPerStep + 64;

}  // namespace

PluginModel::PluginModel(std::string path) : path_(std::move(path)) {
  info_.kind = "plugin";
  info_.command = path_;
}

PluginModel::~PluginModel() {
  if (api_ && model_) api_->destroy(model_);
  // The library stays loaded: a plugin may leave atexit handlers or threads behind.
}

std::string PluginModel::who() const {
  std::string w = "model plugin:" + path_;
  if (!info_.name.empty())
    w += " (" + info_.name + (info_.version.empty() ? "" : " " + info_.version) + ")";
  return w;
}

Status PluginModel::fail(const std::string& request, const std::string& what,
                         bool plugin_said) const {
  std::string why = what;
  // last_error() explains a call that returned non-zero; after a call that returned 0 it
  // may hold anything (an earlier failure's text), so it is asked then only.
  if (plugin_said && api_ && api_->last_error && model_) {
    const char* e = api_->last_error(model_);
    if (e && *e) why += ": " + std::string(e, strnlen(e, 1000));
  }
  return Status::corrupt(who() + ": " + request + ": " + why);
}

Status PluginModel::open() {
  if (model_) return Status::ok();
  if (path_.empty()) return Status::invalid("--model plugin:PATH: the path is empty");
  // A bare name would make dlopen search the library path: plugins are files.
  std::string file = path_.find('/') == std::string::npos ? "./" + path_ : path_;
  handle_ = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* e = ::dlerror();
    return Status::invalid("--model plugin:" + path_ +
                           ": cannot load it: " + (e ? e : "dlopen failed"));
  }
  auto entry = reinterpret_cast<callbench_model_entry_fn>(::dlsym(handle_, CALLBENCH_MODEL_ENTRY));
  if (!entry) {
    return Status::invalid("--model plugin:" + path_ + ": it exports no " + CALLBENCH_MODEL_ENTRY +
                           " (include/callbench_model.h)");
  }
  api_ = entry(CALLBENCH_MODEL_ABI_VERSION);
  if (!api_) {
    return Status::invalid("--model plugin:" + path_ +
                           ": it serves no model for callbench's ABI version " +
                           std::to_string(CALLBENCH_MODEL_ABI_VERSION));
  }
  if (api_->abi_version == CALLBENCH_MODEL_ABI_VERSION &&
      api_->struct_size < sizeof(callbench_model_api)) {
    std::string got = std::to_string(api_->struct_size);
    api_ = nullptr;
    return Status::invalid("--model plugin:" + path_ + ": its function table is " + got +
                           " bytes (struct_size), smaller than ABI version " +
                           std::to_string(CALLBENCH_MODEL_ABI_VERSION) + "'s " +
                           std::to_string(sizeof(callbench_model_api)) +
                           ": rebuild it against this callbench's include/callbench_model.h");
  }
  if (api_->abi_version != CALLBENCH_MODEL_ABI_VERSION) {
    std::string got = std::to_string(api_->abi_version);
    api_ = nullptr;
    return Status::invalid(
        "--model plugin:" + path_ + ": it was built for callbench model ABI version " + got +
        ", and this callbench speaks version " + std::to_string(CALLBENCH_MODEL_ABI_VERSION) +
        ": rebuild it against this callbench's include/callbench_model.h");
  }
  if (!api_->create || !api_->destroy || !api_->start_session || !api_->apply) {
    api_ = nullptr;
    return Status::invalid("--model plugin:" + path_ +
                           ": its function table lacks create, destroy, "
                           "start_session or apply");
  }
  info_.name = api_->name ? std::string(api_->name, strnlen(api_->name, 200)) : "";
  info_.version = api_->version ? std::string(api_->version, strnlen(api_->version, 200)) : "";
  supports_.dn_kinds = api_->supports.dn_kinds & ((1u << kDnKindCount) - 1);
  supports_.stimuli = api_->supports.stimuli & ((1u << kStimulusKindCount) - 1);
  for (int i = 0; i < kProfileOptionCount; ++i)
    supports_.option_values[static_cast<std::size_t>(i)] =
        static_cast<uint8_t>(api_->supports.option_values[i] & 3);
  model_ = api_->create();
  if (!model_) return Status::invalid(who() + ": create() failed");
  buffer_.resize(kEventCapacity);
  return Status::ok();
}

Status PluginModel::start(const SessionConfig& config) {
  Status st = open();
  if (!st.is_ok()) return st;
  // Small sessions (every fuzz program) need no allocation: fixed arrays.
  constexpr std::size_t kSmall = 64;
  const char* dn_names_small[kSmall];
  uint8_t kinds_small[kSmall];
  const char* call_names_small[kSmall];
  std::vector<const char*> dn_names_big, call_names_big;
  std::vector<uint8_t> kinds_big;
  std::size_t ndns = config.topology.dns.size(), ncalls = config.call_names.size();
  const char** dn_names = dn_names_small;
  uint8_t* kinds = kinds_small;
  const char** call_names = call_names_small;
  if (ndns > kSmall) {
    dn_names_big.resize(ndns);
    kinds_big.resize(ndns);
    dn_names = dn_names_big.data();
    kinds = kinds_big.data();
  }
  if (ncalls > kSmall) {
    call_names_big.resize(ncalls);
    call_names = call_names_big.data();
  }
  for (std::size_t i = 0; i < ndns; ++i) {
    dn_names[i] = config.topology.dns[i].name.c_str();
    kinds[i] = static_cast<uint8_t>(config.topology.dns[i].kind);
  }
  for (std::size_t i = 0; i < ncalls; ++i) call_names[i] = config.call_names[i].c_str();
  callbench_session s{};
  s.seed = config.seed;
  s.dn_count = static_cast<uint32_t>(ndns);
  s.dn_names = dn_names;
  s.dn_kinds = kinds;
  s.call_count = static_cast<uint32_t>(ncalls);
  s.call_names = call_names;
  for (int i = 0; i < kProfileOptionCount; ++i)
    s.options[i] = static_cast<uint8_t>(profile_option_value(config.profile, i));
  ndns_ = ndns;
  ncalls_ = ncalls;
  request_seq_ = 0;
  event_seq_ = 0;
  if (api_->start_session(model_, &s) != 0)
    return fail("the session's start", "start_session() failed", true);
  return Status::ok();
}

Status PluginModel::apply(const Stimulus& s, std::vector<Event>* out, ApplyResult* result) {
  ++request_seq_;
  callbench_stimulus cs{};
  cs.kind = static_cast<uint8_t>(s.kind);
  cs.has_call_state = s.has_call_state;
  cs.call_state = static_cast<uint8_t>(s.call_state);
  cs.dn = s.dn;
  cs.dn2 = s.dn2;
  cs.call = s.call;
  cs.reference_id = s.reference_id;
  cs.seq = request_seq_;
  callbench_result r{};
  auto request = [&] {
    return "request " + std::to_string(request_seq_) + " (" + stimulus_verb(s.kind) + ")";
  };
  if (api_->apply(model_, &cs, buffer_.data(), static_cast<uint32_t>(buffer_.size()), &r) != 0) {
    return fail(request(), "apply() failed", true);
  }
  if (r.event_count > buffer_.size())
    return fail(request(), "apply() reports more events than the buffer holds");
  if (r.outcome > CALLBENCH_IGNORED)
    return fail(request(), "apply() returned outcome " + std::to_string(r.outcome));
  if (r.outcome == CALLBENCH_IGNORED &&
      (r.ignore_reason == 0 || r.ignore_reason > static_cast<int>(IgnoreReason::kNothingPending))) {
    return fail(request(),
                "apply() ignored it with unknown reason " + std::to_string(r.ignore_reason));
  }
  result->outcome = static_cast<Outcome>(r.outcome);
  result->reason = r.outcome == CALLBENCH_IGNORED ? static_cast<IgnoreReason>(r.ignore_reason)
                                                  : IgnoreReason::kNone;
  for (uint32_t i = 0; i < r.event_count; ++i) {
    const callbench_event& c = buffer_[i];
    auto bad = [&](const std::string& what) {
      return fail(request(), "its event " + std::to_string(i + 1) + " " + what);
    };
    if (!is_event_type(c.type)) return bad("has unknown type " + std::to_string(c.type));
    if (c.present >= (1u << kAttrCount)) return bad("has unknown attribute bits");
    Event e;
    e.type = static_cast<EventType>(c.type);
    e.present = c.present;
    e.call = c.call;
    if (c.call != kNoCall && c.call >= ncalls_)
      return bad("names call " + std::to_string(c.call) + " of " + std::to_string(ncalls_));
    auto dn_ok = [&](uint16_t dn, Attr a) { return !e.has(a) || dn < ndns_; };
    if (!dn_ok(c.this_dn, Attr::kThisDn) || !e.has(Attr::kThisDn))
      return bad("has no ThisDN of the session");
    if (!dn_ok(c.this_queue, Attr::kThisQueue) || !dn_ok(c.other_dn, Attr::kOtherDn) ||
        !dn_ok(c.third_party_dn, Attr::kThirdPartyDn) ||
        !dn_ok(c.third_party_queue, Attr::kThirdPartyQueue)) {
      return bad("names a DN outside the session");
    }
    e.this_dn = c.this_dn;
    if (e.has(Attr::kThisQueue)) e.this_queue = c.this_queue;
    if (e.has(Attr::kOtherDn)) e.other_dn = c.other_dn;
    if (e.has(Attr::kThirdPartyDn)) e.third_party_dn = c.third_party_dn;
    if (e.has(Attr::kThirdPartyQueue)) e.third_party_queue = c.third_party_queue;
    if ((e.has(Attr::kThisDnRole) && !is_dn_role(c.this_role)) ||
        (e.has(Attr::kOtherDnRole) && !is_dn_role(c.other_role)) ||
        (e.has(Attr::kThirdPartyDnRole) && !is_dn_role(c.third_party_role))) {
      return bad("has an unknown DNRole");
    }
    if (e.has(Attr::kThisDnRole)) e.this_role = static_cast<DnRole>(c.this_role);
    if (e.has(Attr::kOtherDnRole)) e.other_role = static_cast<DnRole>(c.other_role);
    if (e.has(Attr::kThirdPartyDnRole))
      e.third_party_role = static_cast<DnRole>(c.third_party_role);
    if (e.has(Attr::kCallState)) {
      if (!is_call_state(c.call_state)) return bad("has an unknown CallState");
      e.call_state = static_cast<CallState>(c.call_state);
    }
    if (e.has(Attr::kReferenceId)) {
      if (c.reference_id == 0 || c.reference_id > limits::kMaxReferenceId)
        return bad("has ReferenceID out of range");
      e.reference_id = c.reference_id;
    }
    if (e.has(Attr::kConnId)) {
      if (c.conn_id == 0) return bad("has ConnID 0");
      e.conn_id = c.conn_id;
    }
    if (e.has(Attr::kErrorCode)) {
      if (c.error == 0 || c.error >= kErrorReasonCount || e.type != EventType::kError)
        return bad("has a bad error reason");
      e.error = static_cast<ErrorReason>(c.error);
    } else if (e.type == EventType::kError) {
      return bad("is an EventError without error code");
    }
    e.seq = ++event_seq_;
    e.request_seq = request_seq_;
    out->push_back(e);
  }
  return Status::ok();
}

}  // namespace callbench
