#include "core/player.h"

namespace callbench {

Played play(const Session& session) {
  Played p;
  Engine engine(session.config);
  p.outcomes.reserve(session.stimuli.size());
  for (const Stimulus& s : session.stimuli) p.outcomes.push_back(engine.apply(s, &p.events));
  return p;
}

}  // namespace callbench
