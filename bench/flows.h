// The documented flows (corpus/flows/*.scn, in name order) as sessions, loaded once
// for every benchmark; a parse error ends the program.
#ifndef CALLBENCH_BENCH_FLOWS_H_
#define CALLBENCH_BENCH_FLOWS_H_

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/scenario.h"

namespace callbench {

inline const std::vector<Session>& documented_flows() {
  static const std::vector<Session> all = [] {
    std::vector<std::filesystem::path> paths;
    for (const auto& e :
         std::filesystem::directory_iterator(CALLBENCH_SOURCE_DIR "/corpus/flows")) {
      if (e.path().extension() == ".scn") paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<Session> out;
    for (const auto& p : paths) {
      Scenario sc;
      Status st = load_scenario(p.string(), &sc);
      if (!st.is_ok()) {
        std::fprintf(stderr, "%s\n", st.message().c_str());
        std::exit(2);
      }
      out.push_back(sc.session);
    }
    return out;
  }();
  return all;
}

// All documented flows side by side in one long session: each flow on its own DNs
// (prefixed with the flow's number) and its own calls, in sequence, under the default
// switch profile. A soak-test session: about 330 events.
inline Session long_session() {
  Session out;
  out.config.seed = 42;
  for (std::size_t f = 0; f < documented_flows().size(); ++f) {
    const Session& s = documented_flows()[f];
    std::string prefix = "f" + std::to_string(f) + ".";
    auto dn_base = static_cast<DnId>(out.config.topology.dns.size());
    auto call_base = static_cast<CallId>(out.config.call_names.size());
    for (const Dn& dn : s.config.topology.dns)
      out.config.topology.dns.push_back({prefix + dn.name, dn.kind});
    for (const std::string& c : s.config.call_names)
      out.config.call_names.push_back("f" + std::to_string(f) + "_" + c);
    for (Stimulus st : s.stimuli) {
      if (st.dn != kNoDn) st.dn = static_cast<DnId>(st.dn + dn_base);
      if (st.dn2 != kNoDn) st.dn2 = static_cast<DnId>(st.dn2 + dn_base);
      if (st.call != kNoCall) st.call = static_cast<CallId>(st.call + call_base);
      out.stimuli.push_back(st);
    }
  }
  std::string why = validate_session(out);
  if (!why.empty()) {
    std::fprintf(stderr, "long session: %s\n", why.c_str());
    std::exit(2);
  }
  return out;
}

}  // namespace callbench

#endif  // CALLBENCH_BENCH_FLOWS_H_
