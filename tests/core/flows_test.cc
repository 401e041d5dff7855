// Every scenario in corpus/flows/ plays into exactly the events its `expect` lines
// transcribe from the call-model document.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/expect.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

std::vector<std::string> flow_files() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    if (entry.path().extension() == ".scn") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class FlowTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FlowTest, PlaysAsTheDocumentTables) {
  std::string path = testing::source_path("corpus/flows/" + GetParam());
  Scenario sc;
  Status st = load_scenario(path, &sc);
  ASSERT_TRUE(st.is_ok()) << st.message();
  ASSERT_TRUE(sc.has_expectations()) << path << " transcribes no expected event";
  Played played = play(sc.session);
  ExpectResult r = check_expectations(sc, played.events, path);
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(r.checked, sc.expectations.size());
}

INSTANTIATE_TEST_SUITE_P(Corpus, FlowTest, ::testing::ValuesIn(flow_files()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name =
                               param_info.param.substr(0, param_info.param.size() - 4);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// The corpus covers every flow of the document and every interruption point of its
// "Abnormal Call Flow" tables.
TEST(FlowCorpusTest, CoversEveryFlowAndInterruptionPoint) {
  std::vector<std::string> files = flow_files();
  const char* required[] = {
      "internal",
      "internal_1",
      "internal_2",
      "internal_3",
      "acd",
      "acd_1",
      "acd_2",
      "acd_3",
      "multi_acd",
      "multi_acd_1",
      "multi_acd_2",
      "multi_acd_3",
      "multi_acd_4",
      "park",
      "park_1",
      "routequeue",
      "routequeue_1",
      "routequeue_3",
      "routequeue_4",
      "routing",
      "routing_1",
      "routing_2",
      "routing_3",
      "routing_4",
      "routing_outbound",
      "routing_outbound_1",
      "routing_outbound_2",
      "outbound",
      "outbound_1",
      "outbound_2",
      "outbound_3",
      "hold",
  };
  for (const char* name : required) {
    EXPECT_NE(std::find(files.begin(), files.end(), std::string(name) + ".scn"), files.end())
        << "corpus/flows/" << name << ".scn is missing";
  }
}

}  // namespace
}  // namespace callbench
