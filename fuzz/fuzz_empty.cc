// The empty libFuzzer target: it looks at no byte and covers nothing of callbench, so its
// executions per second are libFuzzer's own cost per execution on this machine, the
// baseline bench/figure-fuzz measures fuzz_orderings against (README "Speed").
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)data;
  (void)size;
  return 0;
}
