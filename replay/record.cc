#include "replay/record.h"

#include <optional>

namespace callbench {

Status record_session(Journal* journal, const Session& session, const std::string& label,
                      const std::string& created_at, const RecorderOptions& options, Recorded* out,
                      CallModel* model) {
  Recorder recorder(journal, options);
  out->played = Played{};
  out->model_status = Status::ok();
  Status s = recorder.begin(session.config, label, created_at, model ? &model->info() : nullptr);
  if (!s.is_ok()) return s;
  out->session_id = recorder.session_id();
  if (model) {
    out->model_status = model->start(session.config);
    if (!out->model_status.is_ok()) return recorder.abandon();
  }
  std::optional<Engine> engine;
  if (!model) engine.emplace(session.config);
  for (const Stimulus& st : session.stimuli) {
    std::size_t first = out->played.events.size();
    ApplyResult r;
    if (model) {
      out->model_status = model->apply(st, &out->played.events, &r);
      if (!out->model_status.is_ok()) {
        // The stimulus's partial answer is not recorded: a request and its events are
        // recorded together or not at all.
        out->played.events.resize(first);
        return recorder.abandon();
      }
    } else {
      r = engine->apply(st, &out->played.events);
    }
    out->played.outcomes.push_back(r);
    s = recorder.record(st, r, out->played.events.data() + first,
                        out->played.events.size() - first);
    if (!s.is_ok()) return s;
  }
  if (model) {
    out->model_status = model->end();
    if (!out->model_status.is_ok()) return recorder.abandon();
  }
  return recorder.finish();
}

}  // namespace callbench
