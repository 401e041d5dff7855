// Helpers shared by the fuzz suites: the corpus files and the documented flows as
// programs.
#ifndef CALLBENCH_TESTS_FUZZ_FUZZ_TEST_UTIL_H_
#define CALLBENCH_TESTS_FUZZ_FUZZ_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/scenario.h"
#include "fuzz/program.h"
#include "tests/test_util.h"

namespace callbench::testing {

// The files of a corpus folder (relative to the source tree) ending in `ext` (every
// file when empty), sorted, as full paths.
inline std::vector<std::string> corpus_files(const std::string& relative, const std::string& ext) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(source_path(relative))) {
    if (!entry.is_regular_file()) continue;
    if (ext.empty() || entry.path().extension() == ext) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline Scenario load_or_fail(const std::string& path) {
  Scenario sc;
  Status st = load_scenario(path, &sc);
  EXPECT_TRUE(st.is_ok()) << st.message();
  return sc;
}

// Every documented flow (corpus/flows) as a program, in file order.
inline std::vector<Session> flow_programs() {
  std::vector<Session> out;
  for (const std::string& path : corpus_files("corpus/flows", ".scn")) {
    out.push_back(normalize_program(load_or_fail(path).session));
  }
  return out;
}

}  // namespace callbench::testing

#endif  // CALLBENCH_TESTS_FUZZ_FUZZ_TEST_UTIL_H_
