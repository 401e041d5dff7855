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
// The matcher is core/oracle_match.cc; the verdict (which flow each call followed, and
// departures from it) core/oracle_verdict.cc.
#include "core/oracle_flow_table.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/assert.h"
#include "core/oracle.h"

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
    item.listed = static_cast<uint16_t>(item.listed | (1u << static_cast<int>(a.attr)));
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
  for (std::string_view t : split(head.substr(4, head.size() - 5), ','))
    row.triggers |= trigger_bits(t, &row.deliver);
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
      flow.normal_flow = true;
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
      p.normal_flow = p.point == "normal";
      p.after = static_cast<std::size_t>(std::stoi(std::string(w[2])));
      if (w.size() == 4) p.route = w[3] == "route" ? 1 : 2;
      const Pattern* normal = nullptr;
      for (const Pattern& q : out) {
        if (q.key == flow.key && q.is_normal()) normal = &q;  // the latest variant
      }
      CB_ASSERT(normal && p.after <= normal->rows.size());
      p.rows.assign(normal->rows.begin(),
                    normal->rows.begin() + static_cast<std::ptrdiff_t>(p.after));
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
    p.shares_normal_prefix =
        p.normal != &p && p.kinds == p.normal->kinds && p.binds == p.normal->binds;
    std::string name = p.key + " " + p.point;
    auto it = std::find(names.begin(), names.end(), name);
    p.point_index = static_cast<int>(it - names.begin());
    if (it == names.end()) names.push_back(name);
  }
  return out;
}

}  // namespace

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> all = parse_flows();
  return all;
}

const std::vector<const Pattern*>& candidates(DnKind a, DnKind b) {
  static const auto table = [] {
    std::array<std::array<std::vector<const Pattern*>, kDnKindCount>, kDnKindCount> t;
    for (int x = 0; x < kDnKindCount; ++x) {
      for (int y = 0; y < kDnKindCount; ++y) {
        for (const Pattern& p : patterns()) {
          if ((p.kinds[0] & kind_bit(static_cast<DnKind>(x))) &&
              (p.kinds[1] & kind_bit(static_cast<DnKind>(y)))) {
            t[static_cast<std::size_t>(x)][static_cast<std::size_t>(y)].push_back(&p);
          }
        }
      }
    }
    return t;
  }();
  return table[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)];
}

}  // namespace oracle
}  // namespace callbench
