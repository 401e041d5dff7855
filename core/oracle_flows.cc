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
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row B:Ringing ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row A:Established ThisDN=A ThisDNRole=Origination OtherDN=B OtherDNRole=Destination ; B:Established ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 1
row A:Released ThisDN=A ThisDNRole=Origination CallState=OK
point ** after 1
row A:DestinationBusy ThisDN=A ThisDNRole=Origination CallState=*
point *** after 2
row A:Released ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK

flow acd | Internal/Inbound Call to ACD
party A caller
party B acd
party C ext
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? ; B:Queued ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row B:Diverted ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDN=C? ThirdPartyDNRole=Destination?
row C:Ringing ThisDN=C ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row A:Established ThisDN=A ThisDNRole=Origination OtherDN=C OtherDNRole=Destination ; C:Established ThisDN=C ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 1
row A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK
point **
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:Released ThisDN=A OtherDN=B CallState=OK
point *** after 3
row A:Released ThisDN=A OtherDN=C CallState=OK ; C:Abandoned ThisDN=C OtherDN=A CallState=OK

# The document draws B distributing the call; C distributing it is the same flow with
# the two queues' parts exchanged (second variant). D's EventAbandoned at **** says
# ThisQueue C where D's own EventRinging says B: either is accepted.
flow multi_acd | Internal/Inbound Call Queued to Multiple ACDs
party A caller
party B acd
party C acd
party D ext
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? ; B:Queued ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row C:Queued ThisDN=C ThisQueue=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row B:Diverted ThisDN=B ThisDNRole=Origination OtherDN=C OtherDNRole=Destination ; C:Diverted ThisDN=C ThisQueue=C ThirdPartyDN=D ThirdPartyQueue=B CallState=Redirected|-
row D:Ringing ThisDN=D ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row A:Established ThisDN=A ThisDNRole=Origination OtherDN=D OtherDNRole=Destination CallState=OK ; D:Established ThisDN=D ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
point * after 1
row A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B ThisQueue=B OtherDN=A CallState=OK
point ** after 2
row A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B ThisQueue=B OtherDN=A CallState=OK ; C:Abandoned ThisDN=C ThisQueue=C OtherDN=A CallState=OK
point *** after 3
row A:Released ThisDN=A OtherDN=D CallState=OK
point **** after 4
row A:Released ThisDN=A OtherDN=D CallState=OK ; D:Abandoned ThisDN=D ThisQueue=B|C OtherDN=A CallState=OK

flow multi_acd | Internal/Inbound Call Queued to Multiple ACDs
party A caller
party B acd
party C acd
party D ext
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? ; B:Queued ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row C:Queued ThisDN=C ThisQueue=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row C:Diverted ThisDN=C ThisDNRole=Origination OtherDN=B OtherDNRole=Destination ; B:Diverted ThisDN=B ThisQueue=B ThirdPartyDN=D ThirdPartyQueue=C CallState=Redirected|-
row D:Ringing ThisDN=D ThisQueue=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row A:Established ThisDN=A ThisDNRole=Origination OtherDN=D OtherDNRole=Destination CallState=OK ; D:Established ThisDN=D ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
point *** after 3
row A:Released ThisDN=A OtherDN=D CallState=OK
point **** after 4
row A:Released ThisDN=A OtherDN=D CallState=OK ; D:Abandoned ThisDN=D ThisQueue=B|C OtherDN=A CallState=OK

# The caller's EventDestinationBusy is *OPT; it comes either with the parking or,
# when the destination was busy, before it (camp-on): the row holds both.
flow park | Internal/Inbound Call with Call Parking
party A caller
party B ext
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:DestinationBusy? ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? ; B:Queued ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row B:Ringing ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row A:Established ThisDN=A ThisDNRole=Origination OtherDN=B OtherDNRole=Destination ; B:Established ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 2
row A:Released ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK

# "RouteCall to C may be missing": routed by default, EventRouteUsed carries CallState
# Redirected and no ReferenceID. Points * and ** share one row in the document; a
# release while a TRouteCall is being carried out is the routing flow's ** (the
# caller's OtherDN is then the route's destination).
flow routequeue | Internal/Inbound Call with Routing (RouteQueue)
party A caller
party B rq
party C ext
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? ; B:Queued ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ; B:RouteRequest ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row B:RouteUsed ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDN=C? ThirdPartyDNRole=Destination? CallState=OK|Redirected|- ; B:Diverted ThisDN=B ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDN=C? ThirdPartyDNRole=Destination?
row C:Ringing ThisDN=C ThisQueue=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row A:Established ThisDN=A ThisDNRole=Origination OtherDN=C OtherDNRole=Destination ; C:Established ThisDN=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point *_and_** after 1
row A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK
point ** after 1
row A:Released ThisDN=A OtherDN=* CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK
point *** after 2
row A:Released ThisDN=A OtherDN=C CallState=OK
point **** after 3
row A:Released ThisDN=A OtherDN=C CallState=OK ; C:Abandoned ThisDN=C OtherDN=A CallState=OK

flow routing | Internal/Inbound Call with Routing
party A caller
party B rp
party C ext
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? ; B:RouteRequest ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row B:RouteUsed ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDN=C? ThirdPartyDNRole=Destination? CallState=OK|Redirected|-
row C:Ringing ThisDN=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row A:Established ThisDN=A ThisDNRole=Origination OtherDN=C OtherDNRole=Destination ; C:Established ThisDN=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 1
row A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK
point ** after 1
row A:Released ThisDN=A OtherDN=* CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK
point *** after 2
row A:Released ThisDN=A OtherDN=C CallState=OK
point **** after 3
row A:Released ThisDN=A OtherDN=C CallState=OK ; C:Abandoned ThisDN=C OtherDN=A CallState=OK

# C is beyond the network: an extension another site monitors (it rings and answers)
# or an outside number (it does not). EventNetworkReached comes with the routing, or
# right before EventEstablished when the switch does not report it.
flow routing_outbound | Internal/Inbound Call with Routing Outbound
party A caller
party B rp
party C farend
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? ; B:RouteRequest ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
row A:NetworkReached? ThisDN=A ThisDNRole=Origination OtherDN=C? OtherDNRole=Destination? ; B:RouteUsed ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination ThirdPartyDNRole=Destination? CallState=OK|Redirected|- ; C:Ringing ThisDN=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row A:NetworkReached? ThisDN=A ThisDNRole=Origination OtherDN=C? OtherDNRole=Destination? ; A:Established ThisDN=A ThisDNRole=Origination OtherDN=C? OtherDNRole=Destination? ; C:Established ThisDN=C ThisDNRole=Destination OtherDN=A OtherDNRole=Origination
point * after 1
row A:Released ThisDN=A OtherDN=B CallState=OK ; B:Abandoned ThisDN=B OtherDN=A CallState=OK
point ** after 2
row A:Released ThisDN=A OtherDN=C CallState=OK ; C:Abandoned ThisDN=C OtherDN=A CallState=OK

flow outbound | Outbound Call
party A ext
party B external
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:NetworkReached? ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:NetworkReached? ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? ; A:Established ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
point *
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:Released ThisDN=A OtherDN=B CallState=OK
point **
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:NetworkReached? ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:DestinationBusy ThisDN=A OtherDN=B? CallState=*
point ***
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:NetworkReached ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:Released ThisDN=A OtherDN=B CallState=OK

flow hold | Connection-Establishing Phase While On Hold
party A ext
party B ext
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? CallState=OK ; B:Ringing ThisDN=B ThisDNRole=Destination OtherDN=A OtherDNRole=Origination CallState=OK
row A:Held ThisDN=A OtherDN=B
row A:Established ThisDN=A OtherDN=B ; B:Established ThisDN=B OtherDN=A
row A:Retrieved ThisDN=A OtherDN=B CallState=OK

flow hold | Connection-Establishing Phase While On Hold
party A ext
party B external
normal
row A:Dialing ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? CallState=OK
row A:NetworkReached? ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination?
row A:Held ThisDN=A OtherDN=B
row A:NetworkReached? ThisDN=A ThisDNRole=Origination OtherDN=B? OtherDNRole=Destination? ; A:Established ThisDN=A OtherDN=B?
row A:Retrieved ThisDN=A OtherDN=B CallState=OK
)flows";

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
  enum Kind : uint8_t { kParty, kRole, kState, kAny, kAbsent } kind;
  int party = -1;  // 0..3 for A..D
  int value = 0;   // DnRole or CallState
};

struct AttrSpec {
  Attr attr;
  std::vector<Alt> alts;
};

struct Item {
  int party = 0;
  EventType type = EventType::kError;
  bool optional = false;
  std::vector<AttrSpec> attrs;
};

struct Row {
  std::vector<Item> items;
};

struct Pattern {
  std::string key;    // "acd"
  std::string title;  // "Internal/Inbound Call to ACD"
  std::string point;  // "normal", "*", "***", ...
  std::array<uint8_t, 4> kinds{};  // allowed kinds of A..D (0: party unused)
  std::vector<Row> rows;
  std::size_t abnormal_from = 0;  // rows from here are the interruption (0: normal flow)
  bool after_normal = false;      // its first abnormal_from rows are its flow's normal rows
  const Pattern* normal = nullptr;  // that flow's normal pattern
  int point_index = -1;           // in documented_flow_points()
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

Alt parse_alt(std::string_view v, Attr attr) {
  if (v == "*") return {Alt::kAny};
  if (v == "-") return {Alt::kAbsent};
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

Item parse_item(std::string_view text) {
  std::vector<std::string_view> words = split(text, ' ');
  CB_ASSERT(!words.empty() && words[0].size() > 2 && words[0][1] == ':');
  Item item;
  item.party = party_index(words[0][0]);
  std::string_view name = words[0].substr(2);
  if (!name.empty() && name.back() == '?') {
    item.optional = true;
    name.remove_suffix(1);
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
    if (!spec.empty() && spec.back() == '?') {
      a.alts.push_back({Alt::kAbsent});
      spec.remove_suffix(1);
    }
    for (std::string_view v : split(spec, '|')) a.alts.push_back(parse_alt(v, *attr));
    item.attrs.push_back(std::move(a));
  }
  return item;
}

Row parse_row(std::string_view text) {
  Row row;
  for (std::string_view item : split(text, ';')) row.items.push_back(parse_item(item));
  return row;
}

std::vector<Pattern> parse_flows() {
  std::vector<Pattern> out;
  Pattern flow;  // the flow being read: parties and normal rows
  Pattern* current = nullptr;
  for (std::string_view line : split(kFlows, '\n')) {
    if (line[0] == '#') continue;
    if (line.substr(0, 5) == "flow ") {
      std::vector<std::string_view> head = split(line.substr(5), '|');
      flow = Pattern{};
      flow.key = std::string(head[0]);
      flow.title = std::string(head[1]);
      flow.point = "normal";
      out.push_back(flow);
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
      out.back().kinds = flow.kinds;
    } else if (line == "normal") {
      current = &out.back();
    } else if (line.substr(0, 6) == "point ") {
      std::vector<std::string_view> w = split(line.substr(6), ' ');
      Pattern p;
      p.key = flow.key;
      p.title = flow.title;
      p.kinds = flow.kinds;
      p.point = std::string(w[0]);
      std::replace(p.point.begin(), p.point.end(), '_', ' ');
      if (w.size() == 3 && w[1] == "after") {
        std::size_t n = static_cast<std::size_t>(std::stoi(std::string(w[2])));
        const Pattern* normal = nullptr;
        for (const Pattern& q : out) {
          if (q.key == flow.key && q.point == "normal") normal = &q;
        }
        CB_ASSERT(normal && n <= normal->rows.size());
        p.rows.assign(normal->rows.begin(), normal->rows.begin() + static_cast<std::ptrdiff_t>(n));
        p.abnormal_from = n;
        p.after_normal = true;
      } else {
        p.abnormal_from = SIZE_MAX;  // every row given; the last is the interruption
      }
      out.push_back(std::move(p));
      current = &out.back();
    } else if (line.substr(0, 4) == "row ") {
      CB_ASSERT(current);
      current->rows.push_back(parse_row(line.substr(4)));
    } else {
      CB_ASSERT_MSG(false, "flow table: unknown line");
    }
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < out.size(); ++i) {
    Pattern& p = out[i];
    if (p.abnormal_from == SIZE_MAX) p.abnormal_from = p.rows.size() - 1;
    for (std::size_t j = i + 1; j-- > 0;) {  // the latest normal of the same flow, at or before it
      if (out[j].key == p.key && out[j].point == "normal") {
        p.normal = &out[j];
        break;
      }
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

// Where a match stands after some rows: what resuming needs.
struct MatchState {
  Binding binding;
  std::size_t pos = 0;
  std::size_t rows = 0;
  bool attrs_ok = true;
  std::string bad;
  uint32_t bad_seq = 0;
  EventType bad_type = EventType::kError;
};

struct MatchResult {
  std::size_t consumed = 0;    // events matched
  std::size_t rows = 0;        // rows matched
  bool complete = false;       // every row matched
  bool attrs_ok = true;
  std::string bad;             // the first attribute that differs
  uint32_t bad_seq = 0;
  EventType bad_type = EventType::kError;
};

// The state of one row's search: which item each event is assigned to.
struct Search {
  const Pattern* pattern = nullptr;
  std::size_t pos = 0, m = 0;
  std::vector<const Item*> items;
  std::vector<bool> required;
  std::vector<int> choice;  // item index for each of the m events
  bool found = false;
  Binding best_binding;
  std::string best_bad;
  uint32_t best_seq = 0;
  EventType best_type = EventType::kError;
};

// Storage the matcher reuses across calls and judgements.
struct MatchBuffers {
  Search search;
  std::vector<MatchState> snapshots;
  std::vector<MatchResult> results;
};

class Matcher {
 public:
  using Buffers = MatchBuffers;
  Matcher(const SessionConfig& config, Buffers* buffers) : config_(config), buffers_(buffers) {}

  // Matches the events of one call (EventError aside, in order) against a pattern. With
  // `snapshots`, records the state after each row (for the points that resume the normal
  // flow); with `resume`, starts from such a state instead of row 0.
  MatchResult match(const Pattern& p, const std::vector<const Event*>& events, DnId caller, DnId dialed,
                    std::vector<MatchState>* snapshots = nullptr, const MatchState* resume = nullptr) {
    events_ = &events;
    MatchResult r;
    MatchState st;
    if (resume) {
      st = *resume;
    } else {
      if (!fits(p, 0, caller) || !fits(p, 1, dialed)) return r;
      st.binding.dn[0] = caller;
      st.binding.dn[1] = dialed;
      if (snapshots) {
        snapshots->clear();
        snapshots->push_back(st);
      }
    }
    std::size_t abnormal_consumed = 0;
    for (std::size_t ri = st.rows; ri < p.rows.size(); ++ri) {
      std::size_t used = 0;
      std::string bad;
      uint32_t bad_seq = 0;
      EventType bad_type = EventType::kError;
      if (!match_row(p, p.rows[ri], st.pos, &st.binding, &used, &bad, &bad_seq, &bad_type)) break;
      if (!bad.empty() && st.attrs_ok) {
        st.attrs_ok = false;
        st.bad = "row " + std::to_string(ri + 1) + ": " + bad;
        st.bad_seq = bad_seq;
        st.bad_type = bad_type;
      }
      st.pos += used;
      if (ri >= p.abnormal_from) abnormal_consumed += used;
      ++st.rows;
      if (snapshots) snapshots->push_back(st);
    }
    r.rows = st.rows;
    r.consumed = st.pos;
    r.attrs_ok = st.attrs_ok;
    r.bad = st.bad;
    r.bad_seq = st.bad_seq;
    r.bad_type = st.bad_type;
    r.complete = r.rows == p.rows.size();
    // An interruption point is reached only when its own rows matched events.
    if (p.abnormal_from > 0 && r.complete && abnormal_consumed == 0) r.complete = false;
    if (p.abnormal_from > 0 && r.rows <= p.abnormal_from) {
      r.consumed = 0;  // only the normal prefix matched: the normal flow speaks for it
    }
    return r;
  }

 private:
  bool fits(const Pattern& p, int party, DnId dn) const {
    return (p.kinds[static_cast<std::size_t>(party)] & kind_bit(config_.topology.dns[dn].kind)) != 0;
  }
  bool monitored(DnId dn) const { return config_.topology.dns[dn].kind != DnKind::kExternal; }

  // Matches the next events to the row's items (unordered): every required item
  // exactly once, optional items at most once. An item is required unless marked
  // optional or its party is not yet known and may be external (an external party gets
  // no events). On success, *used is the number of events and *bad the first attribute
  // mismatch of the best assignment ("" when none).
  bool match_row(const Pattern& p, const Row& row, std::size_t pos, Binding* b, std::size_t* used,
                 std::string* bad, uint32_t* bad_seq, EventType* bad_type) {
    Search& s = buffers_->search;  // reused: no allocation once its vectors have grown
    s.pattern = &p;
    s.pos = pos;
    s.items.clear();
    s.required.clear();
    std::size_t required = 0;
    for (const Item& it : row.items) {
      DnId bound = b->dn[static_cast<std::size_t>(it.party)];
      if (bound != kNoDn && !monitored(bound)) continue;  // an external party: no events
      bool may_be_external = (p.kinds[static_cast<std::size_t>(it.party)] & kExternalBit) != 0;
      bool req = !it.optional && !(bound == kNoDn && may_be_external);
      s.items.push_back(&it);
      s.required.push_back(req);
      required += req;
    }
    std::size_t available = events_->size() - pos;
    for (std::size_t m = std::min(s.items.size(), available) + 1; m-- > 0;) {
      if (m < required) break;
      if (m == 0) {
        *used = 0;
        return true;
      }
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
      std::string bad;
      uint32_t seq = 0;
      EventType type = EventType::kError;
      for (std::size_t i = 0; i < s->m && bad.empty(); ++i) {
        const Event& e = *(*events_)[s->pos + i];
        bad = check_attrs(*s->items[static_cast<std::size_t>(s->choice[i])], e, b);
        seq = e.seq;
        type = e.type;
      }
      if (!s->found || (!s->best_bad.empty() && bad.empty())) {
        s->found = true;
        s->best_binding = b;
        s->best_bad = bad;
        s->best_seq = seq;
        s->best_type = type;
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

  // "" when every listed attribute is as specified, else what differs.
  std::string check_attrs(const Item& it, const Event& e, const Binding& b) const {
    for (const AttrSpec& a : it.attrs) {
      bool present = e.has(a.attr);
      bool ok = false;
      bool unbound = false;
      for (const Alt& alt : a.alts) {
        switch (alt.kind) {
          case Alt::kAbsent: ok = ok || !present; break;
          case Alt::kAny: ok = ok || present; break;
          case Alt::kParty: {
            DnId want = b.dn[static_cast<std::size_t>(alt.party)];
            if (want == kNoDn) {
              unbound = true;  // the party has not shown itself yet: nothing to compare
              ok = ok || present;
            } else {
              ok = ok || (present && dn_value(e, a.attr) == want);
            }
            break;
          }
          case Alt::kRole: ok = ok || (present && static_cast<int>(role_value(e, a.attr)) == alt.value); break;
          case Alt::kState: ok = ok || (present && static_cast<int>(e.call_state) == alt.value); break;
        }
      }
      if (!ok && unbound && !present) {
        bool absent_allowed = false;
        for (const Alt& alt : a.alts) absent_allowed = absent_allowed || alt.kind == Alt::kAbsent;
        if (absent_allowed) ok = true;
      }
      if (!ok) {
        std::string want;
        for (const Alt& alt : a.alts) {
          if (!want.empty()) want += " or ";
          switch (alt.kind) {
            case Alt::kAbsent: want += "absent"; break;
            case Alt::kAny: want += "present"; break;
            case Alt::kParty: want += std::string(1, static_cast<char>('A' + alt.party)) + " (" + name(b.dn[static_cast<std::size_t>(alt.party)]) + ")"; break;
            case Alt::kRole: want += dn_role_name(static_cast<DnRole>(alt.value)); break;
            case Alt::kState: want += call_state_name(static_cast<CallState>(alt.value)); break;
          }
        }
        return std::string(event_name(e.type)) + " #" + std::to_string(e.seq) + " at " + name(e.this_dn) + ": " +
               attr_name(a.attr) + " is " + (present ? attr_value_text(e, a.attr, config_) : std::string("absent")) +
               ", the document says " + want;
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

  const SessionConfig& config_;
  const std::vector<const Event*>* events_ = nullptr;
  Buffers* buffers_;
};

}  // namespace

void Judge::flows() {
  std::vector<std::vector<const Event*>>& by_call = scratch_.by_call;
  if (by_call.size() < calls_.size()) by_call.resize(calls_.size());
  for (std::size_t c = 0; c < calls_.size(); ++c) by_call[c].clear();
  for (const Event& e : events_) {
    if (e.type != EventType::kError && e.call < calls_.size()) by_call[e.call].push_back(&e);
  }
  thread_local Matcher::Buffers buffers;
  Matcher m(session_.config, &buffers);
  std::vector<MatchState>& snapshots = buffers.snapshots;
  std::vector<MatchResult>& results = buffers.results;
  for (std::size_t c = 0; c < calls_.size(); ++c) {
    if (by_call[c].empty() || calls_[c].caller == kNoDn) continue;
    const auto& events = by_call[c];
    DnId caller = calls_[c].caller, dialed = calls_[c].dialed;
    const auto& candidate = candidates(kind(caller), kind(dialed));
    // Each candidate once; a point that continues its normal flow resumes from the
    // normal flow's state after its prefix (patterns come in flow order: normal first).
    results.assign(candidate.size(), MatchResult{});
    const Pattern* snapshot_of = nullptr;
    for (std::size_t i = 0; i < candidate.size(); ++i) {
      const Pattern& p = *candidate[i];
      if (p.point == "normal") {
        results[i] = m.match(p, events, caller, dialed, &snapshots);
        snapshot_of = &p;
      } else if (p.after_normal && p.normal == snapshot_of) {
        if (snapshots.size() > p.abnormal_from) {
          results[i] = m.match(p, events, caller, dialed, nullptr, &snapshots[p.abnormal_from]);
        }  // else the normal flow did not get that far: neither can the point
      } else {
        results[i] = m.match(p, events, caller, dialed);
      }
    }
    std::size_t best = candidate.size();
    for (std::size_t i = 0; i < candidate.size(); ++i) {
      const MatchResult& r = results[i];
      if (r.consumed == 0) continue;
      const MatchResult* b = best < candidate.size() ? &results[best] : nullptr;
      bool better = !b || r.consumed > b->consumed ||
                    (r.consumed == b->consumed &&
                     ((r.attrs_ok && !b->attrs_ok) || (r.attrs_ok == b->attrs_ok && r.complete && !b->complete)));
      if (better) best = i;
    }
    CallFlow f;
    f.call = static_cast<CallId>(c);
    if (best < candidate.size() && results[best].complete) {
      const Pattern& bp = *candidate[best];
      f.point = bp.point_index;
      f.flow = bp.title.c_str();
      f.stars = bp.point.c_str();
      for (std::size_t i = 0; i < candidate.size(); ++i) {
        const MatchResult& r = results[i];
        int idx = candidate[i]->point_index;
        // Another flow's point the events follow as well (within one flow, the first
        // point the document lists that fits is the one).
        if (i != best && candidate[i]->key != bp.key && r.consumed == results[best].consumed && r.complete &&
            r.attrs_ok == results[best].attrs_ok && std::find(f.also.begin(), f.also.end(), idx) == f.also.end()) {
          f.also.push_back(idx);
        }
      }
    }
    if (best < candidate.size() && !results[best].attrs_ok) {
      const Pattern& bp = *candidate[best];
      const MatchResult& br = results[best];
      Violation v;
      v.rule = "documented-attributes";
      v.request_seq = 0;
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
