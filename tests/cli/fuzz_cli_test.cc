// callbench fuzz as a user runs it, against stand-in fuzz targets: shell scripts that
// carry a target's name (fuzz/harness.h) and behave like an in-process libFuzzer (one per
// job): one that never stops by itself, and one that honours the stop file and crashes
// as told. Arguments are checked before anything runs, the work directory is locked, the
// time limit holds, an interrupt still gives the end work, a second one quits, the resume
// hint resumes, a job that crashes is started again, a crash loop is bounded, the
// executions add up over every process, and stdout is checked.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

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

// A stand-in in-process libFuzzer for the supervisor's tests, named fuzz_scenario_parser.
// Every start appends its arguments to STATE/starts. It prints libFuzzer's status lines
// and, when the stop file (-stop_file) has bytes, its final stats (300 executions) and
// exits 0. `mode`:
//   crash-after-init   after INITED and half a second, writes the artifact crash-<seed>,
//                      reports a deadly signal with its final stats (500 executions) and
//                      exits 77, as libFuzzer does
//   crash-before-init  the same before INITED (an input of its corpus ends it at start)
//   corpus-input       crashes before INITED while its corpus (the first input) holds the
//                      file `badinput` (the artifact crash-badinput has its bytes), and
//                      fuzzes normally once it does not
std::string stand_in(const fs::path& dir, const std::string& mode) {
  fs::path path = dir / ("stand_in_" + mode);
  std::ofstream out(path);
  out << "#!/bin/sh\n# callbench-fuzz-target:fuzz_scenario_parser;\n"
      << "state='" << dir.string() << "'\nmode='" << mode << "'\n"
      << "echo \"$@\" >> \"$state/starts\"\n"
      << "n=0\n"
      << "corpus=''\n"
      << "for a in \"$@\"; do case \"$a\" in\n"
      << "  -artifact_prefix=*) prefix=\"${a#-artifact_prefix=}\";;\n"
      << "  -stop_file=*) stop=\"${a#-stop_file=}\";;\n"
      << "  -seed=*) n=\"${a#-seed=}\";;\n"
      << "  -*) ;;\n"
      << "  *) [ -z \"$corpus\" ] && corpus=\"$a\";;\n"
      << "esac; done\n"
      << "crash() {\n"
      << "  cp \"$1\" \"${prefix}crash-$2\" 2>/dev/null || printf x > \"${prefix}crash-$2\"\n"
      << "  echo \"==$$== ERROR: libFuzzer: deadly signal\"\n"
      << "  echo \"artifact_prefix='$prefix'; Test unit written to ${prefix}crash-$2\"\n"
      << "  echo 'stat::number_of_executed_units: 500'\n"
      << "  exit 77\n"
      << "}\n"
      << "echo 'INFO: Seed: 1'\n"
      << "[ \"$mode\" = exit-at-start ] && { echo 'no such fault: nonesuch'; exit 2; }\n"
      << "[ \"$mode\" = crash-before-init ] && crash /dev/null \"early-$n\"\n"
      << "[ \"$mode\" = corpus-input ] && [ -f \"$corpus/badinput\" ] && crash "
         "\"$corpus/badinput\" badinput\n"
      << "if [ \"$mode\" = corpus-inputs ]; then for f in \"$corpus\"/bad*; do "
         "[ -f \"$f\" ] && crash \"$f\" \"$(basename \"$f\")\"; done; fi\n"
      << "echo \"#2\tINITED cov: 10 ft: 10 corp: 3/30b exec/s: 0 rss: 30Mb\"\n"
      << "start=$(date +%s%N)\n"
      << "while :; do\n"
      << "  if [ -s \"$stop\" ]; then echo 'Done 300 runs in 1 second(s)'; "
         "echo 'stat::number_of_executed_units: 300'; exit 0; fi\n"
      << "  if [ \"$mode\" = crash-after-init ] && [ $(( $(date +%s%N) - start )) -gt 500000000 ]; "
         "then crash /dev/null \"$n\"; fi\n"
      << "  if [ \"$mode\" = oom-after-init ] && [ $(( $(date +%s%N) - start )) -gt 500000000 ]; "
         "then printf x > \"${prefix}oom-$n\"; "
         "echo \"==$$== ERROR: libFuzzer: out-of-memory (used: 3000Mb; exceeds: 2048Mb)\"; "
         "echo \"artifact_prefix='$prefix'; Test unit written to ${prefix}oom-$n\"; exit 71; fi\n"
      << "  echo \"#100\tNEW    cov: 12 ft: 12 corp: 4/40b exec/s: 100 rss: 30Mb\"\n"
      << "  sleep 0.1\n"
      << "done\n";
  out.close();
  fs::permissions(path, fs::perms::owner_all);
  return path.string();
}

// The lines of a file.
std::vector<std::string> lines_of(const fs::path& p) {
  std::vector<std::string> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The number after `key` in `text` (the first one), or -1.
long long number_after(const std::string& text, const std::string& key) {
  std::size_t at = text.find(key);
  if (at == std::string::npos) return -1;
  at += key.size();
  std::size_t end = at;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  return end == at ? -1 : std::stoll(text.substr(at, end - at));
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
  // One in-process libFuzzer per job, not libFuzzer's fork mode.
  EXPECT_EQ(args.find("-fork"), std::string::npos) << args;
  EXPECT_NE(r.out.find("resume with: callbench fuzz --target fuzz_scenario_parser --time 1 --jobs "
                       "1 --runs 5000 "),
            std::string::npos)
      << r.out;
  auto zero =
      run_command(fuzz_command(d, fake_fuzzer(d, "fuzz_scenario_parser"), "--time 1 --runs 0"));
  EXPECT_EQ(zero.exit_code, 2) << zero.err;
}

// Each job is an in-process libFuzzer of its own: its own seed (the campaign's + the job),
// the campaign's corpus first (written and reloaded), the stop file, --runs shared out.
TEST(FuzzCliTest, EachJobIsAnInProcessLibFuzzerWithItsOwnSeedSharingTheCorpus) {
  Scratch scratch_dir("args");
  const fs::path& d = scratch_dir;
  auto r = run_command(fuzz_command(d, stand_in(d, "fuzz"), "--time 2 --jobs 3 --runs 1000"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> starts = lines_of(d / "starts");
  ASSERT_EQ(starts.size(), 3u) << r.out;
  std::set<std::string> seeds;
  for (const std::string& args : starts) {
    EXPECT_EQ(args.find("-fork"), std::string::npos) << args;
    EXPECT_NE(args.find("-reload=1 "), std::string::npos) << args;
    EXPECT_NE(args.find("-runs=334 "), std::string::npos) << args;  // 1000 in all, 3 jobs
    EXPECT_NE(args.find("-stop_file=" + (d / "work/fuzz_scenario_parser/stop").string()),
              std::string::npos)
        << args;
    // The corpus first: the directory libFuzzer writes to and reloads.
    EXPECT_NE(args.find(" " + (d / "work/fuzz_scenario_parser/corpus").string() + " "),
              std::string::npos)
        << args;
    long long seed = number_after(args, "-seed=");
    EXPECT_GE(seed, 2);
    EXPECT_LE(seed, 4);
    seeds.insert(std::to_string(seed));
  }
  EXPECT_EQ(seeds.size(), 3u) << "the jobs share a seed";
  // Each job's output is in its own log; the campaign's log counts them all.
  for (int job = 1; job <= 3; ++job) {
    EXPECT_NE(read_all(d / ("work/fuzz_scenario_parser/jobs/" + std::to_string(job) + ".log"))
                  .find("INITED"),
              std::string::npos);
  }
  EXPECT_NE(
      read_all(d / "work/fuzz_scenario_parser/libfuzzer.log").find("DONE: 900 executions in "),
      std::string::npos);
  EXPECT_NE(r.out.find("  900 executions ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("processes: 3 started, none ended early"), std::string::npos) << r.out;
}

// A job whose process crashes is started again for the time left (what fork mode's
// -ignore_crashes did), with the seed of its next start; the campaign keeps going to its
// time, each crash is a finding, and the executions of every process add up.
TEST(FuzzCliTest, AJobThatCrashesIsStartedAgainForTheTimeLeft) {
  Scratch scratch_dir("crash");
  const fs::path& d = scratch_dir;
  auto begin = std::chrono::steady_clock::now();
  auto r = run_command("timeout 60 " +
                       fuzz_command(d, stand_in(d, "crash-after-init"), "--time 4 --jobs 2"));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_EQ(r.exit_code, 1) << r.err;  // new findings: the crashes
  // It kept going to its time (less the last second, when a restart is not worth it).
  EXPECT_GE(seconds, 3) << r.out;
  EXPECT_LT(seconds, 4 + 4) << r.out;  // and stopped then (the stop file: within a second)
  std::vector<std::string> starts = lines_of(d / "starts");
  ASSERT_GE(starts.size(), 4u) << r.out;  // each job started again at least once
  std::set<long long> seeds;
  for (const std::string& args : starts) seeds.insert(number_after(args, "-seed="));
  EXPECT_EQ(seeds.size(), starts.size()) << "a restart repeated a seed";
  long long processes = number_after(r.out, "processes: ");
  long long crashes = number_after(r.out, "ended early (crash ");
  long long executions = number_after(r.out, "\n  ");
  EXPECT_EQ(processes, static_cast<long long>(starts.size())) << r.out;
  ASSERT_GE(crashes, 2) << r.out;
  // 500 executions per crashed process, 300 per process stopped at the limit.
  EXPECT_EQ(executions, 500 * crashes + 300 * (processes - crashes)) << r.out;
  // Each process's crash is a finding: the first of each job (seeds 2 and 3) and job 1's
  // second (seed 1 + 0 + 2).
  for (const char* crash : {"crash-2 ", "crash-3 ", "crash-4 "}) {
    EXPECT_NE(r.out.find(std::string("NEW crash/fuzz_scenario_parser/") + crash), std::string::npos)
        << r.out;
  }
  EXPECT_NE(read_all(d / "work/fuzz_scenario_parser/libfuzzer.log").find("started again"),
            std::string::npos);
  EXPECT_NE(read_all(d / "work/fuzz_scenario_parser/junit.xml")
                .find("crash/fuzz_scenario_parser/crash-4 ("),
            std::string::npos);
}

// A process that ends before fuzzing begins, at every start, is a crash loop: each job is
// given up after three starts in a row, with a message, and the campaign ends early.
TEST(FuzzCliTest, AJobThatEndsBeforeFuzzingBeginsIsGivenUpAfterThreeStarts) {
  Scratch scratch_dir("loop");
  const fs::path& d = scratch_dir;
  auto begin = std::chrono::steady_clock::now();
  auto r = run_command("timeout 120 " +
                       fuzz_command(d, stand_in(d, "crash-before-init"), "--time 60 --jobs 2"));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the crash is still a new finding
  EXPECT_LT(seconds, 30) << r.out;
  EXPECT_EQ(lines_of(d / "starts").size(), 6u) << r.out;
  EXPECT_NE(r.out.find("job 1 given up: the target ended 3 times in a row before fuzzing began"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("job 2 given up: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NEW crash/fuzz_scenario_parser/crash-early-2 "), std::string::npos)
      << r.out;
}

// An input of the campaign's own corpus that ends the target at start is moved to
// quarantine/ (its bytes stay for a look), and the job starts again without it.
TEST(FuzzCliTest, ACorpusInputThatEndsTheTargetAtStartIsMovedToQuarantine) {
  Scratch scratch_dir("quarantine");
  const fs::path& d = scratch_dir;
  fs::path corpus = d / "work/fuzz_scenario_parser/corpus";
  fs::create_directories(corpus);
  std::ofstream(corpus / "badinput") << "this input crashes the target\n";
  auto r = run_command(fuzz_command(d, stand_in(d, "corpus-input"), "--time 3"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(lines_of(d / "starts").size(), 2u) << r.out;
  EXPECT_FALSE(fs::exists(corpus / "badinput"));
  EXPECT_EQ(read_all(d / "work/fuzz_scenario_parser/quarantine/badinput"),
            "this input crashes the target\n");
  EXPECT_NE(r.out.find("the corpus input " + (corpus / "badinput").string() +
                       " ends the target at start (crash); moved to "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("processes: 2 started, 1 ended early (crash 1,"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("NEW crash/fuzz_scenario_parser/crash-badinput"), std::string::npos)
      << r.out;
}

// A campaign in which not one process fuzzed (a target that cannot start: here one that
// exits 2 at once, as fuzz_orderings_faults does on an unknown $CALLBENCH_FAULT) is not a
// clean campaign: the summary says how each process ended, and callbench exits 3.
TEST(FuzzCliTest, ACampaignThatFuzzedNothingExitsThree) {
  Scratch scratch_dir("nothing");
  const fs::path& d = scratch_dir;
  auto r = run_command("timeout 120 " +
                       fuzz_command(d, stand_in(d, "exit-at-start"), "--time 30 --jobs 2"));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("no execution: every fuzzing process ended before it fuzzed (6 started"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("job 1 given up: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no such fault: nonesuch"), std::string::npos) << r.out;
}

// Every input of the corpus that ends the target at start is moved to quarantine/ in
// turn; a move does not count toward giving the job up, so the job fuzzes afterwards.
TEST(FuzzCliTest, QuarantinedInputsDoNotCountTowardGivingAJobUp) {
  Scratch scratch_dir("quarantine4");
  const fs::path& d = scratch_dir;
  fs::path corpus = d / "work/fuzz_scenario_parser/corpus";
  fs::create_directories(corpus);
  for (const char* name : {"bad1", "bad2", "bad3", "bad4"}) std::ofstream(corpus / name) << name;
  auto r = run_command("timeout 120 " + fuzz_command(d, stand_in(d, "corpus-inputs"), "--time 4"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(lines_of(d / "starts").size(), 5u) << r.out;
  for (const char* name : {"bad1", "bad2", "bad3", "bad4"}) {
    EXPECT_FALSE(fs::exists(corpus / name)) << name;
    EXPECT_TRUE(fs::exists(d / "work/fuzz_scenario_parser/quarantine" / name)) << name;
  }
  EXPECT_EQ(r.out.find("given up"), std::string::npos) << r.out;
  EXPECT_GT(number_after(r.out, "\n  "), 0) << r.out;  // and then it fuzzed
}

// An out-of-memory end leaves an oom- artifact: a finding like a crash's, and the job
// starts again for the time left.
TEST(FuzzCliTest, AnOutOfMemoryArtifactIsAFinding) {
  Scratch scratch_dir("oom");
  const fs::path& d = scratch_dir;
  auto r = run_command("timeout 120 " + fuzz_command(d, stand_in(d, "oom-after-init"), "--time 3"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("NEW crash/fuzz_scenario_parser/oom-2 "), std::string::npos) << r.out;
  EXPECT_NE(
      read_all(d / "work/fuzz_scenario_parser/libfuzzer.log").find("ended early (out-of-memory)"),
      std::string::npos);
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
