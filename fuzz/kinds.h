// Internal to fuzz/: shape_of and stimulus_args (core/model.h) read from copies made once.
// Both are out of line, and the program codec, repair_program and the mutator ask them for
// every stimulus of every program they touch (issue 12: the program path per execution).
#ifndef CALLBENCH_FUZZ_KINDS_H_
#define CALLBENCH_FUZZ_KINDS_H_

#include <array>
#include <cstddef>

#include "core/model.h"

namespace callbench {

struct KindTables {
  std::array<StimulusShape, kStimulusKindCount> shape;
  std::array<StimulusArgs, kStimulusKindCount> args;
  // As shape_of and stimulus_args: a kind out of range reads as pause.
  static std::size_t index(StimulusKind k) {
    auto i = static_cast<std::size_t>(k);
    return i < kStimulusKindCount ? i : static_cast<std::size_t>(StimulusKind::kPause);
  }
};

inline const KindTables& kind_tables() {
  static const KindTables t = [] {
    KindTables x{};
    for (int i = 0; i < kStimulusKindCount; ++i) {
      auto k = static_cast<StimulusKind>(i);
      x.shape[static_cast<std::size_t>(i)] = shape_of(k);
      x.args[static_cast<std::size_t>(i)] = stimulus_args(k);
    }
    return x;
  }();
  return t;
}

inline const StimulusShape& kind_shape(StimulusKind k) {
  return kind_tables().shape[KindTables::index(k)];
}
inline const StimulusArgs& kind_args(StimulusKind k) {
  return kind_tables().args[KindTables::index(k)];
}

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_KINDS_H_
