// The documented flows (corpus/flows/*.scn, in name order) as sessions, loaded once
// for every benchmark; a parse error ends the program.
#ifndef CALLBENCH_BENCH_FLOWS_H_
#define CALLBENCH_BENCH_FLOWS_H_

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
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

}  // namespace callbench

#endif  // CALLBENCH_BENCH_FLOWS_H_
