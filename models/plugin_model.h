// `--model plugin:PATH.so`: a call model in a shared library behind the C ABI of
// include/callbench_model.h. The library is loaded once (dlopen, RTLD_LOCAL) and its
// model created once; every session reuses it. What the plugin returns is checked
// (DN and call indexes inside the session, known event types, roles, CallStates, error
// and ignore reasons) before it becomes a model value: a plugin that breaks the ABI
// gets an error naming it and the request, not a crash of callbench.
#ifndef CALLBENCH_MODELS_PLUGIN_MODEL_H_
#define CALLBENCH_MODELS_PLUGIN_MODEL_H_

#include <string>
#include <vector>

#include "core/call_model.h"
#include "include/callbench_model.h"

namespace callbench {

class PluginModel final : public CallModel {
 public:
  explicit PluginModel(std::string path);
  ~PluginModel() override;
  PluginModel(const PluginModel&) = delete;
  PluginModel& operator=(const PluginModel&) = delete;

  // Loads the library, checks its ABI version and creates the model.
  Status open();

  const ModelInfo& info() const override { return info_; }
  const ModelSupports& supports() const override { return supports_; }
  Status start(const SessionConfig& config) override;
  Status apply(const Stimulus& s, std::vector<Event>* out, ApplyResult* result) override;

 private:
  // An error naming the model and the request; `plugin_said`: the call that failed returned
  // non-zero, so the plugin's last_error() text is added.
  Status fail(const std::string& request, const std::string& what, bool plugin_said = false) const;
  std::string who() const;

  std::string path_;
  ModelInfo info_;
  ModelSupports supports_;
  void* handle_ = nullptr;
  const callbench_model_api* api_ = nullptr;
  void* model_ = nullptr;
  std::size_t ndns_ = 0;
  std::size_t ncalls_ = 0;
  uint32_t request_seq_ = 0;
  uint32_t event_seq_ = 0;
  std::vector<callbench_event> buffer_;
};

}  // namespace callbench

#endif  // CALLBENCH_MODELS_PLUGIN_MODEL_H_
