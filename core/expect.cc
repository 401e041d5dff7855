#include "core/expect.h"

#include <map>
#include <set>

#include "core/render.h"

namespace callbench {
namespace {

// The ConnID a call got: from its first event carrying one.
uint64_t conn_id_of(CallId call, const std::vector<Event>& all) {
  for (const Event& e : all) {
    if (e.call == call && e.has(Attr::kConnId)) return e.conn_id;
  }
  return 0;
}

std::string expectation_text(const Expectation& x, const SessionConfig& config) {
  std::string out = event_name(x.type);
  for (int i = 0; i < kAttrCount; ++i) {
    auto a = static_cast<Attr>(i);
    if (x.absent & (1u << i)) {
      out += std::string(" ") + attr_name(a) + "=-";
    } else if (x.values.has(a)) {
      std::string v;
      if (a == Attr::kConnId && x.conn_call != kNoCall) {
        v = config.call_names[x.conn_call];
      } else if (a == Attr::kErrorCode) {
        v = std::to_string(x.error_code);
      } else {
        v = attr_value_text(x.values, a, config);
      }
      out += std::string(" ") + attr_name(a) + "=" + v;
    }
  }
  return out;
}

}  // namespace

bool satisfies(const Event& e, const Expectation& x, const std::vector<Event>& all) {
  if (e.type != x.type) return false;
  if ((e.present & x.absent) != 0) return false;
  if ((e.present & x.values.present) != x.values.present) return false;
  const Event& v = x.values;
  auto check = [&](Attr a, bool equal) { return !v.has(a) || equal; };
  uint64_t conn = x.conn_call != kNoCall ? conn_id_of(x.conn_call, all) : v.conn_id;
  return check(Attr::kConnId, e.conn_id == conn) && check(Attr::kThisDn, e.this_dn == v.this_dn) &&
         check(Attr::kThisDnRole, e.this_role == v.this_role) &&
         check(Attr::kThisQueue, e.this_queue == v.this_queue) &&
         check(Attr::kOtherDn, e.other_dn == v.other_dn) &&
         check(Attr::kOtherDnRole, e.other_role == v.other_role) &&
         check(Attr::kThirdPartyDn, e.third_party_dn == v.third_party_dn) &&
         check(Attr::kThirdPartyDnRole, e.third_party_role == v.third_party_role) &&
         check(Attr::kThirdPartyQueue, e.third_party_queue == v.third_party_queue) &&
         check(Attr::kCallState, e.call_state == v.call_state) &&
         check(Attr::kReferenceId, e.reference_id == v.reference_id) &&
         check(Attr::kErrorCode, error_code_of(e.error) == x.error_code);
}

ExpectResult check_expectations(const Scenario& scenario, const std::vector<Event>& events,
                                const std::string& file) {
  const SessionConfig& config = scenario.session.config;
  // (stimulus, party) -> expected, actual; std::map keeps the report in order.
  std::map<std::pair<uint32_t, DnId>, std::vector<const Expectation*>> expected;
  std::map<std::pair<uint32_t, DnId>, std::vector<const Event*>> actual;
  std::set<std::pair<uint32_t, DnId>> keys;
  for (const Expectation& x : scenario.expectations) {
    expected[{x.stimulus, x.dn}].push_back(&x);
    keys.insert({x.stimulus, x.dn});
  }
  for (const Event& e : events) {
    if (e.request_seq == 0) continue;
    std::pair<uint32_t, DnId> key{e.request_seq - 1, e.this_dn};
    actual[key].push_back(&e);
    keys.insert(key);
  }
  std::vector<uint32_t> refs = default_reference_ids(scenario.session.stimuli);
  ExpectResult r;
  r.checked = scenario.expectations.size();
  for (const auto& key : keys) {
    const auto& want = expected[key];
    const auto& got = actual[key];
    bool same = want.size() == got.size();
    for (std::size_t i = 0; same && i < want.size(); ++i)
      same = satisfies(*got[i], *want[i], events);
    if (same) continue;
    ++r.mismatches;
    uint32_t st = key.first;
    int line = st < scenario.stimulus_lines.size() ? scenario.stimulus_lines[st] : 0;
    r.report += file + ":" + std::to_string(line) + ": after '" +
                print_stimulus(scenario.session.stimuli[st], config, refs[st]) + "', party " +
                config.topology.dns[key.second].name + ":\n";
    std::size_t n = std::max(want.size(), got.size());
    for (std::size_t i = 0; i < n; ++i) {
      bool ok = i < want.size() && i < got.size() && satisfies(*got[i], *want[i], events);
      r.report += ok ? "    " : "  ! ";
      r.report += "expected: ";
      r.report += i < want.size() ? expectation_text(*want[i], config) + "  (line " +
                                        std::to_string(want[i]->line) + ")"
                                  : "(no event)";
      r.report += "\n      ";
      r.report += ok ? "" : "  ";
      r.report += "actual: ";
      r.report += i < got.size() ? event_text(*got[i], config) : "(no event)";
      r.report += "\n";
    }
  }
  return r;
}

}  // namespace callbench
