// The built-in engine (core/engine.h) as a CallModel: `--model builtin`, the default.
// The engine is kept between sessions and only reset when the next session has the
// same topology kinds and profile (as the fuzz harness always did), so a campaign
// allocates nothing per execution once warm.
#ifndef CALLBENCH_MODELS_BUILTIN_MODEL_H_
#define CALLBENCH_MODELS_BUILTIN_MODEL_H_

#include <optional>
#include <vector>

#include "core/call_model.h"

namespace callbench {

class BuiltinModel final : public CallModel {
 public:
  BuiltinModel();
  const ModelInfo& info() const override { return info_; }
  const ModelSupports& supports() const override { return supports_; }
  Status start(const SessionConfig& config) override;
  Status apply(const Stimulus& s, std::vector<Event>* out, ApplyResult* result) override;

  // The engine of the current session (its invariants, its pause state).
  const Engine& engine() const { return *engine_; }

 private:
  ModelInfo info_;
  ModelSupports supports_;
  std::optional<Engine> engine_;
  std::vector<DnKind> kinds_;
  SwitchProfile profile_;
};

}  // namespace callbench

#endif  // CALLBENCH_MODELS_BUILTIN_MODEL_H_
