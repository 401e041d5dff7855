// The documented flows as data (core/oracle_flow_table.cc): each flow of the call-model
// document as it is drawn there, parsed once into Patterns that the matcher
// (core/oracle_match.h) follows row by row. Internal to the oracle.
#ifndef CALLBENCH_CORE_ORACLE_FLOW_TABLE_H_
#define CALLBENCH_CORE_ORACLE_FLOW_TABLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model.h"

namespace callbench::oracle {

enum KindBit : uint8_t {
  kExt = 1 << 0,
  kRext = 1 << 1,
  kExternalBit = 1 << 2,
  kAcd = 1 << 3,
  kRp = 1 << 4,
  kRq = 1 << 5,
};

// The KindBit of a DN kind.
inline uint8_t kind_bit(DnKind k) {
  constexpr uint8_t bits[kDnKindCount] = {kExt, kAcd, kRp, kRq, kExternalBit, kRext};
  auto i = static_cast<std::size_t>(k);
  return i < kDnKindCount ? bits[i] : 0;
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

constexpr int kOptDialInfo = 0, kOptThirdParty = 1,
              kOptNetworkReached = 5;  // indices in profile_options()

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
  uint16_t listed = 0;  // bit (1 << Attr) per attribute in attrs, as Event::present
};

struct Row {
  std::vector<Item> items;
  uint32_t triggers = 0;  // bit per StimulusKind: the stimuli that cause this row
  bool deliver = false;   // the switch's own delivery step causes it
};

struct Pattern {
  std::string key;                 // "acd"
  std::string title;               // "Internal/Inbound Call to ACD"
  std::string point;               // "normal", "*", "***", ...
  std::array<uint8_t, 4> kinds{};  // allowed kinds of A..D (0: party unused)
  std::array<uint8_t, 4>
      binds{};  // 0, or which stimulus names the party: 1 divert, 2 queue, 3 route
  std::vector<Row> rows;
  std::size_t abnormal_from =
      0;                  // rows from here are the interruption (== rows.size(): normal flow)
  std::size_t after = 0;  // a point: the normal rows it follows
  int route = 0;          // a point: 1 only with a TRouteCall pending, 2 only without
  const Pattern* normal = nullptr;
  int point_index = -1;      // in documented_flow_points()
  bool normal_flow = false;  // point == "normal" (parse_flows sets it)
  // Its normal's first `after` rows, with the same parties and bindings: a match of the
  // point may start from the normal's (core/oracle_match.h, NormalPrefix).
  bool shares_normal_prefix = false;
  bool is_normal() const { return normal_flow; }
};

// Every flow and interruption point, in document order (parsed once).
const std::vector<Pattern>& patterns();
// The patterns whose parties A and B admit a call from a DN of kind `a` to one of kind
// `b`: computed once, so a call is matched against its few candidate flows only.
const std::vector<const Pattern*>& candidates(DnKind a, DnKind b);

}  // namespace callbench::oracle

#endif  // CALLBENCH_CORE_ORACLE_FLOW_TABLE_H_
