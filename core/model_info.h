// ModelInfo: which call model produced a session (core/call_model.h), as the journal
// header records it and replay shows it. A plain value; no dependency.
#ifndef CALLBENCH_CORE_MODEL_INFO_H_
#define CALLBENCH_CORE_MODEL_INFO_H_

#include <string>

namespace callbench {

struct ModelInfo {
  std::string kind = "builtin";  // "builtin", "exec" or "plugin"
  std::string name;              // what the model calls itself
  std::string version;           // the version it reports
  std::string command;           // exec: the command line; plugin: the library path
  // The spec that makes this model again: "builtin", "exec:COMMAND", "plugin:PATH".
  std::string spec() const { return kind == "builtin" ? kind : kind + ":" + command; }
  friend bool operator==(const ModelInfo&, const ModelInfo&) = default;
};

}  // namespace callbench

#endif  // CALLBENCH_CORE_MODEL_INFO_H_
