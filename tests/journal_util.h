// Helpers for tests that record, damage and read journals.
#ifndef CALLBENCH_TESTS_JOURNAL_UTIL_H_
#define CALLBENCH_TESTS_JOURNAL_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "replay/record.h"
#include "storage/journal.h"
#include "tests/test_util.h"

namespace callbench::testing {

// A fresh path for a journal, unique to this test and process; nothing there yet.
inline std::string temp_journal(const std::string& tag) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name() + "_" + tag;
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  std::string path = ::testing::TempDir() + "cb_" + std::to_string(::getpid()) + "_" + name + ".db";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(path + suffix);
  return path;
}

inline std::unique_ptr<Journal> open_journal(const std::string& path, Journal::Mode mode) {
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, mode, &j);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return j;
}

// Records a scenario file (relative to the source tree) into the journal.
inline int64_t record_file(Journal* j, const std::string& relative, RecorderOptions options = {}) {
  Scenario sc;
  Status s = load_scenario(source_path(relative), &sc);
  EXPECT_TRUE(s.is_ok()) << s.message();
  Recorded rec;
  s = record_session(j, sc.session, relative, "2026-01-01T00:00:00Z", options, &rec);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return rec.session_id;
}

inline void exec(Journal* j, const std::string& sql) {
  Status s = exec_sql(j->db(), sql.c_str(), "test");
  ASSERT_TRUE(s.is_ok()) << s.message();
}

// " /abs/path/corpus/flows/NAME.scn": a corpus flow as a command-line argument.
inline std::string flow(const char* name) {
  return " " + source_path(std::string("corpus/flows/") + name + ".scn");
}

// A new journal recorded by the command line from `flows` (arguments as flow() gives).
inline std::string recorded(const std::string& tag,
                            const std::string& flows = flow("acd") + flow("park")) {
  std::string j = temp_journal(tag);
  auto r = run_command(callbench() + " run --journal " + j + flows);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return j;
}

// Runs `sql` on the journal at `path` as a writer (to break it on purpose).
inline void edit(const std::string& path, const std::string& sql) {
  auto j = open_journal(path, Journal::Mode::kWrite);
  exec(j.get(), sql);
}

}  // namespace callbench::testing

#endif  // CALLBENCH_TESTS_JOURNAL_UTIL_H_
