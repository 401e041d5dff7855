// callbench import and show --format tserver-log from the command line: the round trip
// for every corpus flow, the published excerpts, --strict, hostile files, determinism.
#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "import/tserver_log.h"
#include "tests/journal_util.h"
#include "tests/test_util.h"

namespace callbench::testing {
namespace {

std::string temp_file(const std::string& tag, const std::string& content) {
  std::string path = temp_journal(tag) + ".log";
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string read_all(const std::string& path) {
  std::string out;
  EXPECT_TRUE(read_file_bytes(path, &out).is_ok()) << path;
  return out;
}

// The scenario's DN kinds as --dn options (a DN that never gets an event cannot tell its).
std::string dn_options(const std::string& name) {
  std::string dns;
  std::string scn = read_all(source_path("corpus/flows/" + name + ".scn"));
  std::regex decl("(^|\\n)dn ([^ \\n]+) +([a-z-]+)");
  for (auto it = std::sregex_iterator(scn.begin(), scn.end(), decl); it != std::sregex_iterator();
       ++it)
    dns += " --dn " + (*it)[2].str() + "=" + (*it)[3].str();
  return dns;
}

std::vector<std::string> corpus_flows() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(source_path("corpus/flows"))) {
    if (e.path().extension() == ".scn") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// `replay` of an imported session: exit 0, and every call it names reproduced.
void expect_every_call_reproduced(const std::string& command, const std::string& what) {
  auto r = run_command(command);
  EXPECT_EQ(r.exit_code, 0) << what << ": " << r.out << r.err;
  std::size_t calls = 0, reproduced = 0;
  for (std::size_t p = 0; (p = r.out.find("\n  call ", p)) != std::string::npos; ++p) ++calls;
  for (std::size_t p = 0; (p = r.out.find("the model reproduces the log", p)) != std::string::npos;
       ++p)
    ++reproduced;
  EXPECT_GE(calls, 1u) << what << ": " << r.out;
  EXPECT_EQ(reproduced, calls) << what << ": " << r.out;
  EXPECT_NE(r.out.find(" 0 diverged, 0 not derived"), std::string::npos) << what << ": " << r.out;
}

// run -> show as a T-Server log -> import -> check: conforms, naming the same flow.
TEST(ImportCli, EveryCorpusFlowRoundTripsThroughATServerLog) {
  std::vector<std::string> flows = corpus_flows();
  ASSERT_GE(flows.size(), 40u);
  std::string imported = temp_journal("imported");
  for (const std::string& name : flows) {
    std::string played = temp_journal("played_" + name);
    auto r = run_command(callbench() + " run --journal " + played + flow(name.c_str()));
    ASSERT_EQ(r.exit_code, 0) << name << r.err;
    r = run_command(callbench() + " show " + played + " --format tserver-log");
    ASSERT_EQ(r.exit_code, 0) << name << r.err;
    std::string log = temp_file("log_" + name, r.out);
    // The scenario's DN kinds, as a support engineer who knows the switch passes them: a
    // DN that never gets an event (B before it is alerted) cannot tell its kind.
    std::string dns;
    std::string scn = read_all(source_path("corpus/flows/" + name + ".scn"));
    std::regex decl("(^|\n)dn ([^ \n]+) +([a-z-]+)");
    for (auto it = std::sregex_iterator(scn.begin(), scn.end(), decl); it != std::sregex_iterator();
         ++it) {
      dns += " --dn " + (*it)[2].str() + "=" + (*it)[3].str();
    }
    r = run_command(callbench() + " import " + log + " --journal " + imported + dns);
    ASSERT_EQ(r.exit_code, 0) << name << r.err;
    EXPECT_NE(r.out.find(" 0 unreadable"), std::string::npos) << name << r.out;
    EXPECT_EQ(r.out.find("cannot hold"), std::string::npos) << name << r.out;
    // The played session's verdict names the flow; the imported one names the same.
    auto played_check = run_command(callbench() + " check " + played);
    EXPECT_EQ(played_check.exit_code, 0) << name << played_check.out;
    std::smatch m;
    std::string text = played_check.out;
    ASSERT_TRUE(std::regex_search(text, m, std::regex("follows ('[^']+' \\([^)]+\\))"))) << text;
    std::string flow_point = m[1];
    std::string sid = std::to_string(&name - flows.data() + 1);
    auto c = run_command(callbench() + " check " + imported + " --session " + sid);
    EXPECT_EQ(c.exit_code, 0) << name << c.out;
    EXPECT_NE(c.out.find(": conforms"), std::string::npos) << name << c.out;
    // The same flow and point (routing_inbound_2's ** too: the EventError answering the
    // TRouteCall after the outside caller's EventAbandoned says the request was pending).
    EXPECT_NE(c.out.find(flow_point), std::string::npos)
        << name << ": " << c.out << " vs " << played_check.out;
    // And every call's derived scenario replays into the log's very events.
    expect_every_call_reproduced(callbench() + " replay " + imported + " --session " + sid, name);
  }
}

// The same flows with DNs that are not digits: a queue 'VQ_Sales', agents by name.
TEST(ImportCli, NonDigitDnsRoundTrip) {
  for (const char* name : {"acd", "routing", "inbound", "multi_acd", "routequeue", "park",
                           "park_busy", "internal_2", "routing_3", "routequeue_3"}) {
    std::string text = read_all(source_path(std::string("corpus/flows/") + name + ".scn"));
    for (auto [from, to] : {std::pair<const char*, const char*>{"7001", "Agent_A"},
                            {"7002", "Agent.B"},
                            {"7003", "Agent-C"},
                            {"8001", "VQ_Sales"},
                            {"8002", "VQ_Support"},
                            {"9001", "RP_Main"},
                            {"6001", "Park_1"}}) {
      text = std::regex_replace(text, std::regex(std::string("\\b") + from + "\\b"), to);
    }
    std::string scn = temp_journal(std::string("scn_") + name) + ".scn";
    std::ofstream(scn) << text;
    std::string played = temp_journal(std::string("p_") + name);
    auto r = run_command(callbench() + " run --journal " + played + " " + scn);
    ASSERT_EQ(r.exit_code, 0) << name << r.out << r.err;
    r = run_command(callbench() + " show " + played + " --format tserver-log");
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.find("'7001'"), std::string::npos);
    std::string log = temp_file(std::string("l_") + name, r.out);
    std::string imported = temp_journal(std::string("i_") + name);
    r = run_command(callbench() + " import " + log + " --journal " + imported);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto c = run_command(callbench() + " check " + imported);
    EXPECT_EQ(c.exit_code, 0) << name << c.out;
    EXPECT_NE(c.out.find(": conforms"), std::string::npos) << name << c.out;
    expect_every_call_reproduced(callbench() + " replay " + imported, name);
  }
}

TEST(ImportCli, JsonLinesImportToo) {
  auto r = run_command(callbench() + " run --format jsonl" + flow("acd"));
  ASSERT_EQ(r.exit_code, 0);
  // Without the session line: an observed stream.
  std::string body = r.out.substr(r.out.find('\n') + 1);
  std::string events;
  std::size_t p = 0;
  while (p < body.size()) {
    std::size_t e = body.find('\n', p);
    std::string line = body.substr(p, e - p);
    if (line.find("\"event\"") != std::string::npos) events += line + "\n";
    p = e == std::string::npos ? body.size() : e + 1;
  }
  std::string stream = temp_file("stream", events);
  std::string j = temp_journal("jsonl");
  r = run_command(callbench() + " import " + stream + " --journal " + j);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("6 events, 0 requests"), std::string::npos) << r.out;
  auto c = run_command(callbench() + " check " + j);
  EXPECT_EQ(c.exit_code, 0) << c.out;
  EXPECT_NE(c.out.find("'Internal/Inbound Call to ACD'"), std::string::npos) << c.out;
}

// The published excerpts import, every line accounted for, none dropped silently.
TEST(ImportCli, PublishedExcerptsImportWithEveryLineAccountedFor) {
  std::string dir = source_path("../shared/logs");
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " is not here";
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".log") continue;
    ++files;
    std::string path = e.path().string();
    LogFile f;
    ASSERT_TRUE(read_tserver_log_text(read_all(path), path, &f).is_ok());
    EXPECT_EQ(f.lines, f.header_lines + f.comment_lines + f.blank_lines + f.message_lines +
                           f.backup_lines + f.unreadable)
        << path;
    EXPECT_FALSE(f.messages.empty()) << path;
    std::string j = temp_journal("excerpt_" + e.path().stem().string());
    auto r = run_command(callbench() + " import " + path + " --journal " + j);
    EXPECT_EQ(r.exit_code, 0) << path << r.err;
    // Every unreadable line is reported by count, with samples naming FILE:LINE.
    std::regex counts(
        "(\\d+) lines: (\\d+) header, (\\d+) comment, (\\d+) blank, (\\d+) in messages, (\\d+) in "
        "\\d+ backup copies \\(not new messages\\), (\\d+) unreadable");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, counts)) << r.out;
    int sum = 0;
    for (std::size_t i = 2; i <= 7; ++i) sum += std::stoi(m[i]);
    EXPECT_EQ(std::stoi(m[1]), sum) << r.out;
    if (std::stoi(m[7]) > 0) {
      EXPECT_NE(r.out.find(path + ":"), std::string::npos) << r.out;
    }
    auto s = run_command(callbench() + " sql " + j + " \"SELECT count(*) FROM log_rows\" --csv");
    EXPECT_EQ(s.exit_code, 0) << s.err;
    EXPECT_NE(s.out, "count(*)\n0\n") << path;
  }
  EXPECT_EQ(files, 5);
}

TEST(ImportCli, StrictMakesTheFirstUnreadableLineAnError) {
  std::string log = temp_file(
      "strict",
      "Application name:\tX\n@10:00:00.0000 [0] 8.1 distribute_event: message EventRinging\n"
      "\tAttributeThisDN\t'7002'\nwhat is this\n");
  std::string j = temp_journal("strict");
  auto r = run_command(callbench() + " import " + log + " --journal " + j + " --strict");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(log + ":4:"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(j));  // nothing written
  r = run_command(callbench() + " import " + log + " --journal " + j);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(log + ":4: not a message line"), std::string::npos) << r.out;
  // A cut-short last message.
  std::string cut = temp_file(
      "cut",
      "@10:00:00.0000 [0] 8.1 distribute_event: message EventRinging\n\tAttributeThisDN\t'70");
  r = run_command(callbench() + " import " + cut + " --journal " + temp_journal("cut"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(cut + ":1: the last message (EventRinging) is cut short"), std::string::npos)
      << r.out;
  r = run_command(callbench() + " import " + cut + " --journal " + temp_journal("cut2") +
                  " --strict");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(cut + ":1:"), std::string::npos) << r.err;
}

TEST(ImportCli, HostileFilesExitTwoNamingFileAndLineAndWriteNothing) {
  std::string j = temp_journal("hostile");
  std::string nul = temp_file(
      "nul", std::string("Application name:\tX\nmessage EventRinging\n\tAttributeThisDN\t'7") +
                 '\0' + "'\n");
  auto r = run_command(callbench() + " import " + nul + " --journal " + j);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(nul + ":3: a NUL byte"), std::string::npos) << r.err;
  std::string huge = temp_file(
      "huge", "message EventRinging\n\tAttributeThisDN\t'" + std::string(100000, '7') + "'\n");
  r = run_command(callbench() + " import " + huge + " --journal " + j);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(huge + ":2: line longer than"), std::string::npos) << r.err;
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary += static_cast<char>((i * 7919) % 255 + 1);
  std::string bin = temp_file("bin", binary);
  r = run_command(callbench() + " import " + bin + " --journal " + j);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds no T-Server message"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bin + ":1"), std::string::npos) << r.err;
  // A bad file first: no journal created. A good file before a bad one: the journal is
  // opened once the good one is read, and holds nothing of the import (it is never
  // removed again: another process may have opened it meanwhile).
  std::string good = temp_file("good", "message EventRinging\n\tAttributeThisDN\t'7002'\n");
  r = run_command(callbench() + " import " + nul + " " + good + " --journal " + j);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(j));
  r = run_command(callbench() + " import " + good + " " + nul + " --journal " + j);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(nul + ":3: a NUL byte"), std::string::npos) << r.err;
  auto none = run_command(callbench() + " sql " + j + " \"SELECT count(*) FROM sessions\" --csv");
  EXPECT_NE(none.out.find("0"), std::string::npos) << none.out << none.err;
  std::filesystem::remove(j);
  // A byte order mark before the first line is skipped, for logs and JSON lines.
  std::string bom =
      temp_file("bom",
                "\xEF\xBB\xBF"
                "Application name:\tX\nmessage EventRinging\n\tAttributeThisDN\t'7002'\n");
  r = run_command(callbench() + " import " + bom + " --journal " + j +
                  " --strict --dn 9999=acd-queue --dn 7002=extension");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0 unreadable"), std::string::npos) << r.out;
  // A --dn naming no DN of the files is said (a typo), one naming one is not.
  EXPECT_NE(r.out.find("note: --dn 9999 names no DN of the imported files (ignored)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("--dn 7002"), std::string::npos) << r.out;
  std::filesystem::remove(j);
  r = run_command(callbench() + " import " + good + " --journal " + j + " --dn 7002=nonsense");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--dn 7002=nonsense"), std::string::npos) << r.err;
  r = run_command(callbench() + " import " + temp_journal("missing") + ".log --journal " + j);
  EXPECT_EQ(r.exit_code, 3);
}

// Many files are one transaction, read on a second thread while the one before is
// written: sessions in file order, and a bad file anywhere leaves an existing journal
// exactly as it was.
TEST(ImportCli, ManyFilesAreOneTransactionInFileOrder) {
  std::string src = temp_journal("many_src");
  std::vector<std::string> logs;
  for (const char* f : {"acd_inbound", "park_busy", "routing_inbound_2", "hold_outbound"}) {
    std::string one = temp_journal(std::string("many_") + f);
    auto r = run_command(callbench() + " run --journal " + one + flow(f));
    ASSERT_EQ(r.exit_code, 0) << f << r.err;
    r = run_command(callbench() + " show " + one + " --format tserver-log");
    ASSERT_EQ(r.exit_code, 0) << f << r.err;
    logs.push_back(temp_file(std::string("many_") + f, r.out));
  }
  std::string j = temp_journal("many");
  std::string all;
  for (const std::string& l : logs) all += " " + l;
  auto r = run_command(callbench() + " import" + all + " --journal " + j);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (std::size_t i = 0; i < logs.size(); ++i) {
    std::string line = logs[i] + ": session " + std::to_string(i + 1) + ":";
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  }
  auto q = run_command(callbench() + " sql " + j +
                       " \"SELECT session_id, source_file FROM log_files ORDER BY 1\" --csv");
  for (std::size_t i = 0; i < logs.size(); ++i)
    EXPECT_NE(q.out.find(std::to_string(i + 1) + "," + logs[i]), std::string::npos) << q.out;
  const char* counts =
      " \"SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM events), (SELECT "
      "count(*) FROM requests), (SELECT count(*) FROM log_files)\" --csv";
  auto before = run_command(callbench() + " sql " + j + counts);
  ASSERT_EQ(before.exit_code, 0) << before.err;
  // The bad file last, after three good ones: nothing of the import is recorded.
  std::string bad = temp_file(
      "many_bad", std::string("Application name:\tX\nmessage EventRinging\n\tAttributeThisDN\t'7") +
                      '\0' + "'\n");
  r = run_command(callbench() + " import " + logs[1] + " " + logs[2] + " " + logs[3] + " " + bad +
                  " --journal " + j);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(bad + ":3: a NUL byte"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  auto after = run_command(callbench() + " sql " + j + counts);
  EXPECT_EQ(after.out, before.out);
  auto c = run_command(callbench() + " check " + j);
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_EQ(run_command(callbench() + " replay " + j + " --session 4").exit_code, 0);
}

TEST(ImportCli, ImportIsDeterministicAndAnonymizeHidesNames) {
  std::string src = temp_journal("d_src");
  auto r = run_command(callbench() + " run --journal " + src + flow("acd_inbound"));
  ASSERT_EQ(r.exit_code, 0);
  r = run_command(callbench() + " show " + src + " --format tserver-log");
  std::string log = temp_file("d", r.out);
  const char* q =
      " \"SELECT hex(payload) FROM events UNION ALL SELECT hex(header) FROM sessions UNION ALL "
      "SELECT hex(payload) FROM requests UNION ALL SELECT hex(payload) FROM log_rows\" --csv";
  std::string a = temp_journal("d_a"), b = temp_journal("d_b");
  ASSERT_EQ(run_command(callbench() + " import " + log + " --journal " + a).exit_code, 0);
  ASSERT_EQ(run_command(callbench() + " import " + log + " --journal " + b).exit_code, 0);
  auto qa = run_command(callbench() + " sql " + a + q),
       qb = run_command(callbench() + " sql " + b + q);
  EXPECT_EQ(qa.exit_code, 0) << qa.err;
  EXPECT_GT(qa.out.size(), 100u);
  EXPECT_EQ(qa.out, qb.out);
  std::string anon = temp_journal("d_anon");
  r = run_command(callbench() + " import " + log + " " + log + " --journal " + anon +
                  " --anonymize");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto dump = run_command(
      callbench() + " sql " + anon +
      " \"SELECT this_dn, other_dn, conn_id FROM events ORDER BY session_id, seq\" --csv");
  EXPECT_EQ(dump.out.find("5550100"), std::string::npos) << dump.out;
  EXPECT_EQ(dump.out.find("7002"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("dn1"), std::string::npos) << dump.out;
  // The two files of one import share pseudonyms; ConnIDs stay.
  auto s1 = run_command(callbench() + " sql " + anon +
                        " \"SELECT this_dn, conn_id FROM events WHERE session_id = 1\" --csv");
  auto s2 = run_command(callbench() + " sql " + anon +
                        " \"SELECT this_dn, conn_id FROM events WHERE session_id = 2\" --csv");
  EXPECT_EQ(s1.out, s2.out);
  EXPECT_NE(s1.out.find("48416938ef0dcf6f"), std::string::npos) << s1.out;
  auto c = run_command(callbench() + " check " + anon);
  EXPECT_EQ(c.exit_code, 0) << c.out;
}

}  // namespace
}  // namespace callbench::testing

namespace callbench::testing {
namespace {

// The README's "Questions a support engineer asks of a log": its commands, run as
// written, and every query's output compared with the README's.
TEST(ImportCli, ReadmeSupportQuestionsGiveTheirDocumentedAnswers) {
  if (!std::filesystem::exists(source_path("../shared/logs/urs_virtual_queue.log")))
    GTEST_SKIP() << "../shared/logs is not here";
  std::string readme = read_all(source_path("README.md"));
  std::size_t start = readme.find("### Questions a support engineer asks of a log");
  ASSERT_NE(start, std::string::npos);
  std::size_t end = readme.find("\n## ", start);
  std::string section = readme.substr(start, end - start);
  auto block = [&](const std::string& fence, std::size_t from, std::size_t* after) {
    std::size_t a = section.find(fence + "\n", from);
    if (a == std::string::npos) return std::string();
    a += fence.size() + 1;
    std::size_t b = section.find("\n```", a);
    *after = b + 4;
    return section.substr(a, b - a);
  };
  std::size_t pos = 0;
  std::string sh = block("```sh", 0, &pos);
  ASSERT_FALSE(sh.empty());
  std::string dir = temp_journal("readme_dir");
  std::filesystem::create_directories(dir);
  auto replace_all = [](std::string s, const std::string& from, const std::string& to) {
    for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
      s.replace(p, from.size(), to);
    return s;
  };
  sh = replace_all(sh, "build/callbench", callbench());
  sh = replace_all(sh, "corpus/flows/", source_path("corpus/flows") + "/");
  sh = replace_all(sh, "../shared/", source_path("../shared") + "/");
  auto r = run_command("cd " + dir + " && { " + replace_all(sh, "\\\n", " ") + "; } >/dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int queries = 0;
  while (true) {
    std::size_t after = 0;
    std::string sql = block("```sql", pos, &after);
    if (sql.empty()) break;
    std::size_t next = 0;
    std::string expected = block("```", after, &next);
    pos = next;
    std::string quoted = "'" + replace_all(sql, "'", "'\\''") + "'";
    auto q = run_command("cd " + dir + " && " + callbench() + " sql log.db " + quoted);
    EXPECT_EQ(q.exit_code, 0) << sql << q.err;
    EXPECT_EQ(q.out, expected + "\n") << sql;
    ++queries;
  }
  EXPECT_EQ(queries, 6);
}

}  // namespace
}  // namespace callbench::testing

namespace callbench::testing {
namespace {

// check on an imported log: per call, the flow it followed or the rule it broke at the
// log's FILE:LINE; two calls in two files, one broken.
TEST(ImportCli, CheckNamesEachCallsFlowOrBrokenRuleWithTheLogsLine) {
  std::string src = temp_journal("chk_src");
  auto r = run_command(callbench() + " run --journal " + src + flow("acd"));
  ASSERT_EQ(r.exit_code, 0);
  std::string log = run_command(callbench() + " show " + src + " --format tserver-log").out;
  // Remove ThisQueue from the agent's EventRinging: the document says it carries the queue.
  std::size_t ringing = log.find("message EventRinging");
  ASSERT_NE(ringing, std::string::npos);
  std::size_t tq = log.find("\tAttributeThisQueue\t'8001'\n", ringing);
  ASSERT_NE(tq, std::string::npos);
  std::string broken = log;
  broken.erase(tq, std::string("\tAttributeThisQueue\t'8001'\n").size());
  int ringing_line = 1;
  for (std::size_t i = 0; i < ringing; ++i) ringing_line += log[i] == '\n';
  std::string good_path = temp_file("chk_good", log), bad_path = temp_file("chk_bad", broken);
  std::string j = temp_journal("chk");
  r = run_command(callbench() + " import " + good_path + " " + bad_path + " --journal " + j);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto c = run_command(callbench() + " check " + j);
  EXPECT_EQ(c.exit_code, 1);
  EXPECT_NE(c.out.find("call conn_48416938ef0dcf6f (" + good_path + ":9 to line"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("): follows 'Internal/Inbound Call to ACD' (normal flow)"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("breaks agent-this-queue at " + bad_path + ":" +
                       std::to_string(ringing_line) + " (EventRinging)"),
            std::string::npos)
      << c.out;
  // A log cut in the middle of calls (its first lines and its last) is judged on what it shows.
  std::size_t cut_from = log.find("@", log.find("message EventDiverted") - 40);
  std::string middle = log.substr(cut_from, log.find("message RequestAnswerCall") - cut_from);
  std::string mid_path = temp_file("chk_mid", middle);
  std::string j2 = temp_journal("chk_mid");
  ASSERT_EQ(run_command(callbench() + " import " + mid_path + " --journal " + j2).exit_code, 0);
  c = run_command(callbench() + " check " + j2);
  EXPECT_EQ(c.exit_code, 0) << c.out;
  EXPECT_NE(c.out.find("conforms"), std::string::npos) << c.out;
}

}  // namespace
}  // namespace callbench::testing

namespace callbench::testing {
namespace {

// replay on imported logs: each call's derived scenario, played on the engine, gives the
// log's events; the calls the derivation cannot explain yet are named.
TEST(ImportCli, DerivedScenariosReplayIntoTheLogsEvents) {
  std::vector<std::string> flows = corpus_flows();
  std::string j = temp_journal("derive");
  std::string logs;
  for (const std::string& name : flows) {
    std::string played = temp_journal("dp_" + name);
    ASSERT_EQ(run_command(callbench() + " run --journal " + played + flow(name.c_str())).exit_code,
              0);
    auto r = run_command(callbench() + " show " + played + " --format tserver-log");
    std::string log = temp_file("dl_" + name, r.out);
    ASSERT_EQ(run_command(callbench() + " import " + log + " --journal " + j + dn_options(name))
                  .exit_code,
              0)
        << name;
  }
  auto r = run_command(callbench() + " replay " + j);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::size_t reproduced = 0;
  for (std::size_t p = 0; (p = r.out.find("the model reproduces the log", p)) != std::string::npos;
       ++p)
    ++reproduced;
  EXPECT_EQ(reproduced, 47u) << r.out;  // every call of every corpus flow
  EXPECT_EQ(r.out.find("diverges"), std::string::npos) << r.out;
}

// The calls the plain derivation could not explain: parking (park/pickup inferred from
// EventQueued at an extension and its EventRinging there), a destination busy on another
// call (a call from outside that rings it), a step in the middle of a routed call.
TEST(ImportCli, DerivedScenariosParkBusyAndStep) {
  struct Case {
    const char* flow;
    const char* call;
    std::vector<const char*> lines;
  };
  const Case cases[] = {
      {"park",
       "48416938ef0dcf6f",
       {"pause", "c1 = make-call 7001 7002", "park c1 7002", "resume", "pickup 7002 c1",
        "answer 7002 c1"}},
      {"park_no_busy",
       "48416938ef0dcf6f",
       {"option park-destination-busy off", "pause", "park c1 7002", "pickup 7002 c1"}},
      {"park_busy",
       "",
       {"other = inbound other_caller 7002", "c1 = make-call 7001 7002", "park c1 7002",
        "remote-release other", "pickup 7002 c1"}},
      {"internal_2", "", {"other = inbound other_caller 7002", "release 7001 c1"}},
      {"routing_3",
       "48416938ef0dcf6f",
       {"pause", "route 9001 c1 7002", "step c1", "release 7001 c1"}},
  };
  for (const Case& k : cases) {
    std::string src = temp_journal(std::string("dpb_src_") + k.flow);
    ASSERT_EQ(run_command(callbench() + " run --journal " + src + flow(k.flow)).exit_code, 0);
    std::string log = run_command(callbench() + " show " + src + " --format tserver-log").out;
    std::string path = temp_file(std::string("dpb_") + k.flow, log);
    std::string j = temp_journal(std::string("dpb_") + k.flow);
    ASSERT_EQ(run_command(callbench() + " import " + path + " --journal " + j +
                          " --dn 7001=extension --dn 7002=extension")
                  .exit_code,
              0);
    std::string call = k.call;
    if (call.empty()) {
      // The second call of the log (the first keeps the destination busy).
      auto q = run_command(callbench() + " sql " + j +
                           " \"SELECT conn_id FROM events ORDER BY seq DESC LIMIT 1\"");
      std::smatch m;
      ASSERT_TRUE(std::regex_search(q.out, m, std::regex("[0-9a-f]{16}"))) << q.out;
      call = m[0];
    }
    auto d = run_command(callbench() + " show " + j + " --call " + call + " --format scn");
    ASSERT_EQ(d.exit_code, 0) << k.flow << d.err;
    std::size_t at = 0;
    for (const char* line : k.lines) {
      // The statement, possibly with its ReferenceID (` ref=3`: the log's, not the position).
      std::size_t p = at;
      while ((p = d.out.find(std::string("\n") + line, p)) != std::string::npos) {
        char next = d.out[p + 1 + std::strlen(line)];
        if (next == '\n' || next == ' ') break;
        ++p;
      }
      EXPECT_NE(p, std::string::npos) << k.flow << ": no '" << line << "' (in order) in\n" << d.out;
      if (p != std::string::npos) at = p + 1;
    }
    // The derived scenario runs, and replays into the log's events.
    std::string scn = temp_journal(std::string("dpb_scn_") + k.flow) + ".scn";
    std::ofstream(scn) << d.out;
    EXPECT_EQ(run_command(callbench() + " run " + scn).exit_code, 0) << k.flow << d.out;
    expect_every_call_reproduced(callbench() + " replay " + j, k.flow);
  }
}

TEST(ImportCli, ShowCallDerivesAScenarioThatRunsAndReplayNamesTheFirstDivergence) {
  std::string src = temp_journal("sc_src");
  ASSERT_EQ(run_command(callbench() + " run --journal " + src + flow("acd_inbound")).exit_code, 0);
  std::string log = run_command(callbench() + " show " + src + " --format tserver-log").out;
  std::string path = temp_file("sc", log);
  std::string j = temp_journal("sc");
  ASSERT_EQ(run_command(callbench() + " import " + path + " --journal " + j).exit_code, 0);
  auto d = run_command(callbench() + " show " + j + " --call 48416938ef0dcf6f --format scn");
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_NE(d.out.find("c1 = inbound 5550100 8001"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("divert 8001 c1 7002"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("answer 7002 c1"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("# " + path + ":"), std::string::npos) << d.out;
  std::string scn = temp_journal("sc_scn") + ".scn";
  std::ofstream(scn) << d.out;
  auto played = run_command(callbench() + " run " + scn);
  EXPECT_EQ(played.exit_code, 0) << played.err;
  auto r = run_command(callbench() + " replay " + j);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("call conn_48416938ef0dcf6f: the model reproduces the log"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("its source file imports to the same"), std::string::npos) << r.out;
  // The source file changed since: replay says so before replaying.
  std::ofstream(path, std::ios::app)
      << "@00:00:09.0000 [0] 8.1 distribute_event: message EventHeld\n"
         "\tAttributeThisDN\t'7002'\n";
  r = run_command(callbench() + " replay " + j);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("not deterministic: the source file " + path + " now gives"),
            std::string::npos)
      << r.out;
  // The agent's EventEstablished says Origination: the model says Destination.
  std::size_t est = log.rfind("message EventEstablished");
  std::size_t role = log.find("AttributeThisDNRole\t2", est);
  ASSERT_NE(role, std::string::npos);
  std::string changed = log;
  changed.replace(role, std::string("AttributeThisDNRole\t2").size(), "AttributeThisDNRole\t1");
  std::string bad = temp_file("sc_bad", changed);
  std::string j2 = temp_journal("sc_bad");
  ASSERT_EQ(run_command(callbench() + " import " + bad + " --journal " + j2).exit_code, 0);
  r = run_command(callbench() + " replay " + j2);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("the model diverges from the log at event"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ThisDNRole log Origination, model Destination"), std::string::npos)
      << r.out;
  // Errors: a call that is not there, --call on a played session.
  auto e = run_command(callbench() + " show " + j + " --call 0000000000000001 --format scn");
  EXPECT_EQ(e.exit_code, 2);
  EXPECT_NE(e.err.find("--call 0000000000000001"), std::string::npos) << e.err;
  e = run_command(callbench() + " show " + src + " --call 48416938ef0dcf6f --format scn");
  EXPECT_EQ(e.exit_code, 2);
}

}  // namespace
}  // namespace callbench::testing

namespace callbench::testing {
namespace {

// A log split into its file header and its message blocks (each from its header line).
void split_log(const std::string& log, std::string* header, std::vector<std::string>* blocks) {
  header->clear();
  blocks->clear();
  std::regex request_head("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+ Trc ");
  std::size_t at = 0;
  while (at < log.size()) {
    std::size_t end = log.find('\n', at);
    end = end == std::string::npos ? log.size() : end + 1;
    std::string line = log.substr(at, end - at);
    bool head = line[0] == '@' || std::regex_search(line, request_head);
    if (head)
      blocks->push_back(line);
    else if (blocks->empty())
      *header += line;
    else
      blocks->back() += line;
    at = end;
  }
}

// A log cut at any message: each call already under way at its first line is judged on
// what the log shows, as a tail of the documented flows: the tail of a conforming call
// conforms (naming the flow it continues and the row), and the same tail with a wrong
// attribute (ThisDNRole NewParty on its first establishing-phase event: every row has its
// party Origination or Destination) is reported at the offending event's line.
TEST(ImportCli, CallsUnderWayAtTheFirstLineAreJudgedAsTails) {
  std::size_t cuts = 0, under_way = 0, continues = 0, mutated = 0;
  for (const char* name : {"acd", "acd_3", "routing", "routing_inbound_2", "multi_acd", "park_busy",
                           "outbound", "routequeue_3", "internal_2", "hold"}) {
    std::string src = temp_journal(std::string("tail_src_") + name);
    ASSERT_EQ(run_command(callbench() + " run --journal " + src + flow(name)).exit_code, 0);
    std::string log = run_command(callbench() + " show " + src + " --format tserver-log").out;
    std::string header;
    std::vector<std::string> blocks;
    split_log(log, &header, &blocks);
    ASSERT_GE(blocks.size(), 4u) << name;
    std::size_t header_lines =
        static_cast<std::size_t>(std::count(header.begin(), header.end(), '\n'));
    for (std::size_t k = 1; k < blocks.size(); ++k) {
      std::string tail = header;
      std::size_t first_event = blocks.size();
      for (std::size_t b = k; b < blocks.size(); ++b) {
        tail += blocks[b];
        bool event =
            blocks[b][0] == '@' && blocks[b].find("message EventError") == std::string::npos;
        bool talk = blocks[b].find("message EventReleased") != std::string::npos ||
                    blocks[b].find("message EventAbandoned") != std::string::npos ||
                    blocks[b].find("message EventHeld") != std::string::npos ||
                    blocks[b].find("message EventRetrieved") != std::string::npos;
        if (event && !talk && first_event == blocks.size()) first_event = b;
      }
      std::string what = std::string(name) + " cut before message " + std::to_string(k + 1);
      std::string path = temp_file(std::string("tail_") + name + "_" + std::to_string(k), tail);
      std::string j = temp_journal(std::string("tail_") + name + "_" + std::to_string(k));
      auto r = run_command(callbench() + " import " + path + " --journal " + j + dn_options(name));
      ASSERT_EQ(r.exit_code, 0) << what << r.err;
      auto c = run_command(callbench() + " check " + j);
      ++cuts;
      EXPECT_EQ(c.exit_code, 0) << what << ":\n" << tail << c.out;
      EXPECT_EQ(c.out.find("breaks"), std::string::npos) << what << c.out;
      if (c.out.find("under way at the log's first line") != std::string::npos) ++under_way;
      if (std::regex_search(c.out, std::regex("continues '[^']+' \\([^)]+\\) from row \\d")))
        ++continues;
      if (first_event == blocks.size()) continue;  // only a call's end: no flow's rows
      // The same tail with ThisDNRole NewParty on its first establishing-phase event.
      std::string bad = header;
      std::size_t bad_line = header_lines + 1;
      for (std::size_t b = k; b < blocks.size(); ++b) {
        if (b < first_event)
          bad_line +=
              static_cast<std::size_t>(std::count(blocks[b].begin(), blocks[b].end(), '\n'));
        std::string block = blocks[b];
        if (b == first_event) {
          block = std::regex_replace(block, std::regex("\tAttributeThisDNRole\t[0-9]+\n"), "");
          block += "\tAttributeThisDNRole\t4\n";
        }
        bad += block;
      }
      std::string bad_path =
          temp_file(std::string("tailbad_") + name + "_" + std::to_string(k), bad);
      std::string bj = temp_journal(std::string("tailbad_") + name + "_" + std::to_string(k));
      r = run_command(callbench() + " import " + bad_path + " --journal " + bj + dn_options(name));
      ASSERT_EQ(r.exit_code, 0) << what << r.err;
      c = run_command(callbench() + " check " + bj);
      ++mutated;
      EXPECT_EQ(c.exit_code, 1) << what << " (ThisDNRole NewParty):\n" << bad << c.out;
      EXPECT_NE(c.out.find("breaks"), std::string::npos) << what << c.out;
      EXPECT_NE(c.out.find(bad_path + ":" + std::to_string(bad_line) + " ("), std::string::npos)
          << what << ": expected the offending line " << bad_line << "\n"
          << c.out;
    }
  }
  EXPECT_GE(cuts, 60u);
  EXPECT_GE(mutated, 40u);
  EXPECT_GE(under_way, 40u);
  EXPECT_GE(continues, 30u);
}

// A destination busy on a call the log does not show (it began before the log): the
// derived scenario makes it busy all the same (no park follows), and replays the log.
// A log ends anywhere, inside a document row too (the agent's EventEstablished logged,
// the caller's not yet; EventReleased before the queue's EventAbandoned; a TRouteCall
// logged, its EventError not yet): every cut of these flows' logs after each message
// is judged on what it shows, never as a broken flow or a party left behind.
TEST(ImportCli, ALogCutAfterAnyMessageConforms) {
  for (const char* f : {"acd", "acd_1", "routing_2", "routequeue", "multi_acd_2", "park_busy"}) {
    std::string src = temp_journal(std::string("cut_src_") + f);
    ASSERT_EQ(run_command(callbench() + " run --journal " + src + flow(f)).exit_code, 0) << f;
    auto shown = run_command(callbench() + " show " + src + " --format tserver-log");
    ASSERT_EQ(shown.exit_code, 0) << f << shown.err;
    const std::string dns = dn_options(f);  // a log cut early may not show them
    std::vector<std::size_t> starts;        // each message's first byte
    const std::string& text = shown.out;
    for (std::size_t p = 0; p < text.size(); p = text.find('\n', p) + 1) {
      if (text[p] == '@' ||
          (text.size() > p + 4 && std::isdigit(static_cast<unsigned char>(text[p])) &&
           text[p + 4] == '-'))
        starts.push_back(p);
      if (text.find('\n', p) == std::string::npos) break;
    }
    ASSERT_GE(starts.size(), 4u) << f;
    for (std::size_t k = 2; k <= starts.size(); ++k) {
      std::size_t end = k < starts.size() ? starts[k] : text.size();
      std::string cut = temp_file(std::string("cut_") + f, text.substr(0, end));
      std::string j = temp_journal(std::string("cut_") + f + "_" + std::to_string(k));
      auto r = run_command(callbench() + " import " + cut + " --journal " + j + dns);
      ASSERT_EQ(r.exit_code, 0) << f << " cut " << k << ": " << r.err;
      auto c = run_command(callbench() + " check " + j);
      EXPECT_EQ(c.exit_code, 0) << f << " cut before message " << k << ":\n" << c.out;
      EXPECT_EQ(c.out.find("violation"), std::string::npos) << f << " cut " << k << ":\n" << c.out;
    }
  }
}

// Only the log's end may cut a row: the same beginning of acd's last row (the agent's
// EventEstablished without the caller's), followed by another whole call, is a broken
// flow, not a call under way.
TEST(ImportCli, ARowCutInsideTheLogIsABrokenFlow) {
  std::string src = temp_journal("midcut_src");
  ASSERT_EQ(run_command(callbench() + " run --journal " + src + flow("acd")).exit_code, 0);
  auto shown = run_command(callbench() + " show " + src + " --format tserver-log");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const std::string& text = shown.out;
  std::size_t last = text.rfind("\n@");  // the last message: the caller's EventEstablished
  ASSERT_NE(last, std::string::npos);
  std::string second = text.substr(text.find("\n@") + 1);  // the whole call again, other ConnID
  for (std::size_t p; (p = second.find("48416938ef0dcf6f")) != std::string::npos;)
    second.replace(p, 16, "58416938ef0dcf6f");
  for (const bool more : {false, true}) {
    std::string log = text.substr(0, last + 1) + (more ? second : "");
    std::string file = temp_file(more ? "midcut_more" : "midcut_end", log);
    std::string j = temp_journal(more ? "midcut_more" : "midcut_end");
    auto r =
        run_command(callbench() + " import " + file + " --journal " + j + " --dn 8001=acd-queue");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto c = run_command(callbench() + " check " + j);
    if (more) {
      EXPECT_EQ(c.exit_code, 1) << c.out;
      EXPECT_NE(c.out.find("documented-flow"), std::string::npos) << c.out;
    } else {
      EXPECT_EQ(c.exit_code, 0) << c.out;
      EXPECT_NE(c.out.find("is still under way"), std::string::npos) << c.out;
      // --call takes the ConnID in either case, as the log may write it.
      auto d = run_command(callbench() + " show " + j + " --call 48416938EF0DCF6F --format scn");
      EXPECT_EQ(d.exit_code, 0) << d.err;
    }
  }
}

TEST(ImportCli, DestinationBusyBeforeTheLogBeganIsDerived) {
  std::string src = temp_journal("busy_before_src");
  ASSERT_EQ(run_command(callbench() + " run --journal " + src + flow("internal_2")).exit_code, 0);
  std::string log = run_command(callbench() + " show " + src + " --format tserver-log").out;
  std::string header;
  std::vector<std::string> blocks;
  split_log(log, &header, &blocks);
  std::string tail = header;
  bool from_c1 = false;
  for (const std::string& b : blocks) {
    from_c1 = from_c1 || (b.find("RequestMakeCall") != std::string::npos &&
                          b.find("'7001'") != std::string::npos);
    if (from_c1) tail += b;
  }
  ASSERT_TRUE(from_c1);
  std::string path = temp_file("busy_before", tail);
  std::string j = temp_journal("busy_before");
  ASSERT_EQ(
      run_command(callbench() + " import " + path + " --journal " + j + dn_options("internal_2"))
          .exit_code,
      0);
  auto c = run_command(callbench() + " check " + j);
  EXPECT_EQ(c.exit_code, 0) << c.out;
  EXPECT_NE(c.out.find("(interruption point **)"), std::string::npos) << c.out;
  expect_every_call_reproduced(callbench() + " replay " + j, "internal_2 from c1's request");
}

// export copies an imported session's log tables: the bug report keeps the file, the
// lines, the times and every attribute outside the model, and checks, derives and
// replays as the journal it came from.
TEST(ImportCli, ExportKeepsAnImportedSessionsLogRows) {
  std::string j = temp_journal("exp_log");
  std::vector<std::string> logs;
  for (const char* name : {"acd", "routing"}) {
    std::string src = temp_journal(std::string("exp_src_") + name);
    ASSERT_EQ(run_command(callbench() + " run --journal " + src + flow(name)).exit_code, 0);
    std::string log = run_command(callbench() + " show " + src + " --format tserver-log").out;
    logs.push_back(temp_file(std::string("exp_") + name, log));
  }
  ASSERT_EQ(run_command(callbench() + " import " + logs[0] + " " + logs[1] + " --journal " + j +
                        " --dn 9001=routing-point --dn 7002=extension")
                .exit_code,
            0);
  std::string bug = temp_journal("exp_bug");
  std::filesystem::remove(bug);
  auto e = run_command(callbench() + " export " + j + " --session 2 --out " + bug);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const std::string rows =
      " \"SELECT kind, seq, line, time, call_uuid, message, conn_id, this_dn, hex(payload) FROM "
      "log_rows WHERE session_id = 2 ORDER BY kind, seq\"";
  const std::string files =
      " \"SELECT session_id, source_file, lines, messages, backup_copies, unreadable, unusable, "
      "truncated, anonymized FROM log_files WHERE session_id = 2\"";
  for (const std::string& q : {rows, files}) {
    auto a = run_command(callbench() + " sql " + j + q);
    auto b = run_command(callbench() + " sql " + bug + q);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ(a.out.find("(0 rows)"), std::string::npos) << a.out;
  }
  auto only = run_command(callbench() + " sql " + bug + " \"SELECT count(*) FROM log_files\"");
  EXPECT_TRUE(std::regex_search(only.out, std::regex("\n1\\s*\n"))) << only.out;  // session 2's
  // Judged per call with the log's lines, as in the journal it came from.
  auto a = run_command(callbench() + " check " + j + " --session 2");
  auto b = run_command(callbench() + " check " + bug);
  EXPECT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_NE(b.out.find(logs[1] + ":"), std::string::npos) << b.out;
  EXPECT_EQ(a.out, b.out);
  // The views answer on the bug report too.
  auto v = run_command(callbench() + " sql " + bug +
                       " \"SELECT source_file || ':' || line FROM log_events WHERE event = "
                       "'EventRouteUsed'\"");
  EXPECT_NE(v.out.find(logs[1] + ":"), std::string::npos) << v.out;
  // Derived and replayed (its source file is still here: checked byte for byte).
  auto r = run_command(callbench() + " replay " + bug);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("the model reproduces the log"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("its source file imports to the same"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace callbench::testing
