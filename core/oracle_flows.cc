// The documented flows as data, and matching a call's events against them.
//
// Each flow of the call-model document is written below as it is drawn there: parties
// (A, B, C, D) with the DN kinds they may be, the normal rows, and each interruption
// point of its "Abnormal Call Flow" table as the rows that replace the rest of the flow.
// Events on one row are unordered among themselves; rows are ordered. An item is
// `Party:Event attrs...`; `Event?` marks an optional (*OPT) event. An attribute is
// `Name=spec`, where spec is a party letter (its DN), a value (role, CallState), `*`
// (present, any value), `-` (absent), alternatives joined by `|`, and a trailing `?`
// for *OPT/*DIAL (absent, or as given). Attributes a row does not list are left to the
// generic rules. ConnID and ReferenceID are checked by rules one-connid and
// reference-answer, so rows do not repeat them.
//
// Where the document contradicts itself the row says which reading is taken (see the
// comments); where it leaves a choice, both are written (alternatives, optional events,
// or a second variant of the flow under the same name).
//
// Matching: the caller is party A and the dialed DN party B (from the stimulus that
// created the call). For each flow the call's events (EventError aside) are consumed
// row by row; an external party's items are skipped (it gets no events). The flow that
// consumes the most events names the call's place in the document; events beyond the
// documented phase (release after the conversation, ...) are left to the generic rules.
// When the best match's attributes differ from its rows, that is rule
// documented-attributes.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/assert.h"
#include "core/oracle.h"
#include "core/oracle_internal.h"
#include "core/render.h"

namespace callbench {
namespace oracle {
namespace {

const char* const kFlows = R"flows(
flow internal | Internal/Inbound Call
party A caller
party B ext
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[deliver] B:Ringing ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[answer] A:Established ThisDN=A ThisDNRole=Origination OtherDN=B OtherDNRole=Destination ; B:Established ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
# * and ** leave OtherDN unlisted: when present it must still name B (~).
point * after 1
row[release] A:Released ThisDN=A ThisDNRole=Origination OtherDN=~B CallState=OK
point ** after 1
row[deliver] A:DestinationBusy ThisDN=A ThisDNRole=Origination OtherDN=~B CallState=*
point *** after 2
row[release] A:Released ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial} CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK

flow acd | Internal/Inbound Call to ACD
party A caller
party B acd
party C ext
bind C divert
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[deliver] B:Queued ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row[divert] B:Diverted ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDN=C{third-party} ThirdPartyDNRole=Destination{third-party}
row[deliver] C:Ringing ThisDN=C ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[answer] A:Established ThisDN=A ThisDNRole=Origination OtherDN=C OtherDNRole=Destination ; C:Established ThisDN=C ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
# * while queued at B. ** (A alone, OtherDN B): the caller hangs up before the call is
# queued, the only moment B holds no part of the call yet (pinned reading).
point * after 2
row[release] A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B ThisQueue=B OtherDN=A CallState=OK
point ** after 1
row[release] A:Released ThisDN=A OtherDN=B CallState=OK
point *** after 4
row[release] A:Released ThisDN=A OtherDN=C CallState=OK ; C:Abandoned ThisDN=C ThisQueue=B OtherDN=A CallState=OK

# The document draws B distributing the call; C distributing it is the same flow with
# the two queues' parts exchanged (second variant). Its ** row spans two printed lines
# (the second starts with a stray "***"): A, B and C all in one row. At ****, D's
# EventAbandoned names ThisQueue C in the table, but D's own EventRinging says B, the
# queue that distributed the call, and TLIB-FACTS makes an agent's events repeat that
# queue: callbench pins B (the distributing queue) and accepts nothing else.
flow multi_acd | Internal/Inbound Call Queued to Multiple ACDs
party A caller
party B acd
party C acd
party D ext
bind C queue
bind D divert
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[deliver] B:Queued ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row[queue] C:Queued ThisDN=C ThisQueue=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row[divert] B:Diverted ThisDN=B ThisQueue=~B ThisDNRole=Origination OtherDN=C OtherDNRole=Destination ; C:Diverted ThisDN=C ThisQueue=C ThirdPartyDN=D ThirdPartyQueue=B CallState=Redirected{acd-redirected}
row[deliver] D:Ringing ThisDN=D ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[answer] A:Established ThisDN=A ThisDNRole=Origination OtherDN=D OtherDNRole=Destination CallState=OK ; D:Established ThisDN=D ThisQueue=~B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
point * after 2
row[release] A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B ThisQueue=B OtherDN=A CallState=OK
point ** after 3
row[release] A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B ThisQueue=B OtherDN=A CallState=OK ; C:Abandoned ThisDN=C ThisQueue=C OtherDN=A CallState=OK
point *** after 4
row[release] A:Released ThisDN=A OtherDN=D CallState=OK
point **** after 5
row[release] A:Released ThisDN=A OtherDN=D CallState=OK ; D:Abandoned ThisDN=D ThisQueue=B OtherDN=A CallState=OK

flow multi_acd | Internal/Inbound Call Queued to Multiple ACDs
party A caller
party B acd
party C acd
party D ext
bind C queue
bind D divert
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[deliver] B:Queued ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row[queue] C:Queued ThisDN=C ThisQueue=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row[divert] C:Diverted ThisDN=C ThisQueue=~C ThisDNRole=Origination OtherDN=B OtherDNRole=Destination ; B:Diverted ThisDN=B ThisQueue=B ThirdPartyDN=D ThirdPartyQueue=C CallState=Redirected{acd-redirected}
row[deliver] D:Ringing ThisDN=D ThisQueue=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[answer] A:Established ThisDN=A ThisDNRole=Origination OtherDN=D OtherDNRole=Destination CallState=OK ; D:Established ThisDN=D ThisQueue=~C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
point *** after 4
row[release] A:Released ThisDN=A OtherDN=D CallState=OK
point **** after 5
row[release] A:Released ThisDN=A OtherDN=D CallState=OK ; D:Abandoned ThisDN=D ThisQueue=C OtherDN=A CallState=OK

# The caller's EventDestinationBusy is *OPT and comes with the parking (profile
# park-destination-busy). Second variant: the destination was busy first (the
# Internal flow's **, its EventDestinationBusy mandatory), then the call is parked there.
flow park | Internal/Inbound Call with Call Parking
party A caller
party B ext
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[park] A:DestinationBusy{park-destination-busy} ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial} CallState=~* ; B:Queued ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[pickup] B:Ringing ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[answer] A:Established ThisDN=A ThisDNRole=Origination OtherDN=B OtherDNRole=Destination ; B:Established ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 2
row[release] A:Released ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial} CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK

flow park | Internal/Inbound Call with Call Parking
party A caller
party B ext
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[deliver] A:DestinationBusy ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial} CallState=*
row[park] B:Queued ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[pickup] B:Ringing ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[answer] A:Established ThisDN=A ThisDNRole=Origination OtherDN=B OtherDNRole=Destination ; B:Established ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 3
row[release] A:Released ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial} CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK

# The caller's EventDialing names B without *DIAL here: mandatory. "RouteCall to C may
# be missing": routed by default. Points * and ** share one row in the document: *
# with no TRouteCall pending, ** with one pending (its EventError follows EventAbandoned,
# as footnote a of the Routing flow says, rule route-error-after-abandoned).
# EventRouteUsed's CallState is not in this table: footnote c of Routing governs it
# (rule route-used-callstate). Its ThirdPartyDN is marked *OPT here, after a TRouteCall
# too: the document wins over TLIB-FACTS' rule for routing points (profile third-party).
flow routequeue | Internal/Inbound Call with Routing (RouteQueue)
party A caller
party B rq
party C ext
bind C route
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B OtherDNRole=Destination
row[deliver] B:Queued ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ; B:RouteRequest ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row[route] B:RouteUsed ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDN=C{third-party} ThirdPartyDNRole=Destination{third-party} CallState=~OK|Redirected ; B:Diverted ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDN=C{third-party} ThirdPartyDNRole=Destination{third-party}
row[deliver] C:Ringing ThisDN=C ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[answer] A:Established ThisDN=A ThisDNRole=Origination OtherDN=C OtherDNRole=Destination ; C:Established ThisDN=C ThisQueue=~B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 2 no-route
row[release] A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B ThisQueue=B OtherDN=A CallState=OK
point ** after 2 route
row[release] A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B ThisQueue=B OtherDN=A CallState=OK
point *** after 3
row[release] A:Released ThisDN=A OtherDN=C CallState=OK
point **** after 4
row[release] A:Released ThisDN=A OtherDN=C CallState=OK ; C:Abandoned ThisDN=C ThisQueue=B OtherDN=A CallState=OK

# EventRouteUsed reports the routing; the delivery it causes (C rings, or the caller's
# EventNetworkReached) follows it, so the document's one row is read as two in that order.
# ** is a release while a TRouteCall is pending: the caller's OtherDN is the route's
# destination C, and EventError follows EventAbandoned (footnote a). * has no TRouteCall
# pending. The document's third and fourth rows are both printed "***": the second,
# with C's EventAbandoned, is ****.
flow routing | Internal/Inbound Call with Routing
party A caller
party B rp
party C ext
bind C route
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[deliver] B:RouteRequest ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row[route] B:RouteUsed ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDN=C{route-b} ThirdPartyDNRole=Destination{third-party} CallState=~OK|Redirected
row[deliver] C:Ringing ThisDN=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[answer] A:Established ThisDN=A ThisDNRole=Origination OtherDN=C OtherDNRole=Destination ; C:Established ThisDN=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 2 no-route
row[release] A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK
point ** after 2 route
row[release] A:Released ThisDN=A OtherDN=C CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK
point *** after 3
row[release] A:Released ThisDN=A OtherDN=C CallState=OK
point **** after 4
row[release] A:Released ThisDN=A OtherDN=C CallState=OK ; C:Abandoned ThisDN=C OtherDN=A CallState=OK

# C is beyond the network: an extension another site monitors (it rings and answers)
# or an outside number (no events). EventNetworkReached is reported by the switch with
# the delivery, or simulated right before EventEstablished (profile network-reached).
# The caller's EventEstablished names C without *OPT: mandatory.
flow routing_outbound | Internal/Inbound Call with Routing Outbound
party A caller
party B rp
party C farend
bind C route
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[deliver] B:RouteRequest ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row[route] B:RouteUsed ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDN=C{route-b} ThirdPartyDNRole=Destination{third-party} CallState=~OK|Redirected
row[deliver] A:NetworkReached{reported} ThisDN=A ThisDNRole=Origination OtherDN=C{dial} OtherDNRole=Destination{dial} ; C:Ringing ThisDN=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[answer] A:NetworkReached{simulated} ThisDN=A ThisDNRole=Origination OtherDN=C{dial} OtherDNRole=Destination{dial} ; A:Established ThisDN=A ThisDNRole=Origination OtherDN=C OtherDNRole=Destination ; C:Established ThisDN=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 2 no-route
row[release] A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK
point ** after 4
row[release] A:Released ThisDN=A OtherDN=C CallState=OK ; C:Abandoned ThisDN=C OtherDN=A CallState=OK

# ** (busy) may come before or after the network is reached; * before it, *** after it
# (the same row). EventDestinationBusy's OtherDN is unmarked: mandatory.
flow outbound | Outbound Call
party A ext
party B external
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[deliver] A:NetworkReached{reported} ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[answer] A:NetworkReached{simulated} ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial} ; A:Established ThisDN=A ThisDNRole=Origination OtherDN=B{outbound-other-dn} OtherDNRole=Destination{outbound-other-dn}
point * after 1
row[release] A:Released ThisDN=A OtherDN=B CallState=OK
point ** after 1
row[remote-busy] A:DestinationBusy ThisDN=A OtherDN=B CallState=*
point ** after 2
row[remote-busy] A:DestinationBusy ThisDN=A OtherDN=B CallState=*
point *** after 2
row[release] A:Released ThisDN=A OtherDN=B CallState=OK

# Drawn for an internal call (B rings): EventDialing names B without *DIAL and carries
# CallState OK. For an outside B the Outbound Call's rows apply, with the hold rows.
flow hold | Connection-Establishing Phase While On Hold
party A ext
party B ext
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B OtherDNRole=Destination CallState=OK
row[deliver] B:Ringing ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row[hold] A:Held ThisDN=A OtherDN=B
row[answer] A:Established ThisDN=A OtherDN=B ; B:Established ThisDN=B OtherDN=A
row[retrieve] A:Retrieved ThisDN=A OtherDN=B CallState=OK

flow hold | Connection-Establishing Phase While On Hold
party A ext
party B external
normal
row[make-call] A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial} CallState=OK
row[deliver] A:NetworkReached{reported} ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial}
row[hold] A:Held ThisDN=A OtherDN=B
row[answer] A:NetworkReached{simulated} ThisDN=A ThisDNRole=Origination OtherDN=B{dial} OtherDNRole=Destination{dial} ; A:Established ThisDN=A OtherDN=B{outbound-other-dn}
row[retrieve] A:Retrieved ThisDN=A OtherDN=B CallState=OK
)flows";

}  // namespace

// ---- The flow table, parsed once ------------------------------------------------------

enum KindBit : uint8_t {
  kExt = 1 << 0,
  kRext = 1 << 1,
  kExternalBit = 1 << 2,
  kAcd = 1 << 3,
  kRp = 1 << 4,
  kRq = 1 << 5,
};

uint8_t kind_bit(DnKind k) {
  switch (k) {
    case DnKind::kExtension: return kExt;
    case DnKind::kRemoteExtension: return kRext;
    case DnKind::kExternal: return kExternalBit;
    case DnKind::kAcdQueue: return kAcd;
    case DnKind::kRoutingPoint: return kRp;
    case DnKind::kRoutingQueue: return kRq;
  }
  return 0;
}

// One alternative of an attribute spec.
struct Alt {
  enum Kind : uint8_t { kParty, kRole, kState, kAny } kind;
  int party = -1;  // 0..3 for A..D
  int value = 0;   // DnRole or CallState
};

// When an attribute must be present. Every value is still checked when present.
enum class Cond : uint8_t {
  kMust,       // listed without a mark: mandatory
  kIfPresent,  // `~`: not listed by the table, but when present it must be right
  kDial,       // *DIAL: present unless T-Server has no information about the party: a DN
               // it monitors is always known; an outside one under profile dial-info off is not
  kOption,     // *OPT or a switch-dependent attribute: present exactly when the option is on
  kRouteB,     // footnote b of Routing: mandatory after a TRouteCall, else as third-party
};

constexpr int kOptDialInfo = 0, kOptThirdParty = 1, kOptNetworkReached = 5;  // indices in profile_options()

struct AttrSpec {
  Attr attr;
  std::vector<Alt> alts;
  Cond cond = Cond::kMust;
  int option = -1;  // kOption: index into profile_options()
};

struct Item {
  int party = 0;
  EventType type = EventType::kError;
  int option = -1;       // the item exists only when option `option` has value `option_value`
  int option_value = 0;  // 0: "on"/"reported", 1: "off"/"simulated"
  std::vector<AttrSpec> attrs;
};

struct Row {
  std::vector<Item> items;
  uint32_t triggers = 0;  // bit per StimulusKind: the stimuli that cause this row
  bool deliver = false;   // the switch's own delivery step causes it
};

struct Pattern {
  std::string key;    // "acd"
  std::string title;  // "Internal/Inbound Call to ACD"
  std::string point;  // "normal", "*", "***", ...
  std::array<uint8_t, 4> kinds{};  // allowed kinds of A..D (0: party unused)
  std::array<uint8_t, 4> binds{};  // 0, or which stimulus names the party: 1 divert, 2 queue, 3 route
  std::vector<Row> rows;
  std::size_t abnormal_from = 0;  // rows from here are the interruption (== rows.size(): normal flow)
  std::size_t after = 0;          // a point: the normal rows it follows
  int route = 0;                  // a point: 1 only with a TRouteCall pending, 2 only without
  const Pattern* normal = nullptr;
  int point_index = -1;  // in documented_flow_points()
  bool is_normal() const { return point == "normal"; }
};

int party_index(char c) {
  CB_ASSERT_MSG(c >= 'A' && c <= 'D', "flow table: party letters are A to D");
  return c - 'A';
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.push_back(part);
    start = end + 1;
  }
  return out;
}

int option_index(std::string_view name) {
  for (int i = 0; i < kProfileOptionCount; ++i) {
    if (name == profile_options()[i].name) return i;
  }
  CB_ASSERT_MSG(false, "flow table: unknown profile option");
  return -1;
}

Alt parse_alt(std::string_view v, Attr attr) {
  if (v == "*") return {Alt::kAny};
  if (v.size() == 1 && v[0] >= 'A' && v[0] <= 'D') return {Alt::kParty, party_index(v[0])};
  if (attr == Attr::kThisDnRole || attr == Attr::kOtherDnRole || attr == Attr::kThirdPartyDnRole) {
    auto role = parse_dn_role(v);
    CB_ASSERT_MSG(role.has_value(), "flow table: bad role");
    return {Alt::kRole, -1, static_cast<int>(*role)};
  }
  auto state = parse_call_state(v);
  CB_ASSERT_MSG(state.has_value(), "flow table: bad value");
  return {Alt::kState, -1, static_cast<int>(*state)};
}

// "{name}" at the end of `s`, removed; "" when none.
std::string_view take_mark(std::string_view* s) {
  if (s->empty() || s->back() != '}') return {};
  std::size_t open = s->rfind('{');
  CB_ASSERT(open != std::string_view::npos);
  std::string_view mark = s->substr(open + 1, s->size() - open - 2);
  *s = s->substr(0, open);
  return mark;
}

Item parse_item(std::string_view text) {
  std::vector<std::string_view> words = split(text, ' ');
  CB_ASSERT(!words.empty() && words[0].size() > 2 && words[0][1] == ':');
  Item item;
  item.party = party_index(words[0][0]);
  std::string_view name = words[0].substr(2);
  std::string_view mark = take_mark(&name);
  if (mark == "reported" || mark == "simulated") {
    item.option = kOptNetworkReached;
    item.option_value = mark == "reported" ? 0 : 1;
  } else if (!mark.empty()) {
    item.option = option_index(mark);
  }
  auto type = parse_event_name(std::string("Event") + std::string(name));
  CB_ASSERT_MSG(type.has_value(), "flow table: bad event name");
  item.type = *type;
  for (std::size_t i = 1; i < words.size(); ++i) {
    std::size_t eq = words[i].find('=');
    CB_ASSERT(eq != std::string_view::npos);
    auto attr = parse_attr_name(words[i].substr(0, eq));
    CB_ASSERT_MSG(attr.has_value(), "flow table: bad attribute");
    std::string_view spec = words[i].substr(eq + 1);
    AttrSpec a{*attr, {}};
    std::string_view m = take_mark(&spec);
    if (m == "dial") {
      a.cond = Cond::kDial;
    } else if (m == "route-b") {
      a.cond = Cond::kRouteB;
    } else if (!m.empty()) {
      a.cond = Cond::kOption;
      a.option = option_index(m);
    } else if (!spec.empty() && spec.front() == '~') {
      a.cond = Cond::kIfPresent;
      spec.remove_prefix(1);
    }
    for (std::string_view v : split(spec, '|')) a.alts.push_back(parse_alt(v, *attr));
    item.attrs.push_back(std::move(a));
  }
  return item;
}

uint32_t trigger_bits(std::string_view name, bool* deliver) {
  auto bit = [](StimulusKind k) { return 1u << static_cast<int>(k); };
  using K = StimulusKind;
  if (name == "deliver") {
    *deliver = true;
    return 0;
  }
  if (name == "make-call") return bit(K::kMakeCall) | bit(K::kInbound);
  if (name == "queue") return bit(K::kQueue);
  if (name == "divert") return bit(K::kDivert);
  if (name == "route") return bit(K::kRouteCall) | bit(K::kRouteTimeout);
  if (name == "park") return bit(K::kPark);
  if (name == "pickup") return bit(K::kPickup);
  if (name == "answer") return bit(K::kAnswerCall) | bit(K::kRemoteAnswer);
  if (name == "hold") return bit(K::kHoldCall);
  if (name == "retrieve") return bit(K::kRetrieveCall);
  if (name == "release") return bit(K::kReleaseCall) | bit(K::kRemoteRelease);
  if (name == "remote-busy") return bit(K::kRemoteBusy);
  CB_ASSERT_MSG(false, "flow table: unknown trigger");
  return 0;
}

Row parse_row(std::string_view head, std::string_view text) {
  Row row;
  CB_ASSERT(head.size() > 5 && head.substr(0, 4) == "row[" && head.back() == ']');
  for (std::string_view t : split(head.substr(4, head.size() - 5), ',')) row.triggers |= trigger_bits(t, &row.deliver);
  for (std::string_view item : split(text, ';')) row.items.push_back(parse_item(item));
  return row;
}

std::vector<Pattern> parse_flows() {
  std::vector<Pattern> out;
  out.reserve(64);  // pointers to normals stay valid
  Pattern flow;     // the flow being read: parties and normal rows
  Pattern* current = nullptr;
  for (std::string_view line : split(kFlows, '\n')) {
    if (line[0] == '#') continue;
    if (line.substr(0, 5) == "flow ") {
      std::vector<std::string_view> head = split(line.substr(5), '|');
      flow = Pattern{};
      flow.key = std::string(head[0]);
      flow.title = std::string(head[1]);
      flow.point = "normal";
      current = nullptr;
    } else if (line.substr(0, 6) == "party ") {
      std::vector<std::string_view> w = split(line.substr(6), ' ');
      uint8_t bits = w[1] == "caller"     ? (kExt | kRext | kExternalBit)
                     : w[1] == "ext"      ? kExt
                     : w[1] == "farend"   ? (kRext | kExternalBit)
                     : w[1] == "external" ? kExternalBit
                     : w[1] == "acd"      ? kAcd
                     : w[1] == "rp"       ? kRp
                     : w[1] == "rq"       ? kRq
                                          : 0;
      CB_ASSERT_MSG(bits != 0, "flow table: bad party kind");
      flow.kinds[static_cast<std::size_t>(party_index(w[0][0]))] = bits;
    } else if (line.substr(0, 5) == "bind ") {
      std::vector<std::string_view> w = split(line.substr(5), ' ');
      uint8_t by = w[1] == "divert" ? 1 : w[1] == "queue" ? 2 : w[1] == "route" ? 3 : 0;
      CB_ASSERT_MSG(by != 0, "flow table: bad bind");
      flow.binds[static_cast<std::size_t>(party_index(w[0][0]))] = by;
    } else if (line == "normal") {
      out.push_back(flow);
      current = &out.back();
    } else if (line.substr(0, 6) == "point ") {
      std::vector<std::string_view> w = split(line.substr(6), ' ');
      CB_ASSERT(w.size() >= 3 && w[1] == "after");
      Pattern p = flow;
      p.point = std::string(w[0]);
      p.after = static_cast<std::size_t>(std::stoi(std::string(w[2])));
      if (w.size() == 4) p.route = w[3] == "route" ? 1 : 2;
      const Pattern* normal = nullptr;
      for (const Pattern& q : out) {
        if (q.key == flow.key && q.is_normal()) normal = &q;  // the latest variant
      }
      CB_ASSERT(normal && p.after <= normal->rows.size());
      p.rows.assign(normal->rows.begin(), normal->rows.begin() + static_cast<std::ptrdiff_t>(p.after));
      p.abnormal_from = p.after;
      p.normal = normal;
      out.push_back(std::move(p));
      current = &out.back();
    } else if (line.substr(0, 4) == "row[") {
      CB_ASSERT(current);
      std::size_t sp = line.find(' ');
      current->rows.push_back(parse_row(line.substr(0, sp), line.substr(sp + 1)));
    } else {
      CB_ASSERT_MSG(false, "flow table: unknown line");
    }
  }
  std::vector<std::string> names;
  for (Pattern& p : out) {
    if (p.is_normal()) {
      p.abnormal_from = p.rows.size();
      p.normal = &p;
    }
    std::string name = p.key + " " + p.point;
    auto it = std::find(names.begin(), names.end(), name);
    p.point_index = static_cast<int>(it - names.begin());
    if (it == names.end()) names.push_back(name);
  }
  return out;
}

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> all = parse_flows();
  return all;
}

// The patterns whose parties A and B admit a call from a DN of kind `a` to one of kind
// `b`: computed once, so a call is matched against its few candidate flows only.
const std::vector<const Pattern*>& candidates(DnKind a, DnKind b) {
  static const auto table = [] {
    std::array<std::array<std::vector<const Pattern*>, kDnKindCount>, kDnKindCount> t;
    for (int x = 0; x < kDnKindCount; ++x) {
      for (int y = 0; y < kDnKindCount; ++y) {
        for (const Pattern& p : patterns()) {
          if ((p.kinds[0] & kind_bit(static_cast<DnKind>(x))) && (p.kinds[1] & kind_bit(static_cast<DnKind>(y)))) {
            t[static_cast<std::size_t>(x)][static_cast<std::size_t>(y)].push_back(&p);
          }
        }
      }
    }
    return t;
  }();
  return table[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)];
}

// ---- Matching -------------------------------------------------------------------------

struct Binding {
  std::array<DnId, 4> dn{kNoDn, kNoDn, kNoDn, kNoDn};
};

// What the session tells of one call beyond its events: the parties the stimuli name and
// how it was routed.
struct CallFacts {
  DnId caller = kNoDn, dialed = kNoDn;
  std::array<DnId, 4> bound_by{kNoDn, kNoDn, kNoDn, kNoDn};  // by Pattern::binds value
  bool by_request = false;     // its EventRouteUsed answers a TRouteCall
  bool route_pending = false;  // the caller hung up while a TRouteCall was pending
};

struct MatchResult {
  std::size_t consumed = 0;  // events matched
  std::size_t rows = 0;      // rows matched
  bool complete = false;     // every row matched
  bool attrs_ok = true;
  std::size_t limit = SIZE_MAX;  // rows from here are beyond the document for this call
  uint16_t seen = 0;        // unknown profile: bit 2i+v, option i seen with value v
  Binding binding;          // the parties' DNs at the end
  std::string bad;          // the first attribute that differs
  uint32_t bad_seq = 0;
  EventType bad_type = EventType::kError;
};

struct Search {
  const Pattern* pattern = nullptr;
  const Row* row = nullptr;
  std::size_t pos = 0, m = 0;
  std::vector<const Item*> items;
  std::vector<bool> required;
  std::vector<int> choice;
  bool found = false;
  Binding best_binding;
  uint16_t best_seen = 0;
  std::string best_bad;
  uint32_t best_seq = 0;
  EventType best_type = EventType::kError;
};

struct MatchBuffers {
  Search search;
  std::vector<MatchResult> results;
};

class Matcher {
 public:
  using Buffers = MatchBuffers;
  Matcher(const Session& session, Buffers* buffers) : session_(session), config_(session.config), buffers_(buffers) {}

  MatchResult match(const Pattern& p, const std::vector<const Event*>& events, const CallFacts& facts) {
    events_ = &events;
    facts_ = &facts;
    MatchResult r;
    if (!fits(p, 0, facts.caller) || !fits(p, 1, facts.dialed)) return r;
    if (p.route == 1 && !facts.route_pending) return r;
    if (p.route == 2 && facts.route_pending) return r;
    Binding b;
    b.dn[0] = facts.caller;
    b.dn[1] = facts.dialed;
    // Parties a stimulus names; one whose DN the party cannot be ends the documented
    // part of the flow at the row that stimulus causes (a route to an ACD queue, ...).
    for (std::size_t x = 2; x < 4; ++x) {
      uint8_t by = p.binds[x];
      if (by == 0) continue;
      DnId d = facts.bound_by[by];
      if (d == kNoDn) continue;
      bool taken = std::find(b.dn.begin(), b.dn.end(), d) != b.dn.end();
      if (fits(p, static_cast<int>(x), d) && !taken) {
        b.dn[x] = d;
        continue;
      }
      uint32_t trig = by == 1 ? 1u << static_cast<int>(StimulusKind::kDivert)
                      : by == 2 ? 1u << static_cast<int>(StimulusKind::kQueue)
                                : 1u << static_cast<int>(StimulusKind::kRouteCall);
      const Pattern& normal = *p.normal;  // a point's own rows are the normal's first
      for (std::size_t ri = 0; ri < normal.rows.size(); ++ri) {
        if (normal.rows[ri].triggers & trig) {
          r.limit = std::min(r.limit, ri);
          break;
        }
      }
    }
    std::size_t pos = 0, abnormal_used = 0;
    for (std::size_t ri = 0; ri < p.rows.size() && ri < r.limit; ++ri) {
      std::size_t used = 0;
      std::string bad;
      uint32_t bad_seq = 0;
      EventType bad_type = EventType::kError;
      uint16_t seen = 0;
      if (!match_row(p, p.rows[ri], pos, &b, &used, &bad, &bad_seq, &bad_type, &seen)) break;
      r.seen |= seen;
      if (!bad.empty() && r.attrs_ok) {
        r.attrs_ok = false;
        r.bad = "row " + std::to_string(ri + 1) + ": " + bad;
        r.bad_seq = bad_seq;
        r.bad_type = bad_type;
      }
      pos += used;
      if (ri >= p.abnormal_from) abnormal_used += used;
      ++r.rows;
    }
    r.consumed = pos;
    r.binding = b;
    r.complete = r.rows == p.rows.size();
    // An interruption point is reached only when its own rows showed an event (a hang-up
    // of an outside caller alone is no sign of where the call was).
    if (!p.is_normal() && r.complete && abnormal_used == 0) r.complete = false;
    return r;
  }

 private:
  bool fits(const Pattern& p, int party, DnId dn) const {
    return dn < config_.topology.dns.size() &&
           (p.kinds[static_cast<std::size_t>(party)] & kind_bit(config_.topology.dns[dn].kind)) != 0;
  }
  bool monitored(DnId dn) const { return config_.topology.dns[dn].kind != DnKind::kExternal; }
  // An observed stream's topology is read off its events: a DN that got none reads as
  // outside, though it may be an extension the call never reached. Named in an
  // attribute, it may be any party an extension could be.
  bool unseen_may_be(int party, DnId dn) const {
    const Pattern& p = *buffers_->search.pattern;
    return session_.observed && dn < config_.topology.dns.size() &&
           config_.topology.dns[dn].kind == DnKind::kExternal &&
           (p.kinds[static_cast<std::size_t>(party)] & (kExt | kRext)) != 0;
  }
  // The profile's value of option i (0: on/reported, 1: off/simulated), -1 unknown.
  int option(int i) const { return session_.profile_known ? profile_option_value(config_.profile, i) : -1; }

  bool match_row(const Pattern& p, const Row& row, std::size_t pos, Binding* b, std::size_t* used, std::string* bad,
                 uint32_t* bad_seq, EventType* bad_type, uint16_t* seen) {
    Search& s = buffers_->search;
    s.pattern = &p;
    s.row = &row;
    s.pos = pos;
    s.items.clear();
    s.required.clear();
    std::size_t required = 0;
    for (const Item& it : row.items) {
      DnId bound = b->dn[static_cast<std::size_t>(it.party)];
      bool outside_party = (p.kinds[static_cast<std::size_t>(it.party)] & kExternalBit) != 0;
      if (bound != kNoDn && !monitored(bound) && outside_party) continue;  // an external party: no events
      bool req = true;
      if (it.option >= 0) {
        int v = option(it.option);
        if (v >= 0 && v != it.option_value) continue;  // the profile's other alternative
        if (v < 0) req = false;                        // unknown profile: either
      }
      bool may_be_external = (p.kinds[static_cast<std::size_t>(it.party)] & kExternalBit) != 0;
      if (bound == kNoDn && may_be_external) req = false;
      s.items.push_back(&it);
      s.required.push_back(req);
      required += req;
    }
    std::size_t available = events_->size() - pos;
    for (std::size_t m = std::min(s.items.size(), available) + 1; m-- > 0;) {
      if (m < required) break;
      s.m = m;
      s.choice.assign(m, -1);
      s.found = false;
      assign(&s, 0, *b);
      if (s.found) {
        *b = s.best_binding;
        *used = m;
        *bad = s.best_bad;
        *bad_seq = s.best_seq;
        *bad_type = s.best_type;
        *seen = s.best_seen;
        return true;
      }
    }
    return false;
  }

  // Assigns event pos+k onward to unused items, depth first; keeps the first complete
  // assignment, or a later one whose attributes all match.
  void assign(Search* s, std::size_t k, const Binding& b) {
    if (s->found && s->best_bad.empty()) return;
    if (k == s->m) {
      for (std::size_t i = 0; i < s->items.size(); ++i) {
        if (s->required[i] && std::find(s->choice.begin(), s->choice.end(), static_cast<int>(i)) == s->choice.end()) {
          return;  // a required item got no event
        }
      }
      for (std::size_t i = 0; i < s->m; ++i) {
        if (!caused_by_row(*s->row, *(*events_)[s->pos + i])) return;  // another stimulus's doing
      }
      Binding nb = b;
      std::string bad;
      uint32_t seq = 0;
      EventType type = EventType::kError;
      uint16_t seen = 0;
      for (std::size_t i = 0; i < s->items.size(); ++i) {
        const Item& it = *s->items[i];
        if (it.option < 0 || option(it.option) >= 0) continue;
        bool present = std::find(s->choice.begin(), s->choice.end(), static_cast<int>(i)) != s->choice.end();
        int v = present ? it.option_value : 1 - it.option_value;
        seen = static_cast<uint16_t>(seen | (1u << (2 * it.option + v)));
      }
      for (std::size_t i = 0; i < s->m && bad.empty(); ++i) {
        const Event& e = *(*events_)[s->pos + i];
        bad = check_attrs(*s->items[static_cast<std::size_t>(s->choice[i])], e, &nb, &seen);
        seq = e.seq;
        type = e.type;
      }
      if (!s->found || (!s->best_bad.empty() && bad.empty())) {
        s->found = true;
        s->best_binding = nb;
        s->best_bad = bad;
        s->best_seq = seq;
        s->best_type = type;
        s->best_seen = seen;
      }
      return;
    }
    const Event& e = *(*events_)[s->pos + k];
    for (std::size_t i = 0; i < s->items.size(); ++i) {
      auto used_before = s->choice.begin() + static_cast<std::ptrdiff_t>(k);
      if (std::find(s->choice.begin(), used_before, static_cast<int>(i)) != used_before) continue;
      const Item& it = *s->items[i];
      if (it.type != e.type) continue;
      auto party = static_cast<std::size_t>(it.party);
      Binding nb = b;
      if (nb.dn[party] == kNoDn) {
        if (!fits(*s->pattern, it.party, e.this_dn)) continue;
        if (std::find(nb.dn.begin(), nb.dn.end(), e.this_dn) != nb.dn.end()) continue;
        nb.dn[party] = e.this_dn;
      } else if (nb.dn[party] != e.this_dn) {
        continue;
      }
      s->choice[k] = static_cast<int>(i);
      assign(s, k + 1, nb);
    }
  }

  std::string name(DnId d) const { return config_.topology.valid(d) ? config_.topology.dns[d].name : "(none)"; }

  // With stimuli known, a row's events come from a stimulus the row has: its own (a
  // carried-out TRouteCall fires at step/resume when paused), or, for a delivery by the
  // switch, the stimulus that sent the call on or the timing control that let it go.
  bool caused_by_row(const Row& row, const Event& e) const {
    if (session_.observed) return true;
    if (e.request_seq < 1 || e.request_seq > session_.stimuli.size()) return false;
    StimulusKind k = session_.stimuli[e.request_seq - 1].kind;
    uint32_t bit = 1u << static_cast<int>(k);
    bool timing = k == StimulusKind::kStep || k == StimulusKind::kResume;
    if (row.triggers & bit) return true;
    constexpr uint32_t route = (1u << static_cast<int>(StimulusKind::kRouteCall));
    if ((row.triggers & route) && timing) return true;
    if (!row.deliver) return false;
    using K = StimulusKind;
    return timing || k == K::kMakeCall || k == K::kInbound || k == K::kDivert || k == K::kRouteCall ||
           k == K::kRouteTimeout;
  }

  // Whether the attribute must be present (1), must be absent (0), or either (-1, with
  // the alternative it shows recorded in *seen).
  int presence(const Item& it, const AttrSpec& a, const Binding& b, bool present, uint16_t* seen) const {
    auto by_option = [&](int i, bool on_means_present) {
      int v = option(i);
      if (v < 0) {
        int shown = present == on_means_present ? 0 : 1;
        *seen = static_cast<uint16_t>(*seen | (1u << (2 * i + shown)));
        return -1;
      }
      return (v == 0) == on_means_present ? 1 : 0;
    };
    switch (a.cond) {
      case Cond::kMust: return 1;
      case Cond::kIfPresent: return -1;
      case Cond::kDial: {
        // The party *DIAL is about: this attribute's, or (for a role) its DN's.
        const AttrSpec* named = &a;
        if (a.alts.empty() || a.alts[0].kind != Alt::kParty) {
          for (const AttrSpec& o : it.attrs) {
            if (o.cond == Cond::kDial && !o.alts.empty() && o.alts[0].kind == Alt::kParty) named = &o;
          }
        }
        DnId party = named->alts.empty() || named->alts[0].kind != Alt::kParty
                         ? kNoDn
                         : b.dn[static_cast<std::size_t>(named->alts[0].party)];
        if (party != kNoDn && monitored(party)) return 1;  // T-Server knows a DN it monitors
        return by_option(kOptDialInfo, true);
      }
      case Cond::kOption: return by_option(a.option, true);
      case Cond::kRouteB:
        if (facts_->by_request) return 1;
        return by_option(kOptThirdParty, true);
    }
    return 1;
  }

  // "" when every listed attribute is as specified, else what differs. Binds a party an
  // attribute names for the first time (it must be a DN that party can be).
  std::string check_attrs(const Item& it, const Event& e, Binding* b, uint16_t* seen) const {
    for (const AttrSpec& a : it.attrs) {
      bool present = e.has(a.attr);
      int must = presence(it, a, *b, present, seen);
      bool ok;
      if (!present) {
        ok = must != 1;
      } else if (must == 0) {
        ok = false;
      } else {
        ok = false;
        for (const Alt& alt : a.alts) {
          switch (alt.kind) {
            case Alt::kAny: ok = true; break;
            case Alt::kParty: {
              auto x = static_cast<std::size_t>(alt.party);
              DnId got = dn_value(e, a.attr);
              if (b->dn[x] == kNoDn) {
                bool taken = std::find(b->dn.begin(), b->dn.end(), got) != b->dn.end();
                if (!taken && (fits(*buffers_->search.pattern, alt.party, got) || unseen_may_be(alt.party, got))) {
                  b->dn[x] = got;  // the party shows itself here first
                  ok = true;
                }
              } else {
                ok = ok || got == b->dn[x];
              }
              break;
            }
            case Alt::kRole: ok = ok || static_cast<int>(role_value(e, a.attr)) == alt.value; break;
            case Alt::kState: ok = ok || static_cast<int>(e.call_state) == alt.value; break;
          }
        }
      }
      if (!ok) {
        std::string want;
        if (must == 0) want = "absent";
        for (const Alt& alt : a.alts) {
          if (must == 0) break;
          if (!want.empty()) want += " or ";
          switch (alt.kind) {
            case Alt::kAny: want += "present"; break;
            case Alt::kParty:
              want += std::string(1, static_cast<char>('A' + alt.party)) + " (" +
                      name(b->dn[static_cast<std::size_t>(alt.party)]) + ")";
              break;
            case Alt::kRole: want += dn_role_name(static_cast<DnRole>(alt.value)); break;
            case Alt::kState: want += call_state_name(static_cast<CallState>(alt.value)); break;
          }
        }
        return std::string(event_name(e.type)) + " #" + std::to_string(e.seq) + " at " + name(e.this_dn) + ": " +
               attr_name(a.attr) + " is " + (present ? attr_value_text(e, a.attr, config_) : std::string("absent")) +
               ", the document says " + want;
      }
    }
    // Attributes the row does not list: the table's silence is not a licence. Third-party
    // attributes and ThisQueue appear only where a row lists them (TLIB-FACTS: ThisQueue
    // is not reported on non-ACD calls); an unlisted CallState is OK (the document names
    // every other value where it occurs); a party keeps its role (A Origination, the
    // others Destination) and names the other side's.
    for (int ai = 0; ai < kAttrCount; ++ai) {
      auto a = static_cast<Attr>(ai);
      if (!e.has(a)) continue;
      bool listed = false;
      for (const AttrSpec& spec : it.attrs) listed = listed || spec.attr == a;
      if (listed) continue;
      bool caller = it.party == 0;
      std::string why;
      switch (a) {
        case Attr::kThirdPartyDn:
        case Attr::kThirdPartyDnRole:
        case Attr::kThirdPartyQueue:
        case Attr::kThisQueue:
        case Attr::kErrorCode: why = "is not in the document's row"; break;
        case Attr::kCallState:
          if (e.call_state != CallState::kOk) why = "is not OK, and the document's row names no other value";
          break;
        case Attr::kThisDnRole:
          if (e.this_role != (caller ? DnRole::kOrigination : DnRole::kDestination)) why = "is not this party's role";
          break;
        case Attr::kOtherDnRole:
          if (e.other_role != (caller ? DnRole::kDestination : DnRole::kOrigination)) why = "is not the other side's role";
          break;
        case Attr::kOtherDn:
          if (!caller && b->dn[0] != kNoDn && e.other_dn != b->dn[0]) why = "does not name the caller A";
          break;
        default: break;
      }
      if (!why.empty()) {
        return std::string(event_name(e.type)) + " #" + std::to_string(e.seq) + " at " + name(e.this_dn) + ": " +
               attr_name(a) + " " + attr_value_text(e, a, config_) + " " + why;
      }
    }
    return "";
  }

  static DnId dn_value(const Event& e, Attr a) {
    switch (a) {
      case Attr::kThisDn: return e.this_dn;
      case Attr::kThisQueue: return e.this_queue;
      case Attr::kOtherDn: return e.other_dn;
      case Attr::kThirdPartyDn: return e.third_party_dn;
      case Attr::kThirdPartyQueue: return e.third_party_queue;
      default: return kNoDn;
    }
  }
  static DnRole role_value(const Event& e, Attr a) {
    return a == Attr::kThisDnRole ? e.this_role : a == Attr::kOtherDnRole ? e.other_role : e.third_party_role;
  }

  const Session& session_;
  const SessionConfig& config_;
  const std::vector<const Event*>* events_ = nullptr;
  const CallFacts* facts_ = nullptr;
  Buffers* buffers_;
};

// What the stimuli tell of call `c` (nothing in an observed stream but what its events
// show): the DNs the divert, the second queue and the route name, and how it was routed.
CallFacts Judge::call_facts(CallId c, const std::vector<const Event*>& events) const {
  CallFacts f;
  f.caller = calls_[c].caller;
  f.dialed = calls_[c].dialed;
  const auto& st = session_.stimuli;
  auto cause = [&](const Event* e) -> const Stimulus* {
    return e->request_seq >= 1 && e->request_seq <= st.size() ? &st[e->request_seq - 1] : nullptr;
  };
  const Event* released = nullptr;
  const Event* route_used = nullptr;
  int queues = 0;
  for (const Event* e : events) {
    const Stimulus* s = cause(e);
    if (e->type == EventType::kDiverted && f.bound_by[1] == kNoDn && s && s->kind == StimulusKind::kDivert) {
      f.bound_by[1] = s->dn2;
    }
    if (e->type == EventType::kQueued && kind(e->this_dn) == DnKind::kAcdQueue && ++queues == 2 && s &&
        s->kind == StimulusKind::kQueue) {
      f.bound_by[2] = s->dn;
    }
    if (e->type == EventType::kRouteUsed && !route_used) route_used = e;
    if (e->type == EventType::kReleased && e->this_dn == f.caller && !released) released = e;
  }
  if (session_.observed) {
    f.by_request = route_used && route_used->has(Attr::kReferenceId);
    if (released) {
      for (const Event& e : events_) {
        if (e.type == EventType::kError && e.call == c && e.seq > released->seq && e.has(Attr::kReferenceId)) {
          f.route_pending = !route_used;
        }
      }
    }
    return f;
  }
  // An outside caller hangs up with no event of its own: its remote-release is the hang-up.
  uint32_t release_seq = released ? released->request_seq : 0;
  if (!released && !calls_[c].caller_monitored) {
    for (std::size_t i = 0; i < st.size() && release_seq == 0; ++i) {
      bool events_after = false;
      for (const Event* e : events) events_after = events_after || e->request_seq == i + 1;
      if (st[i].kind == StimulusKind::kRemoteRelease && st[i].call == c && events_after) release_seq = static_cast<uint32_t>(i + 1);
    }
  }
  // The last accepted TRouteCall (not answered by EventError in its own stimulus) before
  // the route was carried out, or before the caller hung up.
  uint32_t until = route_used ? route_used->request_seq : release_seq != 0 ? release_seq : UINT32_MAX;
  const Stimulus* route = nullptr;
  for (std::size_t i = 0; i < st.size() && i + 1 <= until; ++i) {
    const Stimulus& s = st[i];
    if (s.kind != StimulusKind::kRouteCall || s.call != c) continue;
    bool refused = false;
    for (const Event& e : events_) {
      if (e.type == EventType::kError && e.request_seq == i + 1 && e.reference_id == s.reference_id) refused = true;
    }
    if (!refused && (i + 1 < until || release_seq == 0 || route_used)) route = &s;
  }
  if (route_used) {
    const Stimulus* s = cause(route_used);
    if (s && s->kind == StimulusKind::kRouteTimeout && s->call == c) {
      f.bound_by[3] = s->dn2;
    } else if (route) {
      f.bound_by[3] = route->dn2;
      f.by_request = true;
    }
  } else if (route) {
    f.bound_by[3] = route->dn2;
    f.by_request = true;
    f.route_pending = release_seq != 0;
  }
  return f;
}

void Judge::flows() {
  std::vector<std::vector<const Event*>>& by_call = scratch_.by_call;
  if (by_call.size() < calls_.size()) by_call.resize(calls_.size());
  for (std::size_t c = 0; c < calls_.size(); ++c) by_call[c].clear();
  for (const Event& e : events_) {
    if (e.type != EventType::kError && e.call < calls_.size()) by_call[e.call].push_back(&e);
  }
  thread_local Matcher::Buffers buffers;
  Matcher m(session_, &buffers);
  std::vector<MatchResult>& results = buffers.results;
  uint16_t seen_all = seen_;
  for (std::size_t c = 0; c < calls_.size(); ++c) {
    if (by_call[c].empty() || calls_[c].caller == kNoDn || calls_[c].dialed == kNoDn) continue;
    const auto& events = by_call[c];
    CallFacts facts = call_facts(static_cast<CallId>(c), events);
    const auto& candidate = candidates(kind(facts.caller), kind(facts.dialed));
    results.assign(candidate.size(), MatchResult{});
    for (std::size_t i = 0; i < candidate.size(); ++i) results[i] = m.match(*candidate[i], events, facts);
    // 1. A flow or point that accounts for every event (a normal flow's conversation may
    //    go on after its last row: the generic rules judge that). 2. A normal flow the
    //    events are a beginning of (the call is still under way). 3. Neither: the call
    //    departs from the document at its first unmatched event.
    auto rank = [&](std::size_t i) {
      const MatchResult& r = results[i];
      const Pattern& p = *candidate[i];
      bool all = r.consumed == events.size();
      // What follows a finished flow is the conversation and its end, at the call's parties
      // (the generic rules judge it); a new party after it is no conversation.
      bool after_ok = true;
      for (std::size_t k = r.consumed; k < events.size() && after_ok; ++k) {
        const Event& e = *events[k];
        bool party = std::find(r.binding.dn.begin(), r.binding.dn.end(), e.this_dn) != r.binding.dn.end();
        bool talk = e.type == EventType::kReleased || e.type == EventType::kHeld || e.type == EventType::kRetrieved ||
                    e.type == EventType::kAbandoned;
        after_ok = party && talk;
      }
      if (r.complete && (all || after_ok)) return 3;
      if (all && p.is_normal() && r.limit == SIZE_MAX) return 2;
      return 1;
    };
    std::size_t best = candidate.size();
    int best_rank = 0;
    for (std::size_t i = 0; i < candidate.size(); ++i) {
      const MatchResult& r = results[i];
      int k = rank(i);
      if (best == candidate.size()) {
        best = i;
        best_rank = k;
        continue;
      }
      const MatchResult& b = results[best];
      bool better = k > best_rank ||
                    (k == best_rank && (r.consumed > b.consumed || (r.consumed == b.consumed && r.attrs_ok && !b.attrs_ok)));
      if (better) {
        best = i;
        best_rank = k;
      }
    }
    CallFlow f;
    f.call = static_cast<CallId>(c);
    if (best == candidate.size()) {
      out_.flows.push_back(std::move(f));
      continue;
    }
    const Pattern& bp = *candidate[best];
    const MatchResult& br = results[best];
    seen_all = static_cast<uint16_t>(seen_all | br.seen);
    if (best_rank == 3) {
      f.point = bp.point_index;
      f.flow = bp.title.c_str();
      f.stars = bp.point.c_str();
      for (std::size_t i = 0; i < candidate.size(); ++i) {
        int idx = candidate[i]->point_index;
        if (i != best && candidate[i]->key != bp.key && rank(i) == 3 && results[i].consumed == br.consumed &&
            results[i].attrs_ok == br.attrs_ok && std::find(f.also.begin(), f.also.end(), idx) == f.also.end()) {
          f.also.push_back(idx);
        }
      }
    } else if (best_rank == 2) {
      f.in_progress = true;
      f.flow = bp.title.c_str();
    } else {
      // Every flow the events follow as far: the departure is a violation if any of
      // them has the departing stimulus here.
      for (std::size_t i = 0; i < candidate.size(); ++i) {
        if (results[i].consumed == br.consumed && rank(i) == 1 &&
            departure(static_cast<CallId>(c), events, *candidate[i], results[i])) {
          break;
        }
      }
    }
    if (!br.attrs_ok) {
      Violation v;
      v.rule = "documented-attributes";
      for (const Event* e : events) {
        if (e->seq == br.bad_seq) v.request_seq = e->request_seq;
      }
      v.event_seqs.push_back(br.bad_seq);
      v.first_event = br.bad_type;
      v.has_event = true;
      v.state = bp.key + " " + bp.point;
      v.message = "call " + call(static_cast<CallId>(c)) + " follows '" + bp.title + "' (" + bp.point + "), " + br.bad;
      out_.violations.push_back(std::move(v));
    }
    out_.flows.push_back(std::move(f));
  }
  // An unknown profile: one alternative of each option throughout the session.
  for (int i = 0; i < kProfileOptionCount; ++i) {
    if (((seen_all >> (2 * i)) & 3u) == 3u) {
      const ProfileOption& o = profile_options()[i];
      violate("switch-profile", 0, nullptr, "",
              std::string("the session shows both alternatives of '") + o.name + "' (" + o.values[0] + " and " +
                  o.values[1] + "); a switch takes one");
    }
  }
}

// The call's events leave every documented flow at events[r.consumed]. That is a
// violation when the stimulus that caused that event is one the document has at this
// point of the flow (the next row's, or the caller's hang-up where an interruption point
// starts), or when no stimuli are known; a stimulus the document does not have here takes
// the call beyond the document, where the generic rules alone judge it.
bool Judge::departure(CallId c, const std::vector<const Event*>& events, const Pattern& p, const MatchResult& r) {
  const Event* d = r.consumed < events.size() ? events[r.consumed] : nullptr;
  const Pattern& normal = *p.normal;
  std::size_t row = p.is_normal() ? r.rows : std::min(r.rows, p.after);
  bool due = session_.observed;
  if (!due && d && d->request_seq >= 1 && d->request_seq <= session_.stimuli.size() && row < SIZE_MAX &&
      row < r.limit) {
    const Stimulus& s = session_.stimuli[d->request_seq - 1];
    uint32_t bit = 1u << static_cast<int>(s.kind);
    bool names_call = shape_of(s.kind).has_call && s.call == c;
    if (!p.is_normal() && r.complete) return false;  // after an interruption point the document says no more
    if (!p.is_normal() && r.rows >= p.after) due = names_call && (p.rows[p.after].triggers & bit);
    if (row < normal.rows.size()) {
      const Row& next = normal.rows[row];
      if ((next.triggers & bit) && names_call) due = true;
      // A delivery happens within the stimulus that sent the call on (or the timing
      // control that let it go). It may find its destination busy: beyond the document
      // but for Internal **.
      using K = StimulusKind;
      bool busy = d->type == EventType::kDestinationBusy;
      bool timing = s.kind == K::kStep || s.kind == K::kResume;
      bool sends = names_call && (s.kind == K::kMakeCall || s.kind == K::kInbound || s.kind == K::kDivert ||
                                  s.kind == K::kRouteCall || s.kind == K::kRouteTimeout);
      if (next.deliver && !busy && (timing || sends)) due = true;
    }
    bool hangup = (s.kind == StimulusKind::kReleaseCall && s.dn == calls_[c].caller) ||
                  (s.kind == StimulusKind::kRemoteRelease && !calls_[c].caller_monitored);
    if (hangup && names_call) {
      bool pending = call_facts(c, events).route_pending;
      for (const Pattern& q : patterns()) {
        bool route_ok = q.route == 0 || (q.route == 1) == pending;
        if (q.normal == &normal && !q.is_normal() && q.after == row && route_ok) due = true;
      }
    }
  }
  if (!due) return false;
  std::string expected;
  if (row < normal.rows.size()) {
    for (const Item& it : normal.rows[row].items) {
      if (!expected.empty()) expected += ", ";
      expected += std::string(1, static_cast<char>('A' + it.party)) + ":" + event_name(it.type);
    }
  }
  Violation v;
  v.rule = "documented-flow";
  v.request_seq = d ? d->request_seq : 0;
  if (d) {
    v.event_seqs.push_back(d->seq);
    v.first_event = d->type;
    v.has_event = true;
  }
  v.state = normal.key + " row " + std::to_string(row + 1);
  v.message = "call " + call(c) + " follows '" + normal.title + "' for " + std::to_string(row) + " rows, then " +
              (d ? describe(*d) : std::string("nothing")) + " where the document has " +
              (expected.empty() ? std::string("no further event") : expected);
  out_.violations.push_back(std::move(v));
  return true;
}

}  // namespace oracle

const std::vector<std::string>& documented_flow_points() {
  static const std::vector<std::string> points = [] {
    std::vector<std::string> out;
    for (const oracle::Pattern& p : oracle::patterns()) {
      std::string name = p.key + " " + p.point;
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
  }();
  return points;
}

}  // namespace callbench
