// callbench_sample_report OUT.html: writes the made-up campaign report of
// sample_report.h, for the browser test (tests/render/browser_test.sh).
#include <cstdio>
#include <string>

#include "fuzz/report.h"
#include "tests/render/sample_report.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.html\n", argv[0]);
    return 2;
  }
  std::string page =
      callbench::render_campaign_report(callbench::testing::sample_campaign_report());
  std::FILE* f = std::fopen(argv[1], "wb");
  if (!f || std::fwrite(page.data(), 1, page.size(), f) != page.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "%s: cannot write\n", argv[1]);
    return 3;
  }
  return 0;
}
