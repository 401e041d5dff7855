#include "fuzz/model_play.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "core/player.h"
#include "fuzz/generate.h"
#include "fuzz/program.h"
#include "models/compare.h"
#include "models/model_spec.h"

namespace callbench {
namespace {

CallModel* g_model = nullptr;
bool g_compare = false;

// What a model's failure message says went wrong, as a finding's state.
std::string failure_kind(const std::string& message) {
  if (message.find("no answer within") != std::string::npos) return "hang";
  if (message.find("end of output") != std::string::npos ||
      message.find("not running") != std::string::npos ||
      message.find("writing to the model failed") != std::string::npos) {
    return "exit";
  }
  if (message.find("does not name the request's seq") != std::string::npos) return "wrong-seq";
  if (message.find("longer than") != std::string::npos) return "huge-line";
  return "malformed";
}

}  // namespace

void set_fuzz_model(CallModel* model, bool compare_builtin) {
  g_model = model;
  set_program_domain(model ? model->supports() : ModelSupports{});
  g_compare = compare_builtin && model != nullptr;
}
CallModel* fuzz_model() { return g_model; }
bool fuzz_compare() { return g_compare; }

void init_fuzz_model_from_env() {
  static bool done = false;
  if (done) return;
  done = true;
  const char* spec = std::getenv("CALLBENCH_MODEL");
  if (!spec || !*spec || std::string(spec) == "builtin") return;
  double timeout = kDefaultModelTimeout;
  if (const char* t = std::getenv("CALLBENCH_MODEL_TIMEOUT"); t && *t) timeout = std::atof(t);
  if (timeout <= 0) timeout = kDefaultModelTimeout;
  static std::unique_ptr<CallModel> model;
  Status st = make_model(spec, timeout, &model);
  if (!st.is_ok()) {
    std::fprintf(stderr, "callbench: CALLBENCH_MODEL=%s: %s\n", spec, st.message().c_str());
    std::exit(2);
  }
  const char* compare = std::getenv("CALLBENCH_COMPARE");
  set_fuzz_model(model.get(), compare && std::string(compare) == "builtin");
}

Verdict play_and_judge(const Session& program, std::vector<Event>* events) {
  events->clear();
  if (!g_model) {
    Engine engine(program.config);
    for (const Stimulus& s : program.stimuli) (void)engine.apply(s, events);
    return judge(program, *events);
  }
  ModelPlayed mp = play_on(*g_model, program);
  *events = std::move(mp.events);
  if (!mp.status.is_ok()) {
    // Judge what the model answered, the failure first.
    Session answered = program;
    answered.stimuli.resize(mp.outcomes.size());
    std::erase_if(*events, [&](const Event& e) { return e.request_seq > mp.outcomes.size(); });
    Verdict v = judge(answered, *events);
    Violation x;
    x.rule = kModelFailedRule;
    x.request_seq = static_cast<uint32_t>(mp.outcomes.size() + 1);
    x.state = failure_kind(mp.status.message());
    x.message = mp.status.message();
    v.violations.insert(v.violations.begin(), std::move(x));
    return v;
  }
  Verdict v = judge(program, *events);
  if (g_compare) {
    Played engine = play(program);
    Difference d = compare_events(program, engine.events, engine.outcomes, *events, mp.outcomes,
                                  g_model->info().spec());
    if (d.found) {
      Violation x;
      x.rule = kDiffersRule;
      x.request_seq = d.request_seq;
      std::size_t dot = d.what.find('.');
      std::string head = d.what.substr(0, dot);
      std::string tail = dot == std::string::npos ? "" : d.what.substr(dot + 1);
      std::optional<EventType> type = parse_event_name(head);
      if (!type) type = parse_event_name(tail);
      if (type) {
        x.has_event = true;
        x.first_event = *type;
      }
      x.state =
          type && parse_event_name(head) ? tail : head;  // the attribute, or missing/extra/outcome
      x.message = d.report;
      v.violations.insert(v.violations.begin(), std::move(x));
    }
  }
  return v;
}

bool restrict_program(Session* p) {
  if (!g_model) return false;
  const ModelSupports& sup = g_model->supports();
  if (sup.everything() || sup.check(*p).empty()) return false;
  DnKind fallback = DnKind::kExtension;
  for (int k = 0; k < kDnKindCount; ++k) {
    if ((sup.dn_kinds >> k) & 1u) {
      fallback = static_cast<DnKind>(k);
      break;
    }
  }
  for (Dn& dn : p->config.topology.dns) {
    if (!((sup.dn_kinds >> static_cast<int>(dn.kind)) & 1u)) dn.kind = fallback;
  }
  for (int i = 0; i < kProfileOptionCount; ++i) {
    int v = profile_option_value(p->config.profile, i);
    if (!((sup.option_values[static_cast<std::size_t>(i)] >> v) & 1u))
      set_profile_option_value(&p->config.profile, i, 1 - v);
  }
  std::erase_if(p->stimuli, [&](const Stimulus& s) {
    return !((sup.stimuli >> static_cast<int>(s.kind)) & 1u);
  });
  Rng rng(0x7265737472696374ull);  // "restrict": the same program restricts the same way
  repair_program(p, rng);
  return true;
}

}  // namespace callbench
