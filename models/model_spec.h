// Making a CallModel from its spec, the value of --model: "builtin", "exec:COMMAND",
// "plugin:PATH.so". The model is ready (an exec model's process runs and has said
// hello; a plugin is loaded and its ABI version checked) or the Status says why not,
// naming the option's value.
#ifndef CALLBENCH_MODELS_MODEL_SPEC_H_
#define CALLBENCH_MODELS_MODEL_SPEC_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/call_model.h"

namespace callbench {

inline constexpr double kDefaultModelTimeout = 5.0;  // seconds per request (--model-timeout)

// Checks the spec's form only (no process, no file): for option validation.
Status check_model_spec(std::string_view spec);

Status make_model(std::string_view spec, double timeout_seconds, std::unique_ptr<CallModel>* out);

// The ModelInfo a spec names, before the model says its name and version: the inverse of
// ModelInfo::spec(). REQUIRES: check_model_spec(spec) is ok.
ModelInfo model_info_of(std::string_view spec);

}  // namespace callbench

#endif  // CALLBENCH_MODELS_MODEL_SPEC_H_
