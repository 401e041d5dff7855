#include "replay/replayer.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/engine.h"
#include "core/names.h"
#include "core/render.h"
#include "core/scenario.h"
#include "storage/codec.h"

namespace callbench {
namespace {

bool same_content(Event a, Event b) {
  a.seq = b.seq = 0;
  return a == b;
}

std::string outcome_text(const ApplyResult& r) {
  switch (r.outcome) {
    case Outcome::kApplied:
      return "applied";
    case Outcome::kRefused:
      return "refused with EventError";
    case Outcome::kIgnored:
      return std::string("ignored (") + ignore_reason_text(r.reason) + ")";
  }
  return "?";
}

std::string recorded_outcome_text(IgnoreReason ignored) {
  return ignored == IgnoreReason::kNone
             ? "applied or refused"
             : std::string("ignored (") + ignore_reason_text(ignored) + ")";
}

std::string pad(std::string s, std::size_t n) {
  if (s.size() < n) s += std::string(n - s.size(), ' ');
  return s;
}

// expected (journal) against actual (engine), attribute by attribute: the event type
// and every attribute that differs.
std::string attribute_diff(const Event& expected, const Event& actual, const SessionConfig& c) {
  std::string out =
      "    " + pad("attribute", 20) + pad("expected (journal)", 26) + "actual (engine)\n";
  out += "    " + pad("event", 20) + pad(event_name(expected.type), 26) + event_name(actual.type) +
         "\n";
  auto value = [&](const Event& e, Attr a) {
    return e.has(a) ? attr_value_text(e, a, c) : "(absent)";
  };
  for (int i = 0; i < kAttrCount; ++i) {
    auto a = static_cast<Attr>(i);
    std::string x = value(expected, a), y = value(actual, a);
    if (x != y) out += "    " + pad(attr_name(a), 20) + pad(x, 26) + y + "\n";
  }
  if (expected.call != actual.call) {
    auto name = [&](CallId id) { return id == kNoCall ? std::string("(none)") : c.call_names[id]; };
    out += "    " + pad("call", 20) + pad(name(expected.call), 26) + name(actual.call) + "\n";
  }
  return out;
}

class Replay {
 public:
  Replay(Journal& journal, const LoadedSession& ls, ReplayResult* out, CallModel* model)
      : journal_(journal),
        ls_(ls),
        config_(ls.session.config),
        codec_(*ls.codec),
        out_(out),
        model_(model) {
    head_ = "session " + std::to_string(ls.info.id);
    where_ = journal.path() + " " + head_;
    if (!ls.info.label.empty()) head_ += " '" + printable(ls.info.label, 200) + "'";
  }

  Status run() {
    Status s = journal_.stream_events(ls_.info.id, &stream_);
    if (!s.is_ok()) return s;
    if (!advance()) return read_;
    std::optional<Engine> engine;
    if (model_) {
      Status st = model_->start(config_);
      if (!st.is_ok()) return model_failed(1, st);
    } else {
      engine.emplace(config_);
    }
    std::vector<Event> produced;
    Payload p;
    bool journal_ended = false;
    const auto& stimuli = ls_.session.stimuli;
    for (std::size_t i = 0; i < stimuli.size() && !journal_ended; ++i) {
      auto rseq = static_cast<uint32_t>(i + 1);
      produced.clear();
      ApplyResult r;
      if (model_) {
        Status st = model_->apply(stimuli[i], &produced, &r);
        if (!st.is_ok()) return model_failed(rseq, st);
      } else {
        r = engine->apply(stimuli[i], &produced);
      }
      codec_.encode_request(stimuli[i], rseq, r, &p);
      auto [at, size] = ls_.request_spans[i];
      if (p.size() != size || std::memcmp(p.data(), ls_.request_bytes.data() + at, size) != 0) {
        // The stimulus is the journal's own, so what differs is what became of it.
        return diverge("request " + std::to_string(rseq), rseq,
                       "    expected (journal): " + recorded_outcome_text(ls_.ignored[i]) +
                           "\n    actual (engine):    " + outcome_text(r) + "\n");
      }
      for (std::size_t k = 0; k < produced.size(); ++k) {
        const Event& e = produced[k];
        if (!have_) {
          if (!ls_.info.complete) {  // the recording stopped here
            journal_ended = true;
            break;
          }
          return diverge("event seq " + std::to_string(e.seq), rseq,
                         "  extra event: the engine produces " + event_text(e, config_) +
                             "\n  the journal has no more events\n");
        }
        codec_.encode_event(e, &p);
        if (row_.seq != e.seq || row_.request_seq != e.request_seq || p.size() != row_.size ||
            std::memcmp(p.data(), row_.payload, p.size()) != 0) {
          return analyse(rseq, produced, k);
        }
        digest_ = chain_digest(digest_, row_.payload, row_.size);
        ++out_->events;
        if (!advance()) return read_;
      }
      ++out_->requests;
      if (have_ && row_.request_seq == rseq) return analyse(rseq, produced, produced.size());
    }
    if (have_) {
      Event j;
      Status d = decode_row(&j);
      if (!d.is_ok()) return d;
      return diverge("event seq " + std::to_string(row_.seq), row_.request_seq,
                     "  missing event: the journal has " + event_text(j, config_) +
                         "\n  the engine produces no more events\n");
    }
    if (static_cast<int64_t>(out_->events) != ls_.info.event_count) {
      return Status::corrupt(where_ + ": holds " + std::to_string(out_->events) +
                             " event rows, but the session records " +
                             std::to_string(ls_.info.event_count));
    }
    if (digest_string(digest_) != ls_.info.digest) {
      return Status::corrupt(where_ + ": its events hash to digest " + digest_string(digest_) +
                             ", but the session records " + ls_.info.digest +
                             " (a row was altered, added or deleted)");
    }
    out_->identical = true;
    out_->summary = head_ + ": " + std::to_string(out_->requests) + " requests, " +
                    std::to_string(out_->events) + " events, bit-exact, digest " + ls_.info.digest;
    if (out_->incomplete) {
      out_->summary += "; incomplete recording: replayed up to its last event (seq " +
                       std::to_string(out_->events) + ")";
    }
    if (ls_.recorded_engine != engine_version())
      out_->summary += "; recorded by " + printable(ls_.recorded_engine, 64);
    if (model_) out_->summary += "; replayed on model " + printable(model_->info().spec(), 200);
    return Status::ok();
  }

 private:
  Status model_failed(uint32_t rseq, const Status& st) {
    return diverge("request " + std::to_string(rseq), rseq,
                   "  the model failed: " + st.message() + "\n");
  }

  bool advance() {
    have_ = stream_.next(&row_, &read_);
    return read_.is_ok();
  }

  Status decode_row(Event* e) {
    Status d = codec_.decode_event(row_.payload, row_.size, e);
    if (!d.is_ok())
      return Status::corrupt(where_ + " event " + std::to_string(row_.seq) + ": " + d.message());
    if (e->seq != row_.seq || e->request_seq != row_.request_seq) {
      return Status::corrupt(where_ + " event " + std::to_string(row_.seq) +
                             ": columns seq/request_seq differ from the payload");
    }
    return Status::ok();
  }

  Status diverge(const std::string& what, uint32_t rseq, const std::string& details) {
    out_->identical = false;
    std::string cause = "?";
    if (rseq >= 1 && rseq <= ls_.session.stimuli.size()) {
      cause = print_stimulus(ls_.session.stimuli[rseq - 1], config_,
                             default_reference_ids(ls_.session.stimuli)[rseq - 1]);
    }
    out_->summary = head_ + ": diverges at " + what;
    out_->report = head_ + ": diverges at " + what + ", caused by request " + std::to_string(rseq) +
                   " '" + cause + "'\n" + details;
    return Status::ok();
  }

  // The first difference within the events of request `rseq`, from produced[k] on:
  // reordered, missing, extra, or one event whose attributes differ.
  Status analyse(uint32_t rseq, const std::vector<Event>& produced, std::size_t k) {
    // A gap in the journal's seq numbering: a row was deleted.
    if (k < produced.size() && have_ && row_.seq > produced[k].seq) {
      return diverge("event seq " + std::to_string(produced[k].seq), rseq,
                     "  missing row: the journal has no row for event seq " +
                         std::to_string(produced[k].seq) + " (its next row is seq " +
                         std::to_string(row_.seq) + ")\n  the engine produces " +
                         event_text(produced[k], config_) + "\n");
    }
    std::vector<Event> journal;
    while (have_ && row_.request_seq == rseq && journal.size() < limits::kMaxEventsPerSession) {
      Event e;
      Status d = decode_row(&e);
      if (!d.is_ok()) return d;
      journal.push_back(e);
      if (!advance()) return read_;
    }
    std::vector<Event> engine(produced.begin() + static_cast<std::ptrdiff_t>(k), produced.end());
    uint32_t expected_seq =
        k < produced.size() ? produced[k].seq : (journal.empty() ? 0 : journal[0].seq);
    if (journal.size() == engine.size() && journal.size() > 1 &&
        std::is_permutation(journal.begin(), journal.end(), engine.begin(), same_content)) {
      std::string details = "  reordered events:\n  journal order:\n";
      for (const Event& e : journal) details += "    " + event_text(e, config_) + "\n";
      details += "  engine order:\n";
      for (const Event& e : engine) details += "    " + event_text(e, config_) + "\n";
      return diverge("event seq " + std::to_string(expected_seq), rseq, details);
    }
    std::size_t m = 0;
    while (m < journal.size() && m < engine.size() && same_content(journal[m], engine[m])) ++m;
    std::string at =
        "event seq " + std::to_string(m < journal.size() ? journal[m].seq : expected_seq + m);
    auto contains = [](const std::vector<Event>& v, std::size_t from, const Event& e) {
      for (std::size_t i = from; i < v.size(); ++i) {
        if (same_content(v[i], e)) return true;
      }
      return false;
    };
    bool missing =
        m >= engine.size() || (m < journal.size() && !contains(engine, m + 1, journal[m]) &&
                               contains(journal, m + 1, engine[m]));
    bool extra = !missing && (m >= journal.size() || contains(engine, m + 1, journal[m]));
    if (missing) {
      return diverge(
          at, rseq,
          "  missing event: the journal has " + event_text(journal[m], config_) +
              "\n  the engine does not produce it" +
              (m < engine.size() ? " (it produces " + event_text(engine[m], config_) + ")" : "") +
              "\n");
    }
    if (extra) {
      return diverge(
          at, rseq,
          "  extra event: the engine produces " + event_text(engine[m], config_) +
              "\n  which the journal does not have" +
              (m < journal.size() ? " (it has " + event_text(journal[m], config_) + ")" : "") +
              "\n");
    }
    return diverge(at, rseq,
                   "  the event differs, expected (journal) against actual (engine):\n" +
                       attribute_diff(journal[m], engine[m], config_));
  }

  Journal& journal_;
  const LoadedSession& ls_;
  const SessionConfig& config_;
  const SessionCodec& codec_;
  ReplayResult* out_;
  CallModel* model_ = nullptr;
  std::string head_, where_;
  Journal::EventStream stream_;
  EventRow row_;
  bool have_ = false;
  Status read_;
  uint64_t digest_ = 0;
};

}  // namespace

Status replay_session(Journal& journal, int64_t session_id, ReplayResult* out,
                      const ModelMaker* make_model) {
  *out = ReplayResult{};
  out->session_id = session_id;
  // The one verification path first (columns, counts, digest, orphans); then the
  // engine's bytes against the journal's.
  LoadedSession ls;
  std::vector<Event> events;
  Status s = journal.read_session(session_id, &ls, &events);
  if (!s.is_ok()) return s;
  out->incomplete = !ls.info.complete;
  CallModel* model = nullptr;
  if (ls.recorded_model.kind != "builtin") {
    std::string where = journal.path() + " session " + std::to_string(session_id);
    if (!make_model) {
      return Status::invalid(where + " was recorded with model " +
                             printable(ls.recorded_model.spec(), 200) +
                             ": replay it with 'callbench replay', which runs that model again");
    }
    s = (*make_model)(ls.recorded_model, &model);
    if (!s.is_ok()) {
      return s.code() == Status::Code::kInvalid
                 ? Status::invalid(where + ": its model: " + s.message())
                 : Status::io(where + ": its model: " + s.message());
    }
  }
  Replay replay(journal, ls, out, model);
  return replay.run();
}

}  // namespace callbench
