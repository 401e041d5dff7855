// build/callbench_import_bench: the speed of `callbench import` on a generated T-Server
// log of at least a million events, side by side with a baseline: the same rows
// (one per event, request and message outside the model, each with the bytes of its
// payload and log payload) inserted by plain SQLite prepared statements in one
// transaction.
//
// The log is generated in memory as the T-Server log files of one busy hour: each file
// 250 inbound ACD calls, interleaved two by two (EventQueued, EventDiverted, EventRinging
// with user data, RequestAnswerCall/EventEstablished,
// RequestHoldCall/EventHeld, RequestRetrieveCall/EventRetrieved, RequestReleaseCall/
// EventReleased: 7 events and 4 requests per call) across 100 agents and 4 queues.
// Measured: read (parse) + conversion into observed sessions + journal (every payload
// encoded, every row inserted, one transaction per file), the work `callbench import`
// does after reading the files.
//
//   build/callbench_import_bench [EVENTS] [DIR]     (defaults: 1000000, /tmp)
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "import/log_journal.h"
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
  long long want = argc > 1 ? std::atoll(argv[1]) : 1000000;
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  if (want <= 0) want = 1000000;
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

  // callbench import: parse, convert, journal.
  std::size_t events = 0, requests = 0, rows = 0, payload_bytes = 0;
  std::vector<std::size_t> row_sizes;
  double import_s = 0, parse_s = 0, convert_s = 0;
  {
    std::unique_ptr<callbench::Journal> journal;
    Status s = callbench::Journal::open(journal_path, callbench::Journal::Mode::kWrite, &journal);
    if (!s.is_ok()) return fail(s);
    callbench::ImportOptions options;
    callbench::Pseudonyms names;
    auto t0 = std::chrono::steady_clock::now();
    for (int f = 0; f < files; ++f) {
      std::string name = "SIPS_A_20260314_" + std::to_string(100000 + f) + ".log";
      auto p0 = std::chrono::steady_clock::now();
      callbench::LogFile file;
      s = callbench::read_tserver_log_text(texts[static_cast<std::size_t>(f)], name, &file);
      if (!s.is_ok()) return fail(s);
      if (file.unreadable != 0)
        return fail(Status::invalid(name + ": unreadable lines in the generated log"));
      auto p1 = std::chrono::steady_clock::now();
      callbench::ImportedLog log;
      s = callbench::log_to_session(std::move(file), options, &names, &log);
      if (!s.is_ok()) return fail(s);
      auto p2 = std::chrono::steady_clock::now();
      parse_s += std::chrono::duration<double>(p1 - p0).count();
      convert_s += std::chrono::duration<double>(p2 - p1).count();
      int64_t id = 0;
      s = callbench::write_imported(*journal, log, name, "2026-03-14T10:00:00Z", false, &id);
      if (!s.is_ok()) return fail(s);
      events += log.events.size();
      requests += log.session.stimuli.size();
      rows += log.events.size() + log.session.stimuli.size() + log.other_rows.size();
    }
    import_s = seconds_since(t0);
  }
  // The payload sizes the baseline inserts: those of the journal, read back.
  {
    sqlite3* db = nullptr;
    sqlite3_open_v2(journal_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(
        db,
        "SELECT length(payload) + coalesce(length(log_payload), 0) FROM events UNION ALL "
        "SELECT length(payload) + coalesce(length(log_payload), 0) FROM requests UNION ALL "
        "SELECT length(payload) FROM log_other",
        -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      row_sizes.push_back(static_cast<std::size_t>(sqlite3_column_int64(st, 0)));
      payload_bytes += row_sizes.back();
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
  }

  // Baseline: the same number of rows and payload bytes, plain SQLite, one transaction,
  // one prepared INSERT into one table with a text column and a blob.
  double baseline_s = 0;
  {
    sqlite3* db = nullptr;
    sqlite3_open(baseline_path.c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; CREATE TABLE rows (session_id INTEGER, seq INTEGER, "
                 "event TEXT, payload BLOB, "
                 "PRIMARY KEY (session_id, seq)) WITHOUT ROWID;",
                 nullptr, nullptr, nullptr);
    std::vector<unsigned char> blob(4096, 0xAB);
    auto t0 = std::chrono::steady_clock::now();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO rows VALUES (?, ?, ?, ?)", -1, &ins, nullptr);
    for (std::size_t i = 0; i < row_sizes.size(); ++i) {
      sqlite3_bind_int64(ins, 1, static_cast<int64_t>(i / 4096));
      sqlite3_bind_int64(ins, 2, static_cast<int64_t>(i));
      sqlite3_bind_text(ins, 3, "EventRinging", -1, SQLITE_STATIC);
      sqlite3_bind_blob(ins, 4, blob.data(),
                        static_cast<int>(std::min<std::size_t>(row_sizes[i], blob.size())),
                        SQLITE_STATIC);
      sqlite3_step(ins);
      sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    baseline_s = seconds_since(t0);
    sqlite3_close(db);
  }
  cleanup();
  std::printf(
      "generated log: %d files, %.1f MB, %zu events, %zu requests, %zu rows with payloads (%.1f "
      "MB)\n",
      files, static_cast<double>(bytes) / 1e6, events, requests, row_sizes.size(),
      static_cast<double>(payload_bytes) / 1e6);
  std::printf("callbench import (parse + journal): %.2f s, %.0f events/s, %.0f messages/s\n",
              import_s, static_cast<double>(events) / import_s,
              static_cast<double>(rows) / import_s);
  std::printf("  of which parse %.2f s, conversion %.2f s, journal %.2f s\n", parse_s, convert_s,
              import_s - parse_s - convert_s);
  std::printf(
      "baseline (same rows and payload bytes, plain SQLite, one transaction): %.2f s, %.0f "
      "rows/s\n",
      baseline_s, static_cast<double>(row_sizes.size()) / baseline_s);
  // For bench/figure-import: both times for the same events.
  std::printf("figure events=%zu import_seconds=%.6f baseline_seconds=%.6f\n", events, import_s,
              baseline_s);
  return 0;
}
