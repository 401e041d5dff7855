// The oracle's public surface: verdict formatting and identities. The rules are in
// oracle_rules.cc, the documented flows in oracle_flow_table.cc, oracle_match.cc and
// oracle_verdict.cc.
#include "core/oracle.h"

#include "core/render.h"

namespace callbench {

std::string Violation::identity() const {
  return rule + "/" + (has_event ? event_name(first_event) : "missing") + "/" +
         (state.empty() ? "-" : state);
}

const std::string& CallFlow::name() const {
  static const std::string undocumented = "undocumented";
  return point < 0 ? undocumented : documented_flow_points()[static_cast<std::size_t>(point)];
}

std::string CallFlow::summary() const {
  if (under_way) {
    // A tail (judge_tails): the call's beginning is not in the stream.
    if (from_row == 0) return "shows only its conversation or its end (no documented flow's rows)";
    std::string from = " from row " + std::to_string(from_row);
    if (in_progress) return "continues '" + std::string(flow) + "'" + from + ", still under way";
    std::string s = stars;
    return "continues '" + std::string(flow) + "' (" +
           (s == "normal" ? std::string("normal flow") : "interruption point " + s) + ")" + from;
  }
  if (in_progress) return "is still under way in '" + std::string(flow) + "'";
  if (!documented()) return "goes beyond the documented flows";
  std::string s = stars;
  return "follows '" + std::string(flow) + "' (" +
         (s == "normal" ? std::string("normal flow") : "interruption point " + s) + ")";
}

std::string Verdict::report(const SessionConfig& config) const {
  (void)config;
  std::string out;
  for (const Violation& v : violations) {
    out += "violation " + v.rule + " at request " + std::to_string(v.request_seq);
    if (!v.event_seqs.empty()) {
      out += ", events";
      for (uint32_t s : v.event_seqs) out += " " + std::to_string(s);
    }
    out += ": " + v.message + "\n";
  }
  return out;
}

}  // namespace callbench
