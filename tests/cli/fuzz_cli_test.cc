// callbench fuzz as a user runs it, against stand-in fuzz targets: shell scripts that
// carry a target's name (fuzz/harness.h) and behave like a fork-mode libFuzzer that
// never stops by itself. Arguments are checked before anything runs, the work
// directory is locked, the time limit holds, an interrupt still gives the end work, a
// second one quits, the resume hint resumes, and stdout is checked.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "tests/test_util.h"

namespace callbench {
namespace {

namespace fs = std::filesystem;
using testing::callbench;
using testing::run_command;

// A scratch directory of its own for each test, removed after a test that passed (kept
// for a look after one that failed).
class Scratch {
 public:
  explicit Scratch(const std::string& name)
      : path_(fs::path(::testing::TempDir()) /
              ("fuzz_cli_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ec;
    if (!::testing::Test::HasFailure()) fs::remove_all(path_, ec);
  }
  operator const fs::path&() const { return path_; }

 private:
  fs::path path_;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A stand-in fuzz target named `target` (none when empty). It records its pid and that
// it started in STATE, writes a crash artifact, prints libFuzzer-like status lines and
// never ends by itself; with `ignore_interrupts` it also ignores SIGINT and SIGTERM.
std::string fake_fuzzer(const fs::path& dir, const std::string& target,
                        bool ignore_interrupts = false) {
  fs::path path = dir / ("fake_" + (target.empty() ? std::string("none") : target) +
                         (ignore_interrupts ? "_stubborn" : ""));
  std::ofstream out(path);
  out << "#!/bin/sh\n";
  if (!target.empty()) out << "# callbench-fuzz-target:" << target << ";\n";
  out << "state='" << dir.string() << "'\n"
      << "echo $$ > \"$state/pid\"\n"
      << "echo \"$@\" > \"$state/args\"\n"
      << "for a in \"$@\"; do case \"$a\" in -artifact_prefix=*) "
         "prefix=\"${a#-artifact_prefix=}\";; esac; done\n"
      << "printf x > \"${prefix}crash-fake\"\n"
      << (ignore_interrupts ? "trap '' INT TERM\n" : "") << "touch \"$state/started\"\n"
      << "i=0\nwhile :; do i=$((i+100)); echo \"#$i\tNEW    cov: 10 ft: 10 corp: 3 exec/s: 100\"; "
         "sleep 0.2; done\n";
  out.close();
  fs::permissions(path, fs::perms::owner_all);
  return path.string();
}

std::string fuzz_command(const fs::path& dir, const std::string& fuzzer, const std::string& more) {
  return callbench() + " fuzz --target fuzz_scenario_parser --fuzzer " + fuzzer +
         " --seed 1 --workdir '" + (dir / "work").string() + "' " + more;
}

// callbench in the background (its stdout and stderr into files in `dir`).
pid_t start(const fs::path& dir, const std::string& command) {
  std::string line =
      "exec " + command + " >" + (dir / "out").string() + " 2>" + (dir / "err").string();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

bool wait_for_file(const fs::path& p, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (fs::exists(p)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// The exit status of a background callbench, waiting at most `seconds` (then it is
// killed and -1 returned).
int finish(pid_t pid, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

bool process_gone(pid_t pid) {
  for (int i = 0; i < 60; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(FuzzCliTest, TheTimeLimitHoldsWhenTheJobsDoNotStop) {
  Scratch scratch_dir("time");
  const fs::path& d = scratch_dir;
  std::string fake = fake_fuzzer(d, "fuzz_scenario_parser");
  auto begin = std::chrono::steady_clock::now();
  auto r = run_command("timeout 60 " + fuzz_command(d, fake, "--time 2 --jobs 100"));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_NE(r.exit_code, 124) << "still running after 60 s";
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the fake's crash is a new finding
  // The limit, then at most 2 s for the jobs to stop and 2 s more before they are killed.
  EXPECT_LT(seconds, 2 + 4 + 4) << r.err;
  EXPECT_NE(r.out.find("campaign fuzz_scenario_parser"), std::string::npos) << r.out;
}

TEST(FuzzCliTest, AnInterruptStopsTheJobsAndStillDoesTheEndWork) {
  Scratch scratch_dir("interrupt");
  const fs::path& d = scratch_dir;
  std::string fake = fake_fuzzer(d, "fuzz_scenario_parser");
  pid_t pid = start(d, fuzz_command(d, fake, "--time 120 --journal " + (d / "j.db").string()));
  ASSERT_TRUE(wait_for_file(d / "started", 30)) << read_all(d / "err");
  pid_t fake_pid = std::stoi(read_all(d / "pid"));
  ::kill(pid, SIGINT);
  int status = finish(pid, 30);
  std::string out = read_all(d / "out");
  EXPECT_EQ(status, 1) << read_all(d / "err");  // a new finding: the fake's crash
  EXPECT_NE(out.find("(interrupted)"), std::string::npos) << out;
  EXPECT_NE(out.find("NEW crash/fuzz_scenario_parser/crash-fake"), std::string::npos) << out;
  EXPECT_NE(read_all(d / "work/fuzz_scenario_parser/junit.xml").find("crash-fake"),
            std::string::npos);
  auto sql = run_command(callbench() + " sql " + (d / "j.db").string() +
                         " 'SELECT identity FROM findings' --csv");
  EXPECT_NE(sql.out.find("crash/fuzz_scenario_parser/crash-fake"), std::string::npos)
      << sql.out << sql.err;
  EXPECT_TRUE(process_gone(fake_pid)) << "the fuzzing process outlived the campaign";
}

TEST(FuzzCliTest, ASecondInterruptQuitsAtOnce) {
  Scratch scratch_dir("twice");
  const fs::path& d = scratch_dir;
  std::string fake = fake_fuzzer(d, "fuzz_scenario_parser", /*ignore_interrupts=*/true);
  pid_t pid = start(d, fuzz_command(d, fake, "--time 120"));
  ASSERT_TRUE(wait_for_file(d / "started", 30)) << read_all(d / "err");
  pid_t fake_pid = std::stoi(read_all(d / "pid"));
  ::kill(pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGINT);
  // Well before the 2 + 2 s the campaign would give the stubborn job.
  EXPECT_EQ(finish(pid, 2), 130) << read_all(d / "err");
  EXPECT_EQ(read_all(d / "out"), "");
  EXPECT_TRUE(process_gone(fake_pid)) << "the fuzzing process outlived the campaign";
}

TEST(FuzzCliTest, AJournalThatIsNotAJournalFailsBeforeAnyFuzzing) {
  Scratch scratch_dir("journal");
  const fs::path& d = scratch_dir;
  std::string fake = fake_fuzzer(d, "fuzz_scenario_parser");
  std::ofstream(d / "notes.txt") << "not a journal\n";
  auto r = run_command(fuzz_command(d, fake, "--time 30 --journal " + (d / "notes.txt").string()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("notes.txt"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "started")) << "it fuzzed before checking the journal";
}

TEST(FuzzCliTest, ASecondCampaignOnTheSameWorkdirIsRefused) {
  Scratch scratch_dir("lock");
  const fs::path& d = scratch_dir;
  std::string fake = fake_fuzzer(d, "fuzz_scenario_parser");
  pid_t first = start(d, fuzz_command(d, fake, "--time 120"));
  ASSERT_TRUE(wait_for_file(d / "started", 30)) << read_all(d / "err");
  fs::remove(d / "started");
  auto second = run_command(fuzz_command(d, fake, "--time 30"));
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_NE(second.err.find("another campaign is running"), std::string::npos) << second.err;
  EXPECT_FALSE(fs::exists(d / "started")) << "the second campaign fuzzed";
  ::kill(first, SIGINT);
  EXPECT_EQ(finish(first, 30), 1);
  // Once the first has ended, the work directory is free again.
  auto third = run_command(fuzz_command(d, fake, "--time 1"));
  EXPECT_EQ(third.exit_code, 0) << third.err;
}

TEST(FuzzCliTest, AFuzzerBuiltForAnotherTargetIsRefused) {
  Scratch scratch_dir("fuzzer");
  const fs::path& d = scratch_dir;
  auto other = run_command(fuzz_command(d, fake_fuzzer(d, "fuzz_journal_reader"), "--time 30"));
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(
      other.err.find("a build of fuzz_journal_reader, not of the target fuzz_scenario_parser"),
      std::string::npos)
      << other.err;
  auto none = run_command(fuzz_command(d, fake_fuzzer(d, ""), "--time 30"));
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_NE(none.err.find("not a callbench fuzz target"), std::string::npos) << none.err;
  EXPECT_FALSE(fs::exists(d / "started"));
}

TEST(FuzzCliTest, TheResumeHintResumesWithTheSameFuzzerAndJournal) {
  Scratch scratch_dir("resume with space");
  const fs::path& d = scratch_dir;
  fs::path journal = d / "my findings.db";
  std::string fake = fake_fuzzer(d, "fuzz_scenario_parser");
  auto first = run_command(
      fuzz_command(d, "'" + fake + "'", "--time 1 --journal '" + journal.string() + "'"));
  ASSERT_EQ(first.exit_code, 1) << first.err;
  std::string marker = "resume with: callbench ";
  std::size_t at = first.out.find(marker);
  ASSERT_NE(at, std::string::npos) << first.out;
  std::string resume = first.out.substr(at + marker.size());
  resume = resume.substr(0, resume.find('\n'));
  EXPECT_NE(resume.find("--fuzzer"), std::string::npos) << resume;
  EXPECT_NE(resume.find("--journal"), std::string::npos) << resume;
  auto again = run_command("timeout 60 " + callbench() + " " + resume);
  // The same journal: the crash is known now, so nothing new (exit 0).
  EXPECT_EQ(again.exit_code, 0) << resume << "\n" << again.err;
  EXPECT_NE(again.out.find("journal: " + journal.string()), std::string::npos) << again.out;
  // The finding is the journal's already (whether the stand-in crashes again within its one
  // second on a loaded machine or not): found in this journal, not new.
  EXPECT_NE(again.out.find("    crash/fuzz_scenario_parser/crash-fake  x"), std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find(" in this run, x1 in all"), std::string::npos) << again.out;
}

TEST(FuzzCliTest, RunsBoundsTheCampaignByExecutions) {
  Scratch scratch_dir("runs");
  const fs::path& d = scratch_dir;
  auto r =
      run_command(fuzz_command(d, fake_fuzzer(d, "fuzz_scenario_parser"), "--time 1 --runs 5000"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::string args = read_all(d / "args");
  EXPECT_NE(args.find("-runs=5000 "), std::string::npos) << args;
  EXPECT_NE(args.find("-fork=1 "), std::string::npos) << args;
  EXPECT_NE(r.out.find("resume with: callbench fuzz --target fuzz_scenario_parser --time 1 --jobs "
                       "1 --runs 5000 "),
            std::string::npos)
      << r.out;
  auto zero =
      run_command(fuzz_command(d, fake_fuzzer(d, "fuzz_scenario_parser"), "--time 1 --runs 0"));
  EXPECT_EQ(zero.exit_code, 2) << zero.err;
}

// CLI11's own parsers let these through: "-5" wrapped to 2^64-5 executions, 2^64 clamped,
// and "nan" passed the 1 to 86400 range (every comparison with NaN is false) and started
// a campaign "for nan s". Each is a usage error naming the option, before anything runs.
TEST(FuzzCliTest, RunsAndTimeRefuseWrappedOverflowingAndNanValues) {
  Scratch scratch_dir("runs-bad");
  const fs::path& d = scratch_dir;
  const std::string fake = fake_fuzzer(d, "fuzz_scenario_parser");
  for (const std::string args : {"--time 1 --runs -5", "--time 1 --runs 18446744073709551616",
                                 "--time 1 --runs 1x", "--time 1 --runs ''", "--time nan",
                                 "--time -nan", "--time 0x5", "--time ' 5'", "--time 5s"}) {
    auto r = run_command(fuzz_command(d, fake, args));
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    const std::string option = args.find("--runs") != std::string::npos ? "--runs" : "--time";
    EXPECT_NE(r.err.find(option + ": expected"), std::string::npos) << args << ": " << r.err;
    EXPECT_FALSE(fs::exists(d / "args")) << args << ": the fuzzer ran";
  }
  auto ok = run_command(fuzz_command(d, fake, "--time 1.5 --runs 18446744073709551615"));
  EXPECT_NE(ok.exit_code, 2) << ok.err;
  EXPECT_NE(read_all(d / "args").find("-runs=18446744073709551615 "), std::string::npos);
}

TEST(FuzzCliTest, AFailedWriteToStdoutIsAnIoFailure) {
  Scratch scratch_dir("stdout");
  const fs::path& d = scratch_dir;
  auto r = run_command(fuzz_command(d, fake_fuzzer(d, "fuzz_scenario_parser"), "--time 1") +
                       " >/dev/full");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("stdout"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace callbench
