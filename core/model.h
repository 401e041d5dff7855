// The vocabulary of callbench: DN kinds, stimuli, events, attributes, CallState and
// DNRole, with their T-Lib names and numbers (TLIB-FACTS.md). Everything here is a
// plain value: copyable, comparable, no ownership. Stimuli and events refer to DNs and
// calls by small integer ids; names live only in SessionConfig, at the edges.
//
// This header uses nothing but the standard library (DESIGN.md: core/ has no
// third-party dependency).
#ifndef CALLBENCH_CORE_MODEL_H_
#define CALLBENCH_CORE_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.h"

namespace callbench {

using DnId = uint16_t;    // index into Topology::dns
using CallId = uint16_t;  // index of the call in the session, in order of creation
inline constexpr DnId kNoDn = 0xFFFF;
inline constexpr CallId kNoCall = 0xFFFF;

// What a directory number is. Events go to monitored DNs only: every kind but
// kExternal. A kRemoteExtension is an extension on the far side of a trunk (another
// site) that T-Server still monitors: a call to it is an outbound call, so the
// caller gets EventNetworkReached, but it rings and answers like an extension
// (the "Routing Outbound" flow's party C).
enum class DnKind : uint8_t {
  kExtension = 0,
  kAcdQueue = 1,
  kRoutingPoint = 2,
  kRoutingQueue = 3,
  kExternal = 4,
  kRemoteExtension = 5,
};
inline constexpr int kDnKindCount = 6;

// T-Lib CallState, with T-Lib's numbers.
enum class CallState : uint8_t {
  kOk = 0,
  kTransferred = 1,
  kConferenced = 2,
  kGeneralError = 3,
  kSystemError = 4,
  kRemoteRelease = 5,
  kBusy = 6,
  kNoAnswer = 7,
  kSitDetected = 8,
  kAnsweringMachineDetected = 9,
  kAllTrunksBusy = 10,
  kSitInvalidNum = 11,
  kSitVacant = 12,
  kSitIntercept = 13,
  kSitUnknown = 14,
  kSitNoCircuit = 15,
  kSitReorder = 16,
  kFaxDetected = 17,
  kQueueFull = 18,
  kCleared = 19,
  kOverflowed = 20,
  kAbandoned = 21,
  kRedirected = 22,
  kForwarded = 23,
  kConsult = 24,
  kPickedUp = 25,
  kDropped = 26,
  kDroppedNoAnswer = 27,
  kUnknown = 28,
  kCovered = 29,
  kConverseOn = 30,
  kBridged = 31,
  kDeafened = 49,
  kHeld = 50,
};

// T-Lib DNRole (ThisDNRole, OtherDNRole, ThirdPartyDNRole).
enum class DnRole : uint8_t {
  kUnknown = 0,
  kOrigination = 1,
  kDestination = 2,
  kConferenceMember = 3,
  kNewParty = 4,
  kAddedBy = 5,
  kDeletedBy = 6,
  kTransferredBy = 7,
  kDeletedParty = 8,
  kConferencedBy = 9,
  kObserver = 10,
};

// T-Lib event message numbers.
enum class EventType : uint8_t {
  kError = 52,
  kQueued = 57,
  kDiverted = 58,
  kAbandoned = 59,
  kRinging = 60,
  kDialing = 61,
  kNetworkReached = 62,
  kDestinationBusy = 63,
  kEstablished = 64,
  kReleased = 65,
  kHeld = 66,
  kRetrieved = 67,
  kRouteRequest = 71,
  kRouteUsed = 72,
};

// Everything that can happen to the engine: client requests (T-Lib requests, each
// with a ReferenceID), switch and network stimuli (what the real world decides), and
// the three timing controls that hand the switch's pending steps to the scenario.
enum class StimulusKind : uint8_t {
  // Client requests.
  kMakeCall = 0,      // dn=origin, dn2=destination, call=new
  kAnswerCall = 1,    // dn=answering DN, call
  kReleaseCall = 2,   // dn, call
  kHoldCall = 3,      // dn, call
  kRetrieveCall = 4,  // dn, call
  kRouteCall = 5,     // dn=routing point, call, dn2=destination
  // Switch and network stimuli.
  kInbound = 6,         // dn=external caller, dn2=destination, call=new
  kQueue = 7,           // call, dn=further ACD queue
  kDivert = 8,          // dn=ACD queue, call, dn2=agent
  kPark = 9,            // call, dn=parking DN
  kPickup = 10,         // dn=parking DN, call
  kRemoteAnswer = 11,   // call
  kRemoteBusy = 12,     // call, call_state=reason (optional)
  kRemoteRelease = 13,  // call
  kRouteTimeout = 14,   // dn=routing point, call, dn2=default destination
  // Timing of the switch's own pending steps.
  kPause = 15,
  kStep = 16,  // call
  kResume = 17,
};
inline constexpr int kStimulusKindCount = 18;

// Which arguments a stimulus kind takes. One table drives the parser, the printer,
// the fuzz codec and validation, so they cannot disagree.
struct StimulusShape {
  const char* verb;     // the scenario verb: "make-call"
  const char* tlib;     // the T-Lib request name, or nullptr: "TMakeCall"
  bool client_request;  // carries a ReferenceID
  bool creates_call;    // `c1 = verb ...`
  bool has_dn, has_dn2, has_call;
  bool has_reason;  // an optional CallState
  // The scenario arguments in order: D = dn, E = dn2, C = call, R = optional reason.
  // Lower case (d, e): a dialed number, which need not be declared (an undeclared one
  // is an external DN).
  const char* args;
};
const StimulusShape& shape_of(StimulusKind kind);

// One argument of a stimulus, in scenario order: StimulusShape::args read once, so code
// that walks a stimulus's arguments (parser, printer, program codec, generator,
// mutator, JSON lines) switches on a kind instead of on the letters.
struct StimulusArg {
  enum class Kind : uint8_t { kDn, kCall, kReason };
  Kind kind = Kind::kDn;
  bool second = false;  // kDn: Stimulus::dn2 (E, e); else Stimulus::dn (D, d)
  bool dialed = false;  // kDn: a dialed number (d, e): need not be declared (an
                        // undeclared one is an external DN)
};
struct StimulusArgs {
  StimulusArg arg[3];
  uint8_t count = 0;
  const StimulusArg* begin() const { return arg; }
  const StimulusArg* end() const { return arg + count; }
};
const StimulusArgs& stimulus_args(StimulusKind kind);

struct Stimulus {
  StimulusKind kind = StimulusKind::kPause;
  bool has_call_state = false;  // remote-busy reason given
  CallState call_state = CallState::kOk;
  DnId dn = kNoDn;
  DnId dn2 = kNoDn;
  CallId call = kNoCall;
  uint32_t reference_id = 0;  // client requests: 1.., never 0

  bool is_client_request() const { return shape_of(kind).client_request; }
  friend bool operator==(const Stimulus&, const Stimulus&) = default;
};

// The DN a kDn argument names.
inline DnId& arg_dn(Stimulus& s, const StimulusArg& a) { return a.second ? s.dn2 : s.dn; }
inline DnId arg_dn(const Stimulus& s, const StimulusArg& a) { return a.second ? s.dn2 : s.dn; }

// What became of a stimulus.
enum class Outcome : uint8_t {
  kApplied = 0,  // did what it says (a request may still await its answer: TRouteCall)
  kRefused = 1,  // a client request answered with EventError; nothing changed
  kIgnored = 2,  // a switch stimulus that does not apply now; nothing changed
};

enum class IgnoreReason : uint8_t {
  kNone = 0,
  kMalformed,
  kCallExists,
  kCallUnknown,
  kWrongPhase,
  kNotExternal,
  kBadDestination,
  kNotQueuedHere,
  kAlreadyQueuedHere,
  kTooManyQueues,
  kNotAnAcdQueue,
  kAgentUnavailable,
  kNotParkable,
  kNotParkedHere,
  kPickerBusy,
  kNoExternalParty,
  kNotAtRoutingPoint,
  kNothingPending,
};
const char* ignore_reason_text(IgnoreReason reason);

struct ApplyResult {
  Outcome outcome = Outcome::kApplied;
  IgnoreReason reason = IgnoreReason::kNone;
  friend bool operator==(const ApplyResult&, const ApplyResult&) = default;
};

// Event attributes, by T-Lib name. An event carries a set of them (Event::present).
enum class Attr : uint8_t {
  kConnId = 0,
  kThisDn,
  kThisDnRole,
  kThisQueue,
  kOtherDn,
  kOtherDnRole,
  kThirdPartyDn,
  kThirdPartyDnRole,
  kThirdPartyQueue,
  kCallState,
  kReferenceId,
  kErrorCode,  // with ErrorMessage
};
inline constexpr int kAttrCount = 12;

// Why a request was refused; each maps to a T-Lib error code and a fixed message,
// so an EventError is a small value too.
enum class ErrorReason : uint8_t {
  kNone = 0,
  kDnNotMonitored,      // 41
  kUnsupported,         // 51
  kInvalidConnId,       // 56
  kCallClearedFirst,    // 56 (TRouteCall whose caller hung up first)
  kAlreadyInState,      // 43
  kNotRinging,          // 93
  kInvalidState,        // 93
  kNotAwaitingRoute,    // 93
  kInvalidDestination,  // 71
  kDnBusy,              // 231
  kInvalidAttribute,    // 53 (a malformed stimulus: reused call id, ...)
};
inline constexpr int kErrorReasonCount = 12;
int error_code_of(ErrorReason reason);
const char* error_message_of(ErrorReason reason);

// One T-Lib event as delivered to ThisDN. `seq` is AttributeEventSequenceNumber
// (1.. in a session); `request_seq` the stimulus that caused it (1..).
struct Event {
  EventType type = EventType::kError;
  ErrorReason error = ErrorReason::kNone;  // valid when kErrorCode is present
  uint16_t present = 0;                    // bit (1 << Attr) per attribute carried
  CallId call = kNoCall;                   // the session's call, for names; not an attribute
  DnId this_dn = kNoDn;
  DnId this_queue = kNoDn;
  DnId other_dn = kNoDn;
  DnId third_party_dn = kNoDn;
  DnId third_party_queue = kNoDn;
  DnRole this_role = DnRole::kUnknown;
  DnRole other_role = DnRole::kUnknown;
  DnRole third_party_role = DnRole::kUnknown;
  CallState call_state = CallState::kOk;
  uint32_t seq = 0;
  uint32_t request_seq = 0;
  uint32_t reference_id = 0;
  uint64_t conn_id = 0;

  bool has(Attr a) const { return (present >> static_cast<int>(a)) & 1u; }
  void set(Attr a) { present = static_cast<uint16_t>(present | (1u << static_cast<int>(a))); }
  void clear(Attr a) { present = static_cast<uint16_t>(present & ~(1u << static_cast<int>(a))); }
  // Field-by-field equality on what is present (absent fields' storage is ignored).
  friend bool operator==(const Event& a, const Event& b);
};

// The documented alternatives, as a switch profile: every place the document leaves
// a choice (*OPT, *DIAL, switch-dependent CallState, optional events) is a named
// option here. Defaults follow the document's main tables.
struct SwitchProfile {
  enum class NetworkReached : uint8_t { kReported = 0, kSimulated = 1 };
  // *DIAL: T-Server knows the dialed number (OtherDN on Dialing, NetworkReached,
  // DestinationBusy). Off: those carry no OtherDN/OtherDNRole.
  bool dial_info = true;
  // *OPT ThirdPartyDN/ThirdPartyDNRole on EventDiverted and ThirdPartyDNRole on
  // EventRouteUsed; ThirdPartyDN on EventRouteUsed after default routing.
  bool third_party = true;
  // CallState on EventRouteUsed (OK after TRouteCall, Redirected after the switch
  // routed by default). Off: absent, as on Aspect, Spectrum, Hicom 300.
  bool route_used_call_state = true;
  // CallState Redirected on the other queues' EventDiverted when a call queued at
  // several ACDs is distributed (agents assigned directly to ACD groups). Off:
  // agents in secondary groups, no CallState.
  bool acd_redirected = true;
  // EventDestinationBusy (*OPT) to the caller when its call is parked.
  bool park_destination_busy = true;
  // kSimulated: the switch does not report network reached; T-Server sends
  // EventNetworkReached right before EventEstablished.
  NetworkReached network_reached = NetworkReached::kReported;
  // *OPT OtherDN/OtherDNRole on the caller's EventEstablished of an outbound call.
  bool outbound_other_dn = true;

  friend bool operator==(const SwitchProfile&, const SwitchProfile&) = default;
};

// One named option of SwitchProfile: its scenario name, values, default and doc.
struct ProfileOption {
  const char* name;         // "dial-info"
  const char* values[2];    // {"on", "off"} or {"reported", "simulated"}
  const char* description;  // one line, for --help and the README
};
inline constexpr int kProfileOptionCount = 7;
const ProfileOption* profile_options();  // kProfileOptionCount entries
// Sets option `name` to `value`; false (and *profile unchanged) when either is unknown.
bool set_profile_option(SwitchProfile* profile, std::string_view name, std::string_view value);
// The value of option `index` (0 or 1 into ProfileOption::values), and setting it.
// REQUIRES: 0 <= index < kProfileOptionCount, value is 0 or 1.
int profile_option_value(const SwitchProfile& profile, int index);
void set_profile_option_value(SwitchProfile* profile, int index, int value);

struct Dn {
  std::string name;
  DnKind kind = DnKind::kExtension;
  friend bool operator==(const Dn&, const Dn&) = default;
};

struct Topology {
  std::vector<Dn> dns;
  DnId find(std::string_view name) const;  // kNoDn when absent
  bool valid(DnId id) const { return id < dns.size(); }
  friend bool operator==(const Topology&, const Topology&) = default;
};

// Everything needed to rebuild a session's engine, plus the names the edges print.
struct SessionConfig {
  Topology topology;
  SwitchProfile profile;
  uint64_t seed = 1;
  std::vector<std::string> call_names;  // by CallId: "c1"
  friend bool operator==(const SessionConfig&, const SessionConfig&) = default;
};

// A session: its configuration and its stimuli, the one input every path into the
// engine shares (scenario, fuzz program, journal).
struct Session {
  SessionConfig config;
  std::vector<Stimulus> stimuli;
  // An observed stream (JSON lines from anywhere, a real T-Server's log): its events
  // came with client requests at most, never with switch stimuli, and `request_seq`
  // may be 0 on every event. Its calls are told apart by ConnID (Event::call), and
  // may be used by a request without a creating stimulus. The oracle then binds the
  // parties from the events alone (core/oracle.h). Played and recorded sessions: false.
  bool observed = false;
  // false when the stream did not state its switch profile (`config.profile` is then
  // the default and means nothing): the oracle accepts any documented alternative,
  // but the same one throughout the session.
  bool profile_known = true;
  friend bool operator==(const Session&, const Session&) = default;
};

// Checks that a stimulus refers only to DNs and calls the session has, with the
// arguments its kind takes. Every decoder of untrusted input calls it; the engine
// relies on it. Returns an empty string when valid, else what is wrong.
std::string validate_stimulus(const Stimulus& s, const SessionConfig& config);
// Whole-session validation: topology limits and names, every stimulus, and that each
// call is created exactly once, before it is used.
std::string validate_session(const Session& session);

// Names, for printing and parsing. Parsing accepts the document's and T-Lib's
// spellings case-insensitively; printing uses the document's.
const char* dn_kind_name(DnKind kind);
std::optional<DnKind> parse_dn_kind(std::string_view name);
// Every CallState and every event type, in one order: the table that names them
// (model.cc), which is T-Lib's order and the journal schema's enum order (the codec maps
// index i to schema ordinal i + 1). index: -1 for a value not in the table.
int call_state_count();
CallState call_state_at(int index);  // REQUIRES: 0 <= index < call_state_count()
int call_state_index(CallState state);
int event_type_count();
EventType event_type_at(int index);  // REQUIRES: 0 <= index < event_type_count()
int event_type_index(EventType type);
const char* call_state_name(CallState state);
std::optional<CallState> parse_call_state(std::string_view name);
bool is_call_state(int value);
const char* dn_role_name(DnRole role);
std::optional<DnRole> parse_dn_role(std::string_view name);
bool is_dn_role(int value);
const char* event_name(EventType type);  // "EventRinging"
std::optional<EventType> parse_event_name(std::string_view name);
bool is_event_type(int value);
const char* attr_name(Attr attr);  // "ConnID", "ThisDNRole", ...
std::optional<Attr> parse_attr_name(std::string_view name);
const char* stimulus_verb(StimulusKind kind);
std::optional<StimulusKind> parse_stimulus_verb(std::string_view verb);

// Strict unsigned decimal (or 0x-hex when hex_ok): no sign, no spaces, nothing past max.
std::optional<uint64_t> parse_unsigned(std::string_view text, uint64_t max, bool hex_ok);

// "0077028a809f7004": 16 lower-case hex digits.
std::string conn_id_string(uint64_t conn_id);
// The same into out[0..16], NUL-terminated, without allocating.
void write_conn_id(uint64_t conn_id, char out[17]);
std::optional<uint64_t> parse_conn_id(std::string_view text);
// The same, hex digits in either case (T-Server logs, `show --call`): the journal and
// every printed form stay lower case.
std::optional<uint64_t> parse_conn_id_any_case(std::string_view text);

// One attribute's value as printed ("7002", "Destination", "OK", "0077028a809f7004").
std::string attr_value_text(const Event& e, Attr a, const SessionConfig& config);
// "EventRinging ConnID=... ThisDN=7002 ..." on one line, every present attribute.
std::string event_text(const Event& e, const SessionConfig& config);

}  // namespace callbench

#endif  // CALLBENCH_CORE_MODEL_H_
