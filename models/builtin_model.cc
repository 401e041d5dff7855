#include "models/builtin_model.h"

#include "storage/codec.h"

namespace callbench {

BuiltinModel::BuiltinModel() {
  info_.kind = "builtin";
  info_.name = "callbench engine";
  info_.version = engine_version();
}

Status BuiltinModel::start(const SessionConfig& config) {
  bool same = engine_ && profile_ == config.profile && kinds_.size() == config.topology.dns.size();
  for (std::size_t i = 0; same && i < kinds_.size(); ++i)
    same = kinds_[i] == config.topology.dns[i].kind;
  if (same) {
    engine_->reset(config.seed);
    return Status::ok();
  }
  engine_.emplace(config);
  profile_ = config.profile;
  kinds_.clear();
  for (const Dn& dn : config.topology.dns) kinds_.push_back(dn.kind);
  return Status::ok();
}

Status BuiltinModel::apply(const Stimulus& s, std::vector<Event>* out, ApplyResult* result) {
  *result = engine_->apply(s, out);
  return Status::ok();
}

}  // namespace callbench
