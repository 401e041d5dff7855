#include "core/model.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "core/assert.h"
#include "core/names.h"

namespace callbench {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

//                      verb              T-Lib             req   new   dn     dn2    call   reason
//                      args
const StimulusShape kShapes[kStimulusKindCount] = {
    {"make-call", "TMakeCall", true, true, true, true, true, false, "De"},
    {"answer", "TAnswerCall", true, false, true, false, true, false, "DC"},
    {"release", "TReleaseCall", true, false, true, false, true, false, "DC"},
    {"hold", "THoldCall", true, false, true, false, true, false, "DC"},
    {"retrieve", "TRetrieveCall", true, false, true, false, true, false, "DC"},
    {"route", "TRouteCall", true, false, true, true, true, false, "DCe"},
    {"inbound", nullptr, false, true, true, true, true, false, "dE"},
    {"queue", nullptr, false, false, true, false, true, false, "CD"},
    {"divert", nullptr, false, false, true, true, true, false, "DCE"},
    {"park", nullptr, false, false, true, false, true, false, "CD"},
    {"pickup", nullptr, false, false, true, false, true, false, "DC"},
    {"remote-answer", nullptr, false, false, false, false, true, false, "C"},
    {"remote-busy", nullptr, false, false, false, false, true, true, "CR"},
    {"remote-release", nullptr, false, false, false, false, true, false, "C"},
    {"route-timeout", nullptr, false, false, true, true, true, false, "DCe"},
    {"pause", nullptr, false, false, false, false, false, false, ""},
    {"step", nullptr, false, false, false, false, true, false, "C"},
    {"resume", nullptr, false, false, false, false, false, false, ""},
};

const char* const kDnKindNames[kDnKindCount] = {
    "extension", "acd-queue", "routing-point", "routing-queue", "external", "remote-extension",
};

struct CallStateName {
  CallState state;
  const char* name;   // the document's spelling, printed
  const char* alias;  // T-Lib's spelling, also accepted
};
const CallStateName kCallStates[] = {
    {CallState::kOk, "OK", "Ok"},
    {CallState::kTransferred, "Transferred", nullptr},
    {CallState::kConferenced, "Conferenced", nullptr},
    {CallState::kGeneralError, "GeneralError", nullptr},
    {CallState::kSystemError, "SystemError", nullptr},
    {CallState::kRemoteRelease, "RemoteRelease", nullptr},
    {CallState::kBusy, "Busy", nullptr},
    {CallState::kNoAnswer, "NoAnswer", nullptr},
    {CallState::kSitDetected, "SitDetected", nullptr},
    {CallState::kAnsweringMachineDetected, "AnsweringMachineDetected", nullptr},
    {CallState::kAllTrunksBusy, "AllTrunksBusy", nullptr},
    {CallState::kSitInvalidNum, "SitInvalidNum", "SitInvalidnum"},
    {CallState::kSitVacant, "SitVacant", nullptr},
    {CallState::kSitIntercept, "SitIntercept", nullptr},
    {CallState::kSitUnknown, "SitUnknown", nullptr},
    {CallState::kSitNoCircuit, "SitNoCircuit", "SitNocircuit"},
    {CallState::kSitReorder, "SitReorder", nullptr},
    {CallState::kFaxDetected, "FaxDetected", nullptr},
    {CallState::kQueueFull, "QueueFull", nullptr},
    {CallState::kCleared, "Cleared", nullptr},
    {CallState::kOverflowed, "Overflowed", nullptr},
    {CallState::kAbandoned, "Abandoned", nullptr},
    {CallState::kRedirected, "Redirected", nullptr},
    {CallState::kForwarded, "Forwarded", nullptr},
    {CallState::kConsult, "Consult", nullptr},
    {CallState::kPickedUp, "PickedUp", "Pickedup"},
    {CallState::kDropped, "Dropped", nullptr},
    {CallState::kDroppedNoAnswer, "DroppedNoAnswer", "Droppednoanswer"},
    {CallState::kUnknown, "Unknown", nullptr},
    {CallState::kCovered, "Covered", nullptr},
    {CallState::kConverseOn, "ConverseOn", nullptr},
    {CallState::kBridged, "Bridged", nullptr},
    {CallState::kDeafened, "Deafened", nullptr},
    {CallState::kHeld, "Held", nullptr},
};

const char* const kRoleNames[] = {
    "Unknown",   "Origination",   "Destination",  "ConferenceMember", "NewParty", "AddedBy",
    "DeletedBy", "TransferredBy", "DeletedParty", "ConferencedBy",    "Observer",
};

struct EventName {
  EventType type;
  const char* name;
};
const EventName kEvents[] = {
    {EventType::kError, "EventError"},
    {EventType::kQueued, "EventQueued"},
    {EventType::kDiverted, "EventDiverted"},
    {EventType::kAbandoned, "EventAbandoned"},
    {EventType::kRinging, "EventRinging"},
    {EventType::kDialing, "EventDialing"},
    {EventType::kNetworkReached, "EventNetworkReached"},
    {EventType::kDestinationBusy, "EventDestinationBusy"},
    {EventType::kEstablished, "EventEstablished"},
    {EventType::kReleased, "EventReleased"},
    {EventType::kHeld, "EventHeld"},
    {EventType::kRetrieved, "EventRetrieved"},
    {EventType::kRouteRequest, "EventRouteRequest"},
    {EventType::kRouteUsed, "EventRouteUsed"},
};

const char* const kAttrNames[kAttrCount] = {
    "ConnID",          "ThisDN",      "ThisDNRole",   "ThisQueue",
    "OtherDN",         "OtherDNRole", "ThirdPartyDN", "ThirdPartyDNRole",
    "ThirdPartyQueue", "CallState",   "ReferenceID",  "ErrorCode",
};

struct ErrorInfo {
  int code;
  const char* message;
};
const ErrorInfo kErrors[kErrorReasonCount] = {
    {0, ""},
    {41, "DN not registered: T-Server does not monitor this DN"},
    {51, "Unsupported operation for this DN type"},
    {56, "Invalid ConnectionID: no such call at this DN"},
    {56, "Invalid ConnectionID: the caller released before the route completed"},
    {43, "Object already in the requested state"},
    {93, "Destination in invalid state: the call is not ringing at this DN"},
    {93, "Destination in invalid state: the call is not in a state that allows this request"},
    {93, "Destination in invalid state: the call is not waiting for a route here"},
    {71, "Invalid called DN"},
    {231, "DN is busy"},
    {53, "Invalid attribute value"},
};

const ProfileOption kOptions[kProfileOptionCount] = {
    {"dial-info",
     {"on", "off"},
     "*DIAL: OtherDN/OtherDNRole on the caller's EventDialing, EventNetworkReached and "
     "EventDestinationBusy"},
    {"third-party",
     {"on", "off"},
     "*OPT: ThirdPartyDN/ThirdPartyDNRole on EventDiverted, ThirdPartyDNRole on EventRouteUsed, "
     "and ThirdPartyDN on EventRouteUsed after default routing"},
    {"route-used-callstate",
     {"on", "off"},
     "CallState on EventRouteUsed: OK after TRouteCall, Redirected after default routing "
     "(off: absent, as on Aspect, Spectrum, Hicom 300)"},
    {"acd-redirected",
     {"on", "off"},
     "CallState Redirected on the other queues' EventDiverted when a call queued at several "
     "ACDs is distributed (off: agents in secondary ACD groups)"},
    {"park-destination-busy",
     {"on", "off"},
     "*OPT: EventDestinationBusy to the caller when its call is parked"},
    {"network-reached",
     {"reported", "simulated"},
     "whether the switch reports network reached; simulated: T-Server sends "
     "EventNetworkReached right before EventEstablished"},
    {"outbound-other-dn",
     {"on", "off"},
     "*OPT: OtherDN/OtherDNRole on the caller's EventEstablished of an outbound call"},
};

bool* bool_option(SwitchProfile* p, int index) {
  switch (index) {
    case 0:
      return &p->dial_info;
    case 1:
      return &p->third_party;
    case 2:
      return &p->route_used_call_state;
    case 3:
      return &p->acd_redirected;
    case 4:
      return &p->park_destination_busy;
    case 6:
      return &p->outbound_other_dn;
    default:
      return nullptr;
  }
}

}  // namespace

const StimulusShape& shape_of(StimulusKind kind) {
  auto i = static_cast<std::size_t>(kind);
  return kShapes[i < kStimulusKindCount ? i : static_cast<std::size_t>(StimulusKind::kPause)];
}

const StimulusArgs& stimulus_args(StimulusKind kind) {
  static const auto table = [] {
    std::array<StimulusArgs, kStimulusKindCount> t{};
    for (std::size_t k = 0; k < kStimulusKindCount; ++k) {
      StimulusArgs& out = t[k];
      for (const char* a = kShapes[k].args; *a; ++a) {
        CB_ASSERT_MSG(out.count < std::size(out.arg), "a stimulus has at most three arguments");
        StimulusArg& x = out.arg[out.count++];
        switch (*a) {
          case 'D':
          case 'd':
          case 'E':
          case 'e':
            x.kind = StimulusArg::Kind::kDn;
            x.second = *a == 'E' || *a == 'e';
            x.dialed = *a == 'd' || *a == 'e';
            break;
          case 'C':
            x.kind = StimulusArg::Kind::kCall;
            break;
          case 'R':
            x.kind = StimulusArg::Kind::kReason;
            break;
          default:
            CB_ASSERT_MSG(false, "a shape's argument letter is one of D d E e C R");
        }
      }
    }
    return t;
  }();
  auto i = static_cast<std::size_t>(kind);
  return table[i < kStimulusKindCount ? i : static_cast<std::size_t>(StimulusKind::kPause)];
}

int error_code_of(ErrorReason reason) {
  auto i = static_cast<std::size_t>(reason);
  return i < kErrorReasonCount ? kErrors[i].code : 50;
}

const char* error_message_of(ErrorReason reason) {
  auto i = static_cast<std::size_t>(reason);
  return i < kErrorReasonCount ? kErrors[i].message : "Unrecognized error";
}

bool operator==(const Event& a, const Event& b) {
  if (a.type != b.type || a.present != b.present || a.call != b.call || a.seq != b.seq ||
      a.request_seq != b.request_seq) {
    return false;
  }
  auto same = [&](Attr attr, bool equal) { return !a.has(attr) || equal; };
  return same(Attr::kConnId, a.conn_id == b.conn_id) &&
         same(Attr::kThisDn, a.this_dn == b.this_dn) &&
         same(Attr::kThisDnRole, a.this_role == b.this_role) &&
         same(Attr::kThisQueue, a.this_queue == b.this_queue) &&
         same(Attr::kOtherDn, a.other_dn == b.other_dn) &&
         same(Attr::kOtherDnRole, a.other_role == b.other_role) &&
         same(Attr::kThirdPartyDn, a.third_party_dn == b.third_party_dn) &&
         same(Attr::kThirdPartyDnRole, a.third_party_role == b.third_party_role) &&
         same(Attr::kThirdPartyQueue, a.third_party_queue == b.third_party_queue) &&
         same(Attr::kCallState, a.call_state == b.call_state) &&
         same(Attr::kReferenceId, a.reference_id == b.reference_id) &&
         same(Attr::kErrorCode, a.error == b.error);
}

const ProfileOption* profile_options() { return kOptions; }

bool set_profile_option(SwitchProfile* profile, std::string_view name, std::string_view value) {
  for (int i = 0; i < kProfileOptionCount; ++i) {
    if (name != kOptions[i].name) continue;
    int v = value == kOptions[i].values[0] ? 0 : value == kOptions[i].values[1] ? 1 : -1;
    if (v < 0) return false;
    set_profile_option_value(profile, i, v);
    return true;
  }
  return false;
}

void set_profile_option_value(SwitchProfile* profile, int index, int value) {
  if (bool* b = bool_option(profile, index)) {
    *b = value == 0;
  } else {
    profile->network_reached = static_cast<SwitchProfile::NetworkReached>(value);
  }
}

int profile_option_value(const SwitchProfile& profile, int index) {
  SwitchProfile copy = profile;
  if (bool* b = bool_option(&copy, index)) return *b ? 0 : 1;
  return static_cast<int>(profile.network_reached);
}

DnId Topology::find(std::string_view name) const {
  for (std::size_t i = 0; i < dns.size(); ++i) {
    if (dns[i].name == name) return static_cast<DnId>(i);
  }
  return kNoDn;
}

std::string validate_stimulus(const Stimulus& s, const SessionConfig& config) {
  if (static_cast<int>(s.kind) >= kStimulusKindCount) return "unknown stimulus kind";
  const StimulusShape& shape = shape_of(s.kind);
  const Topology& t = config.topology;
  if (shape.has_dn ? !t.valid(s.dn) : s.dn != kNoDn) {
    return std::string(shape.verb) +
           (shape.has_dn ? ": DN argument is missing or unknown" : " takes no DN");
  }
  if (shape.has_dn2 ? !t.valid(s.dn2) : s.dn2 != kNoDn) {
    return std::string(shape.verb) +
           (shape.has_dn2 ? ": second DN argument is missing or unknown" : " takes no second DN");
  }
  if (shape.has_call ? s.call >= config.call_names.size() : s.call != kNoCall) {
    return std::string(shape.verb) +
           (shape.has_call ? ": call argument is missing or unknown" : " takes no call");
  }
  if (shape.client_request != (s.reference_id != 0)) {
    return std::string(shape.verb) + (shape.client_request
                                          ? ": a client request needs a ReferenceID above 0"
                                          : " takes no ReferenceID");
  }
  if (s.reference_id > limits::kMaxReferenceId) {
    return std::string(shape.verb) + ": ReferenceID " + std::to_string(s.reference_id) +
           " is above " + std::to_string(limits::kMaxReferenceId);
  }
  if (s.has_call_state && (!shape.has_reason || !is_call_state(static_cast<int>(s.call_state)))) {
    return std::string(shape.verb) + ": invalid CallState reason";
  }
  if (!s.has_call_state && s.call_state != CallState::kOk) {
    return std::string(shape.verb) + ": CallState set without its flag";
  }
  return {};
}

std::string validate_session(const Session& session) {
  const SessionConfig& c = session.config;
  if (c.topology.dns.size() > limits::kMaxDns) return "too many DNs";
  std::vector<std::string_view> names;
  names.reserve(c.topology.dns.size());
  for (const Dn& dn : c.topology.dns) {
    if (!valid_dn_name(dn.name)) {
      return "DN name '" + printable(dn.name, 40) + "' is not a DN name (" + kDnNameRule + ")";
    }
    if (static_cast<int>(dn.kind) >= kDnKindCount) return "DN " + dn.name + ": unknown kind";
    names.push_back(dn.name);
  }
  std::sort(names.begin(), names.end());
  auto twice = std::adjacent_find(names.begin(), names.end());
  if (twice != names.end()) return "DN " + std::string(*twice) + " declared twice";
  if (c.call_names.size() > limits::kMaxCalls) return "too many calls";
  for (const std::string& name : c.call_names) {
    if (!valid_call_name(name)) {
      return "call name '" + printable(name, 40) + "' is not a call name (" + kCallNameRule + ")";
    }
  }
  if (session.stimuli.size() > limits::kMaxStimuli) return "too many stimuli";
  std::vector<bool> created(c.call_names.size(), false);
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    const Stimulus& s = session.stimuli[i];
    std::string why = validate_stimulus(s, c);
    if (!why.empty()) return "stimulus " + std::to_string(i + 1) + ": " + why;
    if (!shape_of(s.kind).has_call) continue;
    if (shape_of(s.kind).creates_call) {
      if (created[s.call]) {
        return "stimulus " + std::to_string(i + 1) + ": call created twice";
      }
      created[s.call] = true;
    } else if (!created[s.call] && !session.observed) {
      return "stimulus " + std::to_string(i + 1) + ": call used before it is created";
    }
  }
  return {};
}

const char* dn_kind_name(DnKind kind) {
  auto i = static_cast<std::size_t>(kind);
  return i < kDnKindCount ? kDnKindNames[i] : "?";
}

std::optional<DnKind> parse_dn_kind(std::string_view name) {
  for (int i = 0; i < kDnKindCount; ++i) {
    if (name == kDnKindNames[i]) return static_cast<DnKind>(i);
  }
  return std::nullopt;
}

const char* call_state_name(CallState state) {
  for (const auto& c : kCallStates) {
    if (c.state == state) return c.name;
  }
  return "?";
}

std::optional<CallState> parse_call_state(std::string_view name) {
  for (const auto& c : kCallStates) {
    if (iequals(name, c.name) || (c.alias && iequals(name, c.alias))) return c.state;
  }
  return std::nullopt;
}

int call_state_count() { return static_cast<int>(std::size(kCallStates)); }
CallState call_state_at(int index) { return kCallStates[index].state; }
int call_state_index(CallState state) {
  for (std::size_t i = 0; i < std::size(kCallStates); ++i) {
    if (kCallStates[i].state == state) return static_cast<int>(i);
  }
  return -1;
}

int event_type_count() { return static_cast<int>(std::size(kEvents)); }
EventType event_type_at(int index) { return kEvents[index].type; }
int event_type_index(EventType type) {
  for (std::size_t i = 0; i < std::size(kEvents); ++i) {
    if (kEvents[i].type == type) return static_cast<int>(i);
  }
  return -1;
}

bool is_call_state(int value) {
  for (const auto& c : kCallStates) {
    if (static_cast<int>(c.state) == value) return true;
  }
  return false;
}

const char* dn_role_name(DnRole role) {
  auto i = static_cast<std::size_t>(role);
  return i < std::size(kRoleNames) ? kRoleNames[i] : "?";
}

std::optional<DnRole> parse_dn_role(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kRoleNames); ++i) {
    if (iequals(name, kRoleNames[i])) return static_cast<DnRole>(i);
  }
  return std::nullopt;
}

bool is_dn_role(int value) { return value >= 0 && value < static_cast<int>(std::size(kRoleNames)); }

const char* event_name(EventType type) {
  for (const auto& e : kEvents) {
    if (e.type == type) return e.name;
  }
  return "EventUnknown";
}

std::optional<EventType> parse_event_name(std::string_view name) {
  for (const auto& e : kEvents) {
    if (name == e.name) return e.type;
  }
  return std::nullopt;
}

bool is_event_type(int value) {
  for (const auto& e : kEvents) {
    if (static_cast<int>(e.type) == value) return true;
  }
  return false;
}

const char* attr_name(Attr attr) {
  auto i = static_cast<std::size_t>(attr);
  return i < kAttrCount ? kAttrNames[i] : "?";
}

std::optional<Attr> parse_attr_name(std::string_view name) {
  for (int i = 0; i < kAttrCount; ++i) {
    if (name == kAttrNames[i]) return static_cast<Attr>(i);
  }
  return std::nullopt;
}

const char* stimulus_verb(StimulusKind kind) { return shape_of(kind).verb; }

std::optional<StimulusKind> parse_stimulus_verb(std::string_view verb) {
  for (int i = 0; i < kStimulusKindCount; ++i) {
    if (verb == kShapes[i].verb) return static_cast<StimulusKind>(i);
  }
  return std::nullopt;
}

std::optional<uint64_t> parse_unsigned(std::string_view s, uint64_t max, bool hex_ok) {
  uint64_t base = 10;
  if (hex_ok && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'                 ? c - '0'
            : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
            : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
    if (d < 0) return std::nullopt;
    auto ud = static_cast<uint64_t>(d);
    if (ud > max || v > (max - ud) / base) return std::nullopt;
    v = v * base + ud;
  }
  return v;
}

void write_conn_id(uint64_t conn_id, char out[17]) {
  static const char* const kHex = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    out[i] = kHex[conn_id & 15];
    conn_id >>= 4;
  }
  out[16] = '\0';
}

std::string conn_id_string(uint64_t conn_id) {
  char buf[17];
  write_conn_id(conn_id, buf);
  return std::string(buf, 16);
}

namespace {
std::optional<uint64_t> conn_id_of(std::string_view text, bool any_case) {
  if (text.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    int d = c >= '0' && c <= '9'               ? c - '0'
            : c >= 'a' && c <= 'f'             ? c - 'a' + 10
            : any_case && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}
}  // namespace

std::optional<uint64_t> parse_conn_id(std::string_view text) { return conn_id_of(text, false); }
std::optional<uint64_t> parse_conn_id_any_case(std::string_view text) {
  return conn_id_of(text, true);
}

namespace {

const char* const kIgnoreTexts[] = {
    "",
    "malformed stimulus",
    "the call name is already taken",
    "no such call, or the call is over",
    "the call is not in a phase where this can happen",
    "the caller of an inbound call must be an external DN",
    "the destination cannot take this call",
    "the call is not queued at this ACD queue",
    "the call is already queued at this ACD queue",
    "the call is queued at the most queues one call may wait at",
    "the DN is not an ACD queue",
    "the agent is not an idle extension other than the caller",
    "the call can be parked only on the extension it is being delivered to",
    "the call is not parked on this DN",
    "the DN picking up is busy",
    "the call has no external party in a phase where the network can act",
    "the call is not waiting for a route at this routing point",
    "the call has no pending switch step",
};
static_assert(std::size(kIgnoreTexts) ==
              static_cast<std::size_t>(IgnoreReason::kNothingPending) + 1);

}  // namespace

const char* ignore_reason_text(IgnoreReason reason) {
  auto i = static_cast<std::size_t>(reason);
  return i < std::size(kIgnoreTexts) ? kIgnoreTexts[i] : "?";
}

namespace {

std::string dn_text(DnId id, const SessionConfig& config) {
  return config.topology.valid(id) ? config.topology.dns[id].name : "?";
}

}  // namespace

std::string attr_value_text(const Event& e, Attr a, const SessionConfig& config) {
  switch (a) {
    case Attr::kConnId:
      return conn_id_string(e.conn_id);
    case Attr::kThisDn:
      return dn_text(e.this_dn, config);
    case Attr::kThisDnRole:
      return dn_role_name(e.this_role);
    case Attr::kThisQueue:
      return dn_text(e.this_queue, config);
    case Attr::kOtherDn:
      return dn_text(e.other_dn, config);
    case Attr::kOtherDnRole:
      return dn_role_name(e.other_role);
    case Attr::kThirdPartyDn:
      return dn_text(e.third_party_dn, config);
    case Attr::kThirdPartyDnRole:
      return dn_role_name(e.third_party_role);
    case Attr::kThirdPartyQueue:
      return dn_text(e.third_party_queue, config);
    case Attr::kCallState:
      return call_state_name(e.call_state);
    case Attr::kReferenceId:
      return std::to_string(e.reference_id);
    case Attr::kErrorCode:
      return std::to_string(error_code_of(e.error));
  }
  return "?";
}

std::string event_text(const Event& e, const SessionConfig& config) {
  std::string out = event_name(e.type);
  for (int i = 0; i < kAttrCount; ++i) {
    auto a = static_cast<Attr>(i);
    if (e.has(a)) out += std::string(" ") + attr_name(a) + "=" + attr_value_text(e, a, config);
  }
  return out;
}

}  // namespace callbench
