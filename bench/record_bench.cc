// build/callbench_record_bench [COPIES] [DIR]: the recording figure (bench/figure-record),
// product and baseline in the same run, on the same rows:
//   record    every documented flow (corpus/flows/*.scn) COPIES times (default 100) recorded
//             into a new journal in DIR (default /tmp) exactly as `callbench run --journal`
//             records: record_session() on the builtin model, sessions sharing the
//             transaction, a commit every 4096 rows (--journal-batch's default) and one at
//             the end, the journal closed (its WAL checkpointed). Timed from the new
//             journal opened to closed: the engine playing, canonical encoding, SQLite.
//             Not timed: parsing the scenarios (done once before), printing the events,
//             creating the journal (the baseline's is not timed either).
//   baseline  the very rows the recording wrote (sessions, requests, events: every
//             column, as stored), read into memory, then inserted into another new
//             journal (same schema, page size and pragmas) by plain prepared statements in
//             ONE transaction, session by session; timed from BEGIN to the journal closed.
// Prints on stdout
//   record rows=N seconds=S rows_per_second=R
//   baseline rows=N seconds=S rows_per_second=R
// Exit 2 when it cannot measure.
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/flows.h"
#include "models/model_spec.h"
#include "replay/record.h"
#include "storage/journal.h"

namespace {

using callbench::Status;

// One column value as stored; a text or blob's bytes in the table's one buffer (no
// allocation per value, so the heap the baseline inserts from is as tidy as the
// recorder's).
struct Value {
  int type = SQLITE_NULL;
  int64_t integer = 0;
  double real = 0;
  std::size_t offset = 0, size = 0;
};

struct Row {
  std::size_t first = 0;  // its values: Table::values[first ...]
};

struct Table {
  std::string insert;  // INSERT INTO t (c1, ...) VALUES (?, ...)
  int columns = 0;
  std::vector<Row> rows;
  std::vector<Value> values;
  std::vector<unsigned char> bytes;
  int64_t key(const Row& r) const { return values[r.first].integer; }  // session_id
};

int fail(const std::string& what) {
  std::fprintf(stderr, "callbench_record_bench: %s\n", what.c_str());
  return 2;
}

// Every row of `table` in `order`, with its column names for the INSERT.
bool load(sqlite3* db, const char* table, const char* order, Table* out) {
  std::string sql = std::string("SELECT * FROM ") + table + " ORDER BY " + order;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return false;
  int n = sqlite3_column_count(st);
  std::string names, marks;
  for (int i = 0; i < n; ++i) {
    names += std::string(i ? ", " : "") + sqlite3_column_name(st, i);
    marks += i ? ", ?" : "?";
  }
  out->insert = std::string("INSERT INTO ") + table + " (" + names + ") VALUES (" + marks + ")";
  out->columns = n;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    out->rows.push_back(Row{out->values.size()});
    for (int i = 0; i < n; ++i) {
      Value v;
      v.type = sqlite3_column_type(st, i);
      if (v.type == SQLITE_INTEGER) v.integer = sqlite3_column_int64(st, i);
      if (v.type == SQLITE_FLOAT) v.real = sqlite3_column_double(st, i);
      if (v.type == SQLITE_TEXT || v.type == SQLITE_BLOB) {
        const auto* p = static_cast<const unsigned char*>(
            v.type == SQLITE_TEXT ? static_cast<const void*>(sqlite3_column_text(st, i))
                                  : sqlite3_column_blob(st, i));
        v.size = static_cast<std::size_t>(sqlite3_column_bytes(st, i));
        v.offset = out->bytes.size();
        out->bytes.insert(out->bytes.end(), p, p + v.size);
      }
      out->values.push_back(v);
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE;
}

}  // namespace

int main(int argc, char** argv) {
  int copies = argc > 1 ? std::atoi(argv[1]) : 100;
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  if (copies <= 0) return fail("COPIES must be a whole number above 0");
  const std::string stem = dir + "/callbench_record_bench_" + std::to_string(::getpid());
  const std::string product_path = stem + "_record.db", baseline_path = stem + "_baseline.db";
  auto cleanup = [&] {
    for (const std::string& p : {product_path, baseline_path})
      for (const char* sfx : {"", "-wal", "-shm", "-journal"}) std::remove((p + sfx).c_str());
  };
  cleanup();
  const std::vector<callbench::Session>& flows = callbench::documented_flows();

  // The recording, as `callbench run --journal` does it.
  double record_s = 0;
  {
    std::unique_ptr<callbench::CallModel> model;
    Status s = callbench::make_model("builtin", 5, &model);
    if (!s.is_ok()) return fail(s.message());
    callbench::RecorderOptions options;
    options.share_transaction = true;  // as cli/cmd_run.cc
    std::unique_ptr<callbench::Journal> journal;
    s = callbench::Journal::open(product_path, callbench::Journal::Mode::kWrite, &journal);
    if (!s.is_ok()) return fail(s.message());
    auto t0 = std::chrono::steady_clock::now();  // opened, as the baseline's journal is
    for (int c = 0; c < copies; ++c) {
      for (const callbench::Session& session : flows) {
        callbench::Recorded rec;
        s = callbench::record_session(journal.get(), session, "bench", "2026-12-01T00:00:00Z",
                                      options, &rec, model.get());
        if (!s.is_ok()) return fail(s.message());
        if (!rec.model_status.is_ok()) return fail(rec.model_status.message());
      }
    }
    s = journal->commit();
    if (!s.is_ok()) return fail(s.message());
    journal.reset();
    record_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  sqlite3* src = nullptr;
  if (sqlite3_open_v2(product_path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return fail(product_path + ": cannot open");
  Table sessions, requests, events;
  bool ok = load(src, "sessions", "session_id", &sessions) &&
            load(src, "requests", "session_id, seq", &requests) &&
            load(src, "events", "session_id, seq", &events);
  sqlite3_close(src);
  if (!ok) return fail(product_path + ": cannot read its rows");

  std::unique_ptr<callbench::Journal> journal;
  Status s = callbench::Journal::open(baseline_path, callbench::Journal::Mode::kWrite, &journal);
  if (!s.is_ok()) return fail(s.message());
  sqlite3* db = journal->db();
  sqlite3_stmt* ins[3] = {};
  Table* tables[3] = {&sessions, &requests, &events};
  for (int t = 0; t < 3; ++t) {
    if (sqlite3_prepare_v2(db, tables[t]->insert.c_str(), -1, &ins[t], nullptr) != SQLITE_OK)
      return fail(sqlite3_errmsg(db));
  }
  auto put = [&](int t, const Row& r) {
    // Bound as the recorder binds: texts and blobs borrowed (SQLITE_STATIC), no copies.
    const Table& table = *tables[t];
    for (int i = 0; i < table.columns; ++i) {
      const Value& v = table.values[r.first + static_cast<std::size_t>(i)];
      const void* p = table.bytes.data() + v.offset;
      switch (v.type) {
        case SQLITE_INTEGER:
          sqlite3_bind_int64(ins[t], i + 1, v.integer);
          break;
        case SQLITE_FLOAT:
          sqlite3_bind_double(ins[t], i + 1, v.real);
          break;
        case SQLITE_TEXT:
          sqlite3_bind_text(ins[t], i + 1, static_cast<const char*>(p), static_cast<int>(v.size),
                            SQLITE_STATIC);
          break;
        case SQLITE_BLOB:
          sqlite3_bind_blob(ins[t], i + 1, p, static_cast<int>(v.size), SQLITE_STATIC);
          break;
        default:
          sqlite3_bind_null(ins[t], i + 1);
      }
    }
    int rc = sqlite3_step(ins[t]);
    sqlite3_reset(ins[t]);
    return rc == SQLITE_DONE;
  };
  auto t0 = std::chrono::steady_clock::now();
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(sqlite3_errmsg(db));
  // Session by session, as a recorder writes them: the session, then its rows.
  std::size_t r = 0, e = 0;
  for (const Row& session : sessions.rows) {
    if (!put(0, session)) return fail(sqlite3_errmsg(db));
    int64_t id = sessions.key(session);
    for (; r < requests.rows.size() && requests.key(requests.rows[r]) == id; ++r)
      if (!put(1, requests.rows[r])) return fail(sqlite3_errmsg(db));
    for (; e < events.rows.size() && events.key(events.rows[e]) == id; ++e)
      if (!put(2, events.rows[e])) return fail(sqlite3_errmsg(db));
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(sqlite3_errmsg(db));
  for (sqlite3_stmt* st : ins) sqlite3_finalize(st);
  journal.reset();  // closing checkpoints the WAL into the file, as `run` does at its end
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::size_t rows = sessions.rows.size() + requests.rows.size() + events.rows.size();
  if (r != requests.rows.size() || e != events.rows.size())
    return fail(product_path + ": rows that belong to no session");
  cleanup();
  std::printf("record rows=%zu seconds=%.6f rows_per_second=%.0f\n", rows, record_s,
              static_cast<double>(rows) / record_s);
  std::printf("baseline rows=%zu seconds=%.6f rows_per_second=%.0f\n", rows, seconds,
              static_cast<double>(rows) / seconds);
  return 0;
}
