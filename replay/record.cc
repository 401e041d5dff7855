#include "replay/record.h"

namespace callbench {

Status record_session(Journal* journal, const Session& session, const std::string& label,
                      const std::string& created_at, const RecorderOptions& options, Recorded* out) {
  Recorder recorder(journal, options);
  Status s = recorder.begin(session.config, label, created_at);
  if (!s.is_ok()) return s;
  out->session_id = recorder.session_id();
  out->played = Played{};
  Engine engine(session.config);
  for (const Stimulus& st : session.stimuli) {
    std::size_t first = out->played.events.size();
    ApplyResult r = engine.apply(st, &out->played.events);
    out->played.outcomes.push_back(r);
    s = recorder.record(st, r, out->played.events.data() + first, out->played.events.size() - first);
    if (!s.is_ok()) return s;
  }
  return recorder.finish();
}

}  // namespace callbench
