// build/callbench_scenarios: writes the scenarios the speed and memory figures play
// (bench/figure-replay, bench/figure-memory), each parsed back before it is written:
//   callbench_scenarios long FILE.scn     every documented flow side by side in one
//                                         session, each on its own DNs and calls (the
//                                         long session of bench/journal_bench.cc)
//   callbench_scenarios wide N FILE.scn   N statements (N <= 4096, the statement limit):
//                                         calls between 200 extensions, each made,
//                                         answered, held and retrieved again and again,
//                                         then released; a table 200 parties wide
// Exit status 2 on bad arguments, 3 when the file cannot be written.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench/flows.h"
#include "core/limits.h"
#include "core/scenario.h"

namespace callbench {
namespace {

int usage() {
  std::fprintf(stderr,
               "usage: callbench_scenarios long FILE.scn\n"
               "       callbench_scenarios wide N FILE.scn   (1 <= N <= %zu)\n",
               limits::kMaxStatements);
  return 2;
}

std::string wide(std::size_t n) {
  constexpr std::size_t kParties = 200;
  std::string out = "# " + std::to_string(n) + " statements between " + std::to_string(kParties) +
                    " extensions (bench/scenarios.cc)\n";
  for (std::size_t d = 0; d < kParties; ++d)
    out += "dn " + std::to_string(70000 + d) + " extension\n";
  // Calls share the statements evenly, at least 4 each (make, answer, hold and retrieve
  // pairs, release), at most kMaxCalls.
  std::size_t calls = std::min<std::size_t>(limits::kMaxCalls, std::max<std::size_t>(1, n / 8));
  std::size_t written = 0;
  for (std::size_t k = 0; k < calls && written < n; ++k) {
    std::string a = std::to_string(70000 + (2 * k) % kParties);
    std::string b = std::to_string(70000 + (2 * k + 1) % kParties);
    std::string c = "c" + std::to_string(k);
    std::size_t budget = k + 1 == calls ? n - written : n / calls;
    std::size_t used = 0;
    auto line = [&](const std::string& s) {
      if (used < budget && written < n) {
        out += s + "\n";
        ++used;
        ++written;
      }
    };
    line(c + " = make-call " + a + " " + b);
    line("answer " + b + " " + c);
    while (used + 3 <= budget) {
      line("hold " + a + " " + c);
      line("retrieve " + a + " " + c);
    }
    line("release " + a + " " + c);
    while (used < budget) line("pause");
  }
  return out;
}

int main_(int argc, char** argv) {
  if (argc < 3) return usage();
  std::string kind = argv[1], text, file;
  if (kind == "long" && argc == 3) {
    text = "# Every documented flow side by side, each on its own DNs (bench/scenarios.cc)\n" +
           print_scenario(long_session());
    file = argv[2];
  } else if (kind == "wide" && argc == 4) {
    char* end = nullptr;
    unsigned long long n = std::strtoull(argv[2], &end, 10);
    if (!end || *end || n == 0 || n > limits::kMaxStatements) return usage();
    text = wide(static_cast<std::size_t>(n));
    file = argv[3];
  } else {
    return usage();
  }
  Scenario check;
  Status st = parse_scenario(text, file, &check);
  if (!st.is_ok()) {
    std::fprintf(stderr, "callbench_scenarios: the generated scenario does not parse: %s\n",
                 st.message().c_str());
    return 2;
  }
  std::ofstream out(file, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "callbench_scenarios: cannot write %s\n", file.c_str());
    return 3;
  }
  return 0;
}

}  // namespace
}  // namespace callbench

int main(int argc, char** argv) { return callbench::main_(argc, argv); }
