// build/callbench_import_bench: the speed of `callbench import` on a generated T-Server
// log of at least a million events, side by side with a baseline: SQLite alone writing
// the very rows the import wrote (every table, every column, read back into memory
// first), into a fresh file with the journal's schema, page size, WAL mode and cache, one
// transaction, one prepared INSERT per table.
//
// The log is generated in memory as the T-Server log files of one busy hour: each file
// 250 inbound ACD calls, interleaved two by two (EventQueued, EventDiverted, EventRinging
// with user data, RequestAnswerCall/EventEstablished,
// RequestHoldCall/EventHeld, RequestRetrieveCall/EventRetrieved, RequestReleaseCall/
// EventReleased: 7 events and 4 requests per call) across 100 agents and 4 queues.
// Measured: import_logs (import/importer.h), as `callbench import` runs it: reading,
// conversion into observed sessions and preparing the rows on a worker thread, the
// journal on this one, all files one transaction; everything but reading the files from
// disk (handed from memory instead).
//
//   build/callbench_import_bench [EVENTS] [DIR]     (defaults: 1000000, /tmp)
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "import/importer.h"
#include "import/tserver_log.h"
#include "storage/journal.h"

namespace {

using callbench::Status;

constexpr int kCallsPerFile = 250;
constexpr int kEventsPerCall = 7;

std::string hex16(uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

std::string clock(int64_t ms) {
  char b[32];
  std::snprintf(b, sizeof b, "@%02d:%02d:%02d.%04d", static_cast<int>(ms / 3600000 % 24),
                static_cast<int>(ms / 60000 % 60), static_cast<int>(ms / 1000 % 60),
                static_cast<int>(ms % 1000 * 10));
  return b;
}

// One file: kCallsPerFile calls, each a block of messages; calls interleave two by two.
std::string make_file(int file) {
  std::string out =
      "Application name:\tSIPS_A\nHost name:\thost1.example\nLocal "
      "time:\t2026-03-14T10:00:00.000\n";
  int64_t ms = 0;
  uint32_t seq = 0;
  auto event = [&](const char* name, const std::string& attrs) {
    ms += 3;
    char s[17];
    std::snprintf(s, sizeof s, "%016x", ++seq);
    out += clock(ms) + " [0] 8.1.101.25 distribute_event: message " + name +
           "\n\tAttributeEventSequenceNumber\t" + s + "\n" + attrs;
  };
  auto request = [&](const char* name, const std::string& attrs) {
    ms += 3;
    out += "2026-03-14T10:00:00.000 Trc 04541 " + std::string(name) +
           " received from [66] (00000e85 Desktop_1 192.0.2.61:49280)\nmessage " + name + "\n" +
           attrs;
  };
  for (int pair = 0; pair < kCallsPerFile; pair += 2) {
    struct Call {
      std::string conn, agent, queue, caller, uuid;
      int ref;
    } calls[2];
    for (int i = 0; i < 2; ++i) {
      int k = pair + i;
      calls[i].conn = hex16((static_cast<uint64_t>(file) << 20) | static_cast<uint64_t>(k + 1));
      calls[i].agent = "Agent_" + std::to_string(7000 + k % 100);
      calls[i].queue = std::string("VQ_") + (k % 4 == 0   ? "Sales"
                                             : k % 4 == 1 ? "Support"
                                             : k % 4 == 2 ? "Billing"
                                                          : "Retention");
      calls[i].caller = std::to_string(5550100 + k % 100);
      calls[i].uuid = "AM5D3AE9D90757BKTSVJTC" +
                      hex16(static_cast<uint64_t>(file * kCallsPerFile + k)).substr(6);
      calls[i].ref = 4 * k + 1;
    }
    for (const Call& c : calls) {
      event("EventQueued",
            "\tAttributeConnID\t" + c.conn + "\n\tAttributeCallUUID\t'" + c.uuid +
                "'\n\tAttributeCallType\t2\n\tAttributeThisDN\t'" + c.queue +
                "'\n\tAttributeThisQueue\t'" + c.queue +
                "'\n\tAttributeThisDNRole\t2\n\tAttributeOtherDN\t'" + c.caller +
                "'\n\tAttributeOtherDNRole\t1\n\tAttributeDNIS\t'8005550100'\n\tAttributeANI\t'" +
                c.caller + "'\n");
    }
    for (const Call& c : calls) {
      event("EventDiverted", "\tAttributeConnID\t" + c.conn + "\n\tAttributeThisDN\t'" + c.queue +
                                 "'\n\tAttributeThisQueue\t'" + c.queue +
                                 "'\n\tAttributeThisDNRole\t2\n\tAttributeOtherDN\t'" + c.caller +
                                 "'\n\tAttributeOtherDNRole\t1\n\tAttributeThirdPartyDN\t'" +
                                 c.agent + "'\n\tAttributeThirdPartyDNRole\t2\n");
      event("EventRinging", "\tAttributeConnID\t" + c.conn + "\n\tAttributeCallUUID\t'" + c.uuid +
                                "'\n\tAttributeCallState\t0\n\tAttributeThisDN\t'" + c.agent +
                                "'\n\tAttributeThisQueue\t'" + c.queue +
                                "'\n\tAttributeThisDNRole\t2\n\tAttributeOtherDN\t'" + c.caller +
                                "'\n\tAttributeOtherDNRole\t1\n\tAttributeUserData\t[62] 00 02 00 "
                                "00..\n\t\t'Segment'\t'gold'\n"
                                "\t\t'RTargetAgentSelected'\t'" +
                                c.agent + "'\n");
    }
    for (const Call& c : calls) {
      request("RequestAnswerCall", "\tAttributeThisDN\t'" + c.agent + "'\n\tAttributeConnID\t" +
                                       c.conn + "\n\tAttributeReferenceID\t" +
                                       std::to_string(c.ref) + "\n");
      event("EventEstablished", "\tAttributeConnID\t" + c.conn + "\n\tAttributeThisDN\t'" +
                                    c.agent + "'\n\tAttributeThisQueue\t'" + c.queue +
                                    "'\n\tAttributeThisDNRole\t2\n\tAttributeOtherDN\t'" +
                                    c.caller +
                                    "'\n\tAttributeOtherDNRole\t1\n\tAttributeReferenceID\t" +
                                    std::to_string(c.ref) + "\n");
    }
    for (const Call& c : calls) {
      const std::string party = "\tAttributeConnID\t" + c.conn + "\n\tAttributeThisDN\t'" +
                                c.agent + "'\n\tAttributeThisQueue\t'" + c.queue +
                                "'\n\tAttributeThisDNRole\t2\n\tAttributeOtherDN\t'" + c.caller +
                                "'\n\tAttributeOtherDNRole\t1\n";
      const std::string dn =
          "\tAttributeThisDN\t'" + c.agent + "'\n\tAttributeConnID\t" + c.conn + "\n";
      request("RequestHoldCall",
              dn + "\tAttributeReferenceID\t" + std::to_string(c.ref + 1) + "\n");
      event("EventHeld", party + "\tAttributeReferenceID\t" + std::to_string(c.ref + 1) + "\n");
      request("RequestRetrieveCall",
              dn + "\tAttributeReferenceID\t" + std::to_string(c.ref + 2) + "\n");
      event("EventRetrieved",
            party + "\tAttributeReferenceID\t" + std::to_string(c.ref + 2) + "\n");
      request("RequestReleaseCall",
              dn + "\tAttributeReferenceID\t" + std::to_string(c.ref + 3) + "\n");
      event("EventReleased", party + "\tAttributeCallState\t0\n\tAttributeReferenceID\t" +
                                 std::to_string(c.ref + 3) + "\n");
    }
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int fail(const Status& s) {
  std::fprintf(stderr, "callbench_import_bench: %s\n", s.message().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage =
      "usage: callbench_import_bench [EVENTS] [DIR]   (EVENTS a whole number from 1 to "
      "100000000, default 1000000; DIR default /tmp)\n";
  long long want = 1000000;
  if (argc > 3) {
    std::fputs(usage, stderr);
    return 2;
  }
  if (argc > 1) {
    char* end = nullptr;
    errno = 0;
    want = std::strtoll(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || errno != 0 || want < 1 || want > 100000000) {
      std::fprintf(stderr,
                   "callbench_import_bench: EVENTS '%s' is not a whole number from 1 to "
                   "100000000\n%s",
                   argv[1], usage);
      return 2;
    }
  }
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  const long long per_file = static_cast<long long>(kCallsPerFile) * kEventsPerCall;
  const int files = static_cast<int>((want + per_file - 1) / per_file);
  std::vector<std::string> texts;
  std::size_t bytes = 0;
  for (int f = 0; f < files; ++f) {
    texts.push_back(make_file(f));
    bytes += texts.back().size();
  }
  std::string journal_path = dir + "/callbench_import_bench_" + std::to_string(::getpid()) + ".db";
  std::string baseline_path =
      dir + "/callbench_import_baseline_" + std::to_string(::getpid()) + ".db";
  auto cleanup = [&] {
    for (const std::string& p : {journal_path, baseline_path})
      for (const char* sfx : {"", "-wal", "-shm", "-journal"}) std::remove((p + sfx).c_str());
  };
  cleanup();

  // callbench import: read, convert and prepare on a worker, journal on this thread, one
  // transaction (import/importer.h), as `callbench import` runs.
  std::size_t events = 0, requests = 0, rows = 0, payload_bytes = 0;
  double import_s = 0;
  {
    std::unique_ptr<callbench::Journal> journal;
    Status s = callbench::Journal::open(journal_path, callbench::Journal::Mode::kWrite, &journal);
    if (!s.is_ok()) return fail(s);
    std::vector<std::string> names;
    for (int f = 0; f < files; ++f)
      names.push_back("SIPS_A_20260314_" + std::to_string(100000 + f) + ".log");
    callbench::ImportSettings settings;
    settings.created_at = "2026-03-14T10:00:00Z";
    // Every measurement starts with no dirty page left by the one before (the kernel's
    // writeback of hundreds of MB would otherwise slow whichever runs second).
    ::sync();
    auto t0 = std::chrono::steady_clock::now();
    std::size_t unreadable = 0;
    s = callbench::import_logs(
        [&](callbench::Journal** j) {
          *j = journal.get();
          return Status::ok();
        },
        names,
        [&](std::size_t i, std::string* text) {
          *text = texts[i];
          return Status::ok();
        },
        settings,
        [&](const callbench::ImportedLog& log, int64_t) {
          unreadable += log.file.unreadable;
          events += log.events.size();
          requests += log.session.stimuli.size();
          rows += log.events.size() + log.session.stimuli.size() + log.other_rows.size();
        });
    import_s = seconds_since(t0);
    if (!s.is_ok()) return fail(s);
    if (unreadable != 0) return fail(Status::invalid("unreadable lines in the generated log"));
  }
  // Baseline: SQLite alone writing the very rows the import wrote. Every row of every
  // table (sessions, requests, events, log_other, log_files), every column, read back
  // into memory first; then, timed, a fresh file with the same schema (the journal's own
  // CREATE statements, its page size), the same WAL mode and cache, one transaction, and
  // one prepared INSERT per table binding each value. No parsing, no encoding.
  double baseline_s = 0, lean_s = 0;
  std::size_t baseline_rows = 0;
  {
    sqlite3* src = nullptr;
    if (sqlite3_open_v2(journal_path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      return fail(Status::io("cannot reopen " + journal_path));
    struct Table {
      std::string create, insert;
      int columns = 0;
      std::vector<sqlite3_value*> values;  // rows * columns
      std::vector<bool> log_payload;       // by column: a LogRow payload
    };
    std::vector<Table> tables;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(src,
                       "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name IN "
                       "('sessions', 'requests', 'events', 'log_other', 'log_files') ORDER BY "
                       "name",
                       -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      Table t;
      std::string name = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      t.create = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
      sqlite3_stmt* read = nullptr;
      sqlite3_prepare_v2(src, ("SELECT * FROM " + name).c_str(), -1, &read, nullptr);
      t.columns = sqlite3_column_count(read);
      for (int c = 0; c < t.columns; ++c) {
        std::string column = sqlite3_column_name(read, c);
        t.log_payload.push_back(column == "log_payload" ||
                                (name == "log_other" && column == "payload"));
      }
      while (sqlite3_step(read) == SQLITE_ROW) {
        for (int c = 0; c < t.columns; ++c)
          t.values.push_back(sqlite3_value_dup(sqlite3_column_value(read, c)));
        ++baseline_rows;
      }
      sqlite3_finalize(read);
      t.insert = "INSERT INTO " + name + " VALUES (";
      for (int c = 0; c < t.columns; ++c) t.insert += c ? ", ?" : "?";
      t.insert += ")";
      tables.push_back(std::move(t));
    }
    sqlite3_finalize(st);
    sqlite3_stmt* ps = nullptr;
    int page_size = 0;
    sqlite3_prepare_v2(src, "PRAGMA page_size", -1, &ps, nullptr);
    if (sqlite3_step(ps) == SQLITE_ROW) page_size = sqlite3_column_int(ps, 0);
    sqlite3_finalize(ps);
    sqlite3_close(src);
    for (const Table& t : tables)
      for (sqlite3_value* v : t.values)
        payload_bytes += static_cast<std::size_t>(sqlite3_value_bytes(v));

    // Seconds SQLite takes for the rows; `lean`: with every log payload left empty, to
    // show how much of that time the log payloads' bytes are.
    auto insert_all = [&](bool lean, double* seconds) {
      for (const char* sfx : {"", "-wal", "-shm", "-journal"})
        std::remove((baseline_path + sfx).c_str());
      sqlite3* db = nullptr;
      sqlite3_open(baseline_path.c_str(), &db);
      std::string setup = "PRAGMA page_size = " + std::to_string(page_size) +
                          "; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA "
                          "cache_size = -65536;";
      for (const Table& t : tables) setup += t.create + ";";
      Status ok = Status::ok();
      if (sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        ok = Status::io(std::string("baseline schema: ") + sqlite3_errmsg(db));
      ::sync();
      auto t0 = std::chrono::steady_clock::now();
      if (ok.is_ok()) sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
      for (std::size_t k = 0; k < tables.size() && ok.is_ok(); ++k) {
        const Table& t = tables[k];
        sqlite3_stmt* ins = nullptr;
        sqlite3_prepare_v2(db, t.insert.c_str(), -1, &ins, nullptr);
        for (std::size_t r = 0; r < t.values.size() && ok.is_ok();
             r += static_cast<std::size_t>(t.columns)) {
          for (int c = 0; c < t.columns; ++c) {
            if (lean && t.log_payload[static_cast<std::size_t>(c)])
              sqlite3_bind_zeroblob(ins, c + 1, 0);
            else
              sqlite3_bind_value(ins, c + 1, t.values[r + static_cast<std::size_t>(c)]);
          }
          if (sqlite3_step(ins) != SQLITE_DONE)
            ok = Status::io(std::string("baseline insert: ") + sqlite3_errmsg(db));
          sqlite3_reset(ins);
        }
        sqlite3_finalize(ins);
      }
      if (ok.is_ok() && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
        ok = Status::io(std::string("baseline commit: ") + sqlite3_errmsg(db));
      *seconds = seconds_since(t0);
      sqlite3_close(db);
      return ok;
    };
    Status inserted = insert_all(false, &baseline_s);
    if (inserted.is_ok()) inserted = insert_all(true, &lean_s);
    if (!inserted.is_ok()) return fail(inserted);
    for (Table& t : tables)
      for (sqlite3_value* v : t.values) sqlite3_value_free(v);
  }
  cleanup();
  std::printf("generated log: %d files, %.1f MB, %zu events, %zu requests, %zu rows (%.1f MB)\n",
              files, static_cast<double>(bytes) / 1e6, events, requests, baseline_rows,
              static_cast<double>(payload_bytes) / 1e6);
  std::printf("callbench import (parse + journal): %.2f s, %.0f events/s, %.0f messages/s\n",
              import_s, static_cast<double>(events) / import_s,
              static_cast<double>(rows) / import_s);
  std::printf(
      "baseline (SQLite alone inserting the same rows, one transaction): %.2f s, %.0f rows/s, "
      "%.0f events/s\n",
      baseline_s, static_cast<double>(baseline_rows) / baseline_s,
      static_cast<double>(events) / baseline_s);
  std::printf("  the same rows with empty log payloads: %.2f s, %.0f events/s\n", lean_s,
              static_cast<double>(events) / lean_s);
  // For bench/figure-import: both times for the same events.
  std::printf("figure events=%zu import_seconds=%.6f baseline_seconds=%.6f\n", events, import_s,
              baseline_s);
  return 0;
}
