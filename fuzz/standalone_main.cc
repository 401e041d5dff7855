// main() for a fuzz target built without libFuzzer (g++, no -fsanitize=fuzzer): runs
// LLVMFuzzerTestOneInput once over every file named on the command line or found in a
// directory named there (not recursively), in sorted path order, so ctest replays
// corpora and saved findings with any compiler. Arguments starting with '-' are
// libFuzzer flags and are ignored. Exit status: 0 when every input ran (a failing
// input aborts inside the target), 2 on a usage error or an unreadable path.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const char* self = argc > 0 ? argv[0] : "fuzz_replay";
  std::vector<fs::path> inputs;
  int paths = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;
    ++paths;
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (fs::directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) inputs.push_back(it->path());
      }
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.emplace_back(arg);
    } else {
      ec = std::make_error_code(std::errc::no_such_file_or_directory);
    }
    if (ec) {
      std::fprintf(stderr, "%s: %s: %s\n", self, arg.c_str(), ec.message().c_str());
      return 2;
    }
  }
  if (paths == 0) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n  runs the fuzz target once on every input\n",
                 self);
    return 2;
  }
  std::sort(inputs.begin(), inputs.end());
  for (const fs::path& input : inputs) {
    std::ifstream in(input, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: %s: cannot read\n", self, input.c_str());
      return 2;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::printf("%s: ran %zu inputs\n", self, inputs.size());
  return 0;
}
