#include "models/model_spec.h"

#include "models/builtin_model.h"
#include "models/exec_model.h"
#include "models/plugin_model.h"

namespace callbench {

Status check_model_spec(std::string_view spec) {
  if (spec == "builtin") return Status::ok();
  if (spec.substr(0, 5) == "exec:") {
    if (spec.size() == 5) return Status::invalid("--model exec:COMMAND: the command is empty");
    return Status::ok();
  }
  if (spec.substr(0, 7) == "plugin:") {
    if (spec.size() == 7) return Status::invalid("--model plugin:PATH: the path is empty");
    return Status::ok();
  }
  return Status::invalid("--model '" + std::string(spec) +
                         "': expected builtin, exec:COMMAND or plugin:PATH.so");
}

Status make_model(std::string_view spec, double timeout_seconds, std::unique_ptr<CallModel>* out) {
  Status st = check_model_spec(spec);
  if (!st.is_ok()) return st;
  if (spec == "builtin") {
    *out = std::make_unique<BuiltinModel>();
    return Status::ok();
  }
  if (spec.substr(0, 5) == "exec:") {
    auto m = std::make_unique<ExecModel>(std::string(spec.substr(5)), timeout_seconds);
    st = m->open();
    if (!st.is_ok()) return st;
    *out = std::move(m);
    return Status::ok();
  }
  auto m = std::make_unique<PluginModel>(std::string(spec.substr(7)));
  st = m->open();
  if (!st.is_ok()) return st;
  *out = std::move(m);
  return Status::ok();
}

ModelInfo model_info_of(std::string_view spec) {
  ModelInfo info;
  std::size_t colon = spec.find(':');
  if (spec == "builtin" || colon == std::string_view::npos) return info;
  info.kind = std::string(spec.substr(0, colon));
  info.command = std::string(spec.substr(colon + 1));
  return info;
}

}  // namespace callbench
