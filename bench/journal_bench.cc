// Journal throughput over all the documented flows, in events/s (items_per_second):
//   BM_RawSqliteInsert: (a) pre-encoded rows of the journal's shape inserted with the
//                       journal's statements, pragmas and batching: SQLite's own cost;
//   BM_Record:          (b) full recording: engine + canonical encoding + SQLite;
//   BM_ReplayVerify:    (c) replay with verification (engine, canonical encoding, byte
//                       comparison, column check, digest) of the recorded sessions.
// Each run writes to a fresh journal under $TMPDIR (default /tmp).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "bench/flows.h"
#include "core/player.h"
#include "core/scenario.h"
#include "replay/record.h"
#include "replay/replayer.h"
#include "storage/codec.h"
#include "storage/journal.h"
#include "storage/recorder.h"

namespace callbench {
namespace {

const std::vector<Session>& sessions() { return documented_flows(); }

// The workload of a benchmark: the documented flows one session each, or the long
// session (state.range(0) == 1) repeated as many times as there are flows.
std::vector<Session> workload(const benchmark::State& state) {
  if (state.range(0) == 0) return sessions();
  return std::vector<Session>(8, long_session());
}

std::string fresh_journal(const char* tag) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir ? dir : "/tmp") + "/callbench_bench_" + tag + "_" +
                     std::to_string(::getpid()) + ".db";
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  return path;
}

void remove_journal(const std::string& path) {
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
}

std::unique_ptr<Journal> open_or_die(const std::string& path, Journal::Mode mode) {
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, mode, &j);
  if (!s.is_ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    std::exit(2);
  }
  return j;
}

void check(const Status& s) {
  if (!s.is_ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    std::exit(2);
  }
}

// A request or event row, encoded ahead of time, bound exactly as the recorder binds it.
struct Row {
  bool is_event = false;
  struct Value {
    bool null = true, is_int = false;
    int64_t integer = 0;
    std::string text;
  };
  std::vector<Value> columns;  // the decoded columns, in storage/columns.h's order
  int64_t seq = 0, request_seq = 0;
  Payload payload;
};

struct EncodedSession {
  Payload header;
  std::string seed;
  std::vector<std::vector<Row>> by_stimulus;  // the request row, then its events
  int64_t events = 0;
};

std::vector<EncodedSession> encode_all(const std::vector<Session>& all) {
  std::vector<EncodedSession> out;
  for (const Session& s : all) {
    EncodedSession es;
    es.header = encode_header(s.config);
    es.seed = std::to_string(s.config.seed);
    SessionCodec codec(s.config);
    Engine engine(s.config);
    std::vector<Event> events;
    for (std::size_t i = 0; i < s.stimuli.size(); ++i) {
      const Stimulus& st = s.stimuli[i];
      events.clear();
      ApplyResult r = engine.apply(st, &events);
      std::vector<Row> rows;
      Row req;
      req.seq = static_cast<int64_t>(i + 1);
      auto copy = [](Row& row, const ColumnValue* v, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) {
          Row::Value x;
          x.null = !v[k].is_int && v[k].text == nullptr;
          x.is_int = v[k].is_int;
          x.integer = v[k].integer;
          if (v[k].text) x.text = v[k].text;
          row.columns.push_back(std::move(x));
        }
      };
      RequestColumns rc;
      request_columns(st, r.outcome == Outcome::kIgnored ? r.reason : IgnoreReason::kNone, 0,
                      s.config, &rc);
      copy(req, rc.value, kRequestColumnCount);
      codec.encode_request(st, static_cast<uint32_t>(i + 1), r, &req.payload);
      rows.push_back(std::move(req));
      for (const Event& e : events) {
        Row row;
        row.is_event = true;
        row.seq = e.seq;
        row.request_seq = e.request_seq;
        EventColumns c;
        event_columns(e, s.config, &c);
        copy(row, c.value, kEventColumnCount);
        codec.encode_event(e, &row.payload);
        rows.push_back(std::move(row));
        ++es.events;
      }
      es.by_stimulus.push_back(std::move(rows));
    }
    out.push_back(std::move(es));
  }
  return out;
}

// (a) SQLite alone: the recorder's statements, pragmas and batch policy, fed rows that
// are already encoded.
void BM_RawSqliteInsert(benchmark::State& state) {
  std::vector<EncodedSession> encoded = encode_all(workload(state));
  std::string path = fresh_journal("raw");
  auto j = open_or_die(path, Journal::Mode::kWrite);
  sqlite3* db = j->db();
  Stmt session, request, event, update, begin, commit;
  check(session.prepare(
      db,
      "INSERT INTO sessions (seed, label, engine_version, created_at, status, request_count, "
      "event_count, digest, header) VALUES (?, 'raw', 'bench', 't', 'incomplete', 0, 0, "
      "'0000000000000000', ?)"));
  check(request.prepare(db, "INSERT INTO requests (session_id, seq, " +
                                column_list(kRequestColumns) + ", payload) VALUES (?, ?" +
                                placeholders(kRequestColumnCount + 1) + ")"));
  check(event.prepare(db, "INSERT INTO events (session_id, seq, request_seq, " +
                              column_list(kEventColumns) + ", payload) VALUES (?, ?, ?" +
                              placeholders(kEventColumnCount + 1) + ")"));
  check(update.prepare(
      db,
      "UPDATE sessions SET request_count = ?, event_count = ?, digest = ?, status = ? "
      "WHERE session_id = ?"));
  check(begin.prepare(db, "BEGIN IMMEDIATE"));
  check(commit.prepare(db, "COMMIT"));
  const std::size_t batch = RecorderOptions{}.batch_rows;
  int64_t total = 0;
  for (auto _ : state) {
    for (const EncodedSession& es : encoded) {
      session.bind_text(1, es.seed);
      session.bind_blob(2, es.header.data(), es.header.size());
      check(session.run("session"));
      int64_t id = sqlite3_last_insert_rowid(db);
      check(begin.run("begin"));
      std::size_t rows = 0;
      int64_t requests = 0;
      for (const auto& group : es.by_stimulus) {
        for (const Row& r : group) {
          Stmt& st = r.is_event ? event : request;
          int col = 1;
          st.bind_int(col++, id);
          st.bind_int(col++, r.seq);
          if (r.is_event) st.bind_int(col++, r.request_seq);
          for (const Row::Value& v : r.columns) {
            if (v.null)
              st.bind_null(col);
            else if (v.is_int)
              st.bind_int(col, v.integer);
            else
              st.bind_text(col, v.text);
            ++col;
          }
          st.bind_blob(col, r.payload.data(), r.payload.size());
          check(st.run("row"));
        }
        ++requests;
        rows += group.size();
        if (rows >= batch) {
          check(commit.run("commit"));
          check(begin.run("begin"));
          rows = 0;
        }
      }
      update.bind_int(1, requests);
      update.bind_int(2, es.events);
      update.bind_text(3, "0000000000000000");
      update.bind_text(4, "complete");
      update.bind_int(5, id);
      check(update.run("update"));
      check(commit.run("commit"));
      total += es.events;
    }
  }
  state.SetItemsProcessed(total);
  j.reset();
  remove_journal(path);
}
BENCHMARK(BM_RawSqliteInsert)->Unit(benchmark::kMillisecond)->ArgName("long")->Arg(0)->Arg(1);

// (b) Full recording: engine + canonical encoding + SQLite.
void BM_Record(benchmark::State& state) {
  std::string path = fresh_journal("record");
  auto j = open_or_die(path, Journal::Mode::kWrite);
  int64_t total = 0;
  std::vector<Session> all = workload(state);
  for (auto _ : state) {
    for (const Session& s : all) {
      Recorded rec;
      check(record_session(j.get(), s, "bench", "t", {}, &rec));
      total += static_cast<int64_t>(rec.played.events.size());
    }
  }
  state.SetItemsProcessed(total);
  j.reset();
  remove_journal(path);
}
BENCHMARK(BM_Record)->Unit(benchmark::kMillisecond)->ArgName("long")->Arg(0)->Arg(1);

// (c) Replay with verification of every recorded flow.
void BM_ReplayVerify(benchmark::State& state) {
  std::string path = fresh_journal("replay");
  std::vector<int64_t> ids;
  {
    auto w = open_or_die(path, Journal::Mode::kWrite);
    std::vector<Session> all = workload(state);
    for (int copies = 0; copies < 10; ++copies) {
      for (const Session& s : all) {
        Recorded rec;
        check(record_session(w.get(), s, "bench", "t", {}, &rec));
        ids.push_back(rec.session_id);
      }
    }
  }
  auto j = open_or_die(path, Journal::Mode::kRead);
  // One read transaction, as `callbench replay` reads (cli/cmd_journal.cc).
  check(exec_sql(j->db(), "BEGIN", "begin"));
  int64_t total = 0;
  for (auto _ : state) {
    for (int64_t id : ids) {
      ReplayResult r;
      check(replay_session(*j, id, &r));
      if (!r.identical) {
        std::fprintf(stderr, "%s\n", r.report.c_str());
        std::exit(1);
      }
      total += static_cast<int64_t>(r.events);
    }
  }
  state.SetItemsProcessed(total);
  j.reset();
  remove_journal(path);
}
BENCHMARK(BM_ReplayVerify)->Unit(benchmark::kMillisecond)->ArgName("long")->Arg(0)->Arg(1);

}  // namespace
}  // namespace callbench
