// callbench_seeds FLOWS_DIR OUT_DIR: writes fuzz_orderings' seed corpus (seeds.h).
// Exit status as the callbench command's: 0 done, 2 usage or bad flow, 3 I/O.
#include <cstdio>

#include "fuzz/seeds.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s FLOWS_DIR OUT_DIR\n", argc > 0 ? argv[0] : "callbench_seeds");
    return 2;
  }
  std::size_t written = 0;
  callbench::Status st = callbench::write_seed_corpus(argv[1], argv[2], &written);
  if (!st.is_ok()) {
    std::fprintf(stderr, "callbench_seeds: %s\n", st.message().c_str());
    return st.code() == callbench::Status::Code::kIo ? 3 : 2;
  }
  std::printf("callbench_seeds: wrote %zu seed programs into %s\n", written, argv[2]);
  return 0;
}
