#include "replay/replayer.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/engine.h"
#include "core/limits.h"
#include "core/names.h"
#include "core/render.h"
#include "core/scenario.h"
#include "storage/codec.h"
#include "storage/columns.h"
#include "storage/log_store.h"

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

// expected (journal) against actual (`who`: the engine or the model replaying),
// attribute by attribute: the event type and every attribute that differs.
std::string attribute_diff(const Event& expected, const Event& actual, const SessionConfig& c,
                           const std::string& who) {
  std::string out =
      "    " + pad("attribute", 20) + pad("expected (journal)", 26) + "actual (" + who + ")\n";
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
        model_(model),
        who_(model ? "model" : "engine") {
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
        return diverge(
            "request " + std::to_string(rseq), rseq,
            "    expected (journal): " + recorded_outcome_text(ls_.ignored[i]) + "\n    actual (" +
                who_ + "):" + std::string(who_ == "model" ? 5 : 4, ' ') + outcome_text(r) + "\n");
      }
      for (std::size_t k = 0; k < produced.size(); ++k) {
        const Event& e = produced[k];
        if (!have_) {
          if (!ls_.info.complete) {  // the recording stopped here
            journal_ended = true;
            break;
          }
          return diverge("event seq " + std::to_string(e.seq), rseq,
                         "  extra event: the " + who_ + " produces " + event_text(e, config_) +
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
                     "  missing event: the journal has " + event_text(j, config_) + "\n  the " +
                         who_ + " produces no more events\n");
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
                         std::to_string(row_.seq) + ")\n  the " + who_ + " produces " +
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
          "  missing event: the journal has " + event_text(journal[m], config_) + "\n  the " +
              who_ + " does not produce it" +
              (m < engine.size() ? " (it produces " + event_text(engine[m], config_) + ")" : "") +
              "\n");
    }
    if (extra) {
      return diverge(
          at, rseq,
          "  extra event: the " + who_ + " produces " + event_text(engine[m], config_) +
              "\n  which the journal does not have" +
              (m < journal.size() ? " (it has " + event_text(journal[m], config_) + ")" : "") +
              "\n");
    }
    return diverge(at, rseq,
                   "  the event differs, expected (journal) against actual (" + who_ + "):\n" +
                       attribute_diff(journal[m], engine[m], config_, who_));
  }

  Journal& journal_;
  const LoadedSession& ls_;
  const SessionConfig& config_;
  const SessionCodec& codec_;
  ReplayResult* out_;
  CallModel* model_ = nullptr;
  std::string who_;  // "engine" or "model": which one replays, in reports
  std::string head_, where_;
  Journal::EventStream stream_;
  EventRow row_;
  bool have_ = false;
  Status read_;
  uint64_t digest_ = 0;
};

// ---- The fast path ----------------------------------------------------------------
//
// One pass over the session's three row sets (the session row with its header, the
// requests, the events), with the engine replaying as the events stream in. It checks
// everything Journal::read_session and Replay::run check, but only to say "bit-exact":
// at the first check that does not hold (a corrupt row, a divergence, an incomplete
// or observed session, another model, an I/O error) it gives up, and replay_session
// replays the session again the slow way, through read_session and Replay, which name
// what is wrong. So every report and error stays what it was; only the identical case,
// by far the common one, is fast.
//
// An event row whose payload is byte for byte the canonical encoding of the event the
// engine produced decodes to that event (the codec's decoder accepts exactly the
// canonical encodings of valid events, journal.h): so the fast path compares bytes and
// checks the decoded columns against the engine's event, instead of decoding each
// payload, re-encoding it to check it is canonical, and encoding the engine's event
// again. Requests are decoded (they are the stimuli to replay). Buffers are reused
// from one session to the next (FastScratch), and the statements come from the
// journal's cache.

struct FastScratch {
  Session session;
  std::vector<IgnoreReason> ignored;
  std::vector<uint64_t> request_conn_ids;
  std::vector<uint8_t> request_bytes;
  std::vector<std::pair<std::size_t, std::size_t>> request_spans;
  std::vector<uint64_t> conn;
  std::vector<bool> created;
  std::vector<Event> produced;
  Payload payload;
  std::optional<Engine> engine;  // one for every session: Engine::reset(config)
};

enum class Fast { kIdentical, kObserved, kSlow };

// One of the fast path's three row sets, each row led by its session_id: per session, a
// statement bound to the session (a seek); in a scan (ReplayScan), one statement over the
// whole table in key order, shared by consecutive sessions, which skips the rows of
// sessions the fast path left (given up on) or that were not asked for.
struct Cursor {
  Journal::Statement lease;
  bool scan = false;
  bool started = false;
  int rc = SQLITE_DONE;

  // Every session of the journal, in increasing order, when the scan replays them all
  // (ReplayScan::covers): a row it passes over that belongs to none is an orphan.
  const std::vector<int64_t>* all = nullptr;

  bool integer_key() const { return sqlite3_column_type(lease->get(), 0) == SQLITE_INTEGER; }
  bool names_a_session() const {
    return integer_key() && std::binary_search(all->begin(), all->end(), lease->col_int(0));
  }
  // Positions the cursor at the session's first row, if it has one; false when the
  // statement cannot be made, or when a scan over every session passed over a row that
  // belongs to no session (the slow path's Journal::check_orphans names it).
  bool seek(Journal& journal, const std::string& select, const char* order, int64_t id) {
    if (!scan) {
      if (!journal.prepare(select + " WHERE session_id = ?" + order, &lease).is_ok()) return false;
      lease->bind_int(1, id);
      rc = lease->step();
      return true;
    }
    if (!started) {
      if (!journal.prepare(select + order, &lease).is_ok()) return false;
      started = true;
      rc = lease->step();
    }
    bool orphan = false;
    while (rc == SQLITE_ROW && integer_key() && lease->col_int(0) < id) {
      if (all && !names_a_session()) orphan = true;
      rc = lease->step();
    }
    return !orphan;
  }
  bool at(int64_t id) const { return rc == SQLITE_ROW && integer_key() && lease->col_int(0) == id; }
  bool failed() const { return rc != SQLITE_ROW && rc != SQLITE_DONE; }
  void next() { rc = lease->step(); }
  Stmt& st() { return *lease; }
};

}  // namespace

struct ReplayScan::Cursors {
  Cursor sessions, requests, events;
  int64_t last = 0;          // the last session read: a scan goes forward only
  std::vector<int64_t> all;  // ReplayScan::covers
  bool covering = false;
};

ReplayScan::ReplayScan() : cursors_(std::make_unique<Cursors>()) {
  cursors_->sessions.scan = cursors_->requests.scan = cursors_->events.scan = true;
}
ReplayScan::~ReplayScan() = default;

void ReplayScan::covers(std::vector<int64_t> every_session) {
  Cursors& c = *cursors_;
  c.all = std::move(every_session);
  std::sort(c.all.begin(), c.all.end());
  c.covering = true;
  c.requests.all = c.events.all = &c.all;
}

Status ReplayScan::finish(Journal& journal) {
  Cursors& c = *cursors_;
  if (!c.covering) return Status::ok();
  for (Cursor* cur : {&c.requests, &c.events}) {
    // A table the fast path never scanned was checked by the slow path, which every
    // session took (Journal::check_orphans runs once per journal).
    if (!cur->started) return journal.check_orphans();
    for (; cur->rc == SQLITE_ROW; cur->next()) {
      if (!cur->names_a_session()) return journal.check_orphans();
    }
    if (cur->failed()) {
      return sqlite_status(journal.db(), cur->rc,
                           journal.path() + ": reading rows after the last session");
    }
  }
  // The imported logs' tables, which Journal::check_orphans checks with the rest: every
  // session here took the fast path, which does not.
  return check_log_tables(journal);
}

namespace {

void column_text(const Stmt& st, int i, std::string* out) { out->assign(st.col_text(i)); }

// The fast path's row sets, each led by its session_id (made once, not per session).
const std::string kRequestsSelect =
    "SELECT session_id, seq, " + column_list(kRequestColumns) + ", payload FROM requests";
const std::string kEventsSelect =
    "SELECT session_id, seq, request_seq, " + column_list(kEventColumns) + ", payload FROM events";

Fast fast_replay(Journal& journal, int64_t id, ReplayResult* out, FastScratch& x,
                 ReplayScan::Cursors& cursors) {
  std::string seed, label, engine_column, digest, recorded_engine;
  int64_t request_count = 0, event_count = 0;
  SessionConfig& config = x.session.config;  // decoded in place: no copy per session
  ModelInfo recorded_model;
  HeaderFlags flags;
  {
    Cursor& cur = cursors.sessions;
    if (!cur.seek(journal, kSessionRowSelect, " ORDER BY session_id", id) || !cur.at(id)) {
      return Fast::kSlow;
    }
    Stmt& st = cur.st();
    if (first_mistyped(st, 0, kSessionRowTypes)) return Fast::kSlow;
    if (st.col_text(5) != "complete") return Fast::kSlow;  // incomplete, or not a status
    if (!st.col_null(2) &&
        (sqlite3_column_type(st.get(), 2) != SQLITE_TEXT || !valid_label(st.col_text(2)))) {
      return Fast::kSlow;
    }
    if (sqlite3_column_type(st.get(), 4) != SQLITE_TEXT || !valid_label(st.col_text(4)))
      return Fast::kSlow;
    column_text(st, 1, &seed);
    column_text(st, 2, &label);
    column_text(st, 3, &engine_column);
    column_text(st, 8, &digest);
    request_count = st.col_int(6);
    event_count = st.col_int(7);
    if (!decode_header(st.col_blob(9), st.col_bytes(9), &config, &recorded_engine, &recorded_model,
                       &flags)
             .is_ok()) {
      return Fast::kSlow;
    }
    if (flags.observed) return Fast::kObserved;
    if (recorded_model.kind != "builtin" || recorded_engine != engine_column ||
        std::to_string(config.seed) != seed) {
      return Fast::kSlow;
    }
  }
  SessionCodec codec(config);
  const SessionConfig& c = codec.config();
  x.session.observed = false;
  x.session.profile_known = flags.profile_known;
  x.session.stimuli.clear();
  x.ignored.clear();
  x.request_conn_ids.clear();
  x.request_bytes.clear();
  x.request_spans.clear();
  {
    Cursor& cur = cursors.requests;
    if (!cur.seek(journal, kRequestsSelect, " ORDER BY session_id, seq", id)) {
      return Fast::kSlow;
    }
    Stmt& st = cur.st();
    const int payload_col = 2 + static_cast<int>(kRequestColumnCount);
    const int conn_col = 2 + static_cast<int>(kRequestConnIdColumn);
    RecordedRequest rr;
    for (; cur.at(id); cur.next()) {
      auto expected = static_cast<int64_t>(x.session.stimuli.size() + 1);
      if (expected > static_cast<int64_t>(limits::kMaxStimuli) ||
          first_mistyped(st, 1, kRequestRowTypes) || st.col_int(1) != expected)
        return Fast::kSlow;
      const uint8_t* bytes = st.col_blob(payload_col);
      std::size_t size = st.col_bytes(payload_col);
      if (!codec.decode_request(bytes, size, &rr).is_ok() || rr.seq != expected) return Fast::kSlow;
      RequestColumns columns;
      request_columns(rr.stimulus, rr.ignored, 0, c, &columns);
      if (first_differing_column(st, 2, kRequestColumns, columns.value, kRequestColumnCount,
                                 kRequestConnIdColumn)) {
        return Fast::kSlow;
      }
      uint64_t conn = 0;
      if (!st.col_null(conn_col)) {
        if (sqlite3_column_type(st.get(), conn_col) != SQLITE_TEXT) return Fast::kSlow;
        std::optional<uint64_t> parsed = parse_conn_id(st.col_text(conn_col));
        if (!parsed || *parsed == 0) return Fast::kSlow;
        conn = *parsed;
      }
      x.request_conn_ids.push_back(conn);
      x.session.stimuli.push_back(rr.stimulus);
      x.ignored.push_back(rr.ignored);
      x.request_spans.emplace_back(x.request_bytes.size(), size);
      x.request_bytes.insert(x.request_bytes.end(), bytes, bytes + size);
    }
    if (cur.failed()) return Fast::kSlow;
  }
  if (!validate_session(x.session).empty()) return Fast::kSlow;
  x.created.assign(c.call_names.size(), false);
  for (const Stimulus& s : x.session.stimuli) {
    if (shape_of(s.kind).creates_call) x.created[s.call] = true;
  }
  if (std::find(x.created.begin(), x.created.end(), false) != x.created.end()) return Fast::kSlow;
  if (static_cast<int64_t>(x.session.stimuli.size()) != request_count) return Fast::kSlow;

  Cursor& cur = cursors.events;
  if (!cur.seek(journal, kEventsSelect, " ORDER BY session_id, seq", id)) {
    return Fast::kSlow;
  }
  Stmt& st = cur.st();
  const int payload_col = 3 + static_cast<int>(kEventColumnCount);
  if (x.engine)
    x.engine->reset(c);
  else
    x.engine.emplace(c);
  Engine& engine = *x.engine;
  x.conn.assign(c.call_names.size(), 0);
  uint64_t chained = 0;
  std::size_t events = 0;
  for (std::size_t i = 0; i < x.session.stimuli.size(); ++i) {
    const auto rseq = static_cast<uint32_t>(i + 1);
    const Stimulus& stimulus = x.session.stimuli[i];
    x.produced.clear();
    ApplyResult r = engine.apply(stimulus, &x.produced);
    codec.encode_request(stimulus, rseq, r, &x.payload);
    auto [at, size] = x.request_spans[i];
    if (x.payload.size() != size ||
        std::memcmp(x.payload.data(), x.request_bytes.data() + at, size) != 0) {
      return Fast::kSlow;
    }
    for (const Event& e : x.produced) {
      if (!cur.at(id) || events >= limits::kMaxEventsPerSession) return Fast::kSlow;
      ++events;
      if (e.seq != events || first_mistyped(st, 1, kEventRowTypes) ||
          st.col_int(1) != static_cast<int64_t>(events) ||
          st.col_int(2) != static_cast<int64_t>(e.request_seq)) {
        return Fast::kSlow;
      }
      const uint8_t* bytes = st.col_blob(payload_col);
      std::size_t n = st.col_bytes(payload_col);
      codec.encode_event(e, &x.payload);
      if (x.payload.size() != n || std::memcmp(x.payload.data(), bytes, n) != 0) return Fast::kSlow;
      EventColumns columns;
      event_columns(e, c, &columns);
      if (first_differing_column(st, 3, kEventColumns, columns.value, kEventColumnCount,
                                 kEventColumnCount)) {
        return Fast::kSlow;
      }
      chained = chain_digest(chained, bytes, n);
      if (e.call != kNoCall && e.has(Attr::kConnId)) x.conn[e.call] = e.conn_id;
      cur.next();
    }
    // No more events of this request in the journal.
    if (cur.at(id) && st.col_int(2) == static_cast<int64_t>(rseq)) return Fast::kSlow;
    uint64_t expected = shape_of(stimulus.kind).has_call ? x.conn[stimulus.call] : 0;
    if (x.request_conn_ids[i] != expected) return Fast::kSlow;
  }
  if (cur.at(id) || cur.failed()) return Fast::kSlow;  // a row the engine did not produce
  if (static_cast<int64_t>(events) != event_count || digest_string(chained) != digest)
    return Fast::kSlow;
  out->identical = true;
  out->incomplete = false;
  out->requests = x.session.stimuli.size();
  out->events = events;
  std::string head = "session " + std::to_string(id);
  if (!label.empty()) head += " '" + printable(label, 200) + "'";
  out->summary = head + ": " + std::to_string(out->requests) + " requests, " +
                 std::to_string(out->events) + " events, bit-exact, digest " + digest;
  if (recorded_engine != engine_version())
    out->summary += "; recorded by " + printable(recorded_engine, 64);
  return Fast::kIdentical;
}

}  // namespace

Status replay_session(Journal& journal, int64_t session_id, ReplayResult* out,
                      const ModelMaker* make_model, bool* observed, const ModelInfo* instead,
                      ReplayScan* scan) {
  *out = ReplayResult{};
  out->session_id = session_id;
  if (observed) *observed = false;
  const bool on_engine = instead ? instead->kind == "builtin" : true;
  // A scan over every session finds orphan rows as it reads (ReplayScan::covers and
  // finish); otherwise they are looked for before the first session.
  const bool scan_checks_orphans =
      on_engine && scan && scan->cursors_->covering && session_id > scan->cursors_->last;
  Status s = scan_checks_orphans ? Status::ok() : journal.check_orphans();
  if (!s.is_ok()) return s;
  if (on_engine) {
    // The fast path says "bit-exact" (or "observed") or gives up; see fast_replay().
    thread_local FastScratch scratch;
    // A scan reads forward only; a session out of order is read on its own.
    ReplayScan::Cursors own;
    ReplayScan::Cursors& cursors =
        scan && session_id > scan->cursors_->last ? *scan->cursors_ : own;
    if (scan && &cursors != &own) scan->cursors_->last = session_id;
    Fast f = fast_replay(journal, session_id, out, scratch, cursors);
    if (f == Fast::kIdentical) return Status::ok();
    if (f == Fast::kObserved && observed) {
      *observed = true;
      return Status::ok();
    }
    *out = ReplayResult{};
    out->session_id = session_id;
  }
  // The one verification path first (columns, counts, digest, orphans); then the
  // engine's bytes against the journal's.
  LoadedSession ls;
  std::vector<Event> events;
  s = journal.read_session(session_id, &ls, &events);
  if (!s.is_ok()) return s;
  if (observed && ls.session.observed) {
    *observed = true;
    return Status::ok();
  }
  out->incomplete = !ls.info.complete;
  CallModel* model = nullptr;
  const ModelInfo& wanted = instead ? *instead : ls.recorded_model;
  if (wanted.kind != "builtin") {
    std::string where = journal.path() + " session " + std::to_string(session_id);
    if (!make_model) {
      return Status::invalid(where + " was recorded with model " +
                             printable(ls.recorded_model.spec(), 200) +
                             ": replay it with 'callbench replay', which runs that model again");
    }
    s = (*make_model)(wanted, &model);
    if (!s.is_ok()) {
      // A model that cannot be started or says a bad hello is bad input, as in `run` (exit
      // 2); a failing fork or socket is an I/O error.
      return s.code() == Status::Code::kInvalid || s.code() == Status::Code::kCorrupt
                 ? Status::invalid(where + ": its model: " + s.message())
                 : Status::io(where + ": its model: " + s.message());
    }
  }
  Replay replay(journal, ls, out, model);
  return replay.run();
}

}  // namespace callbench
