// The T-Server log reader and its conversion into an observed session
// (import/tserver_log.h): every variant of issue 10, and hostile input.
#include "import/tserver_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/oracle.h"
#include "import/log_journal.h"

namespace callbench {
namespace {

// Replaces every "\n" by "\r\n".
std::string crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// Replaces TABs by `spaces` spaces (a log copied through an editor or a web page).
std::string untab(const std::string& s, const std::string& spaces = "    ") {
  std::string out;
  for (char c : s) {
    if (c == '\t')
      out += spaces;
    else
      out += c;
  }
  return out;
}

LogFile read(const std::string& text, const std::string& name = "t.log") {
  LogFile f;
  Status s = read_tserver_log_text(text, name, &f);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return f;
}

ImportedLog convert(const std::string& text, const std::string& name = "t.log",
                    ImportOptions options = {}) {
  Pseudonyms names;
  ImportedLog out;
  Status s = log_to_session(read(text, name), options, &names, &out);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return out;
}

// Every line in exactly one category.
void expect_accounted(const LogFile& f) {
  EXPECT_EQ(f.lines, f.header_lines + f.comment_lines + f.blank_lines + f.message_lines +
                         f.backup_lines + f.unreadable)
      << f.path;
}

// An inbound call to the ACD queue 'VQ_Sales', diverted to agent 'Agent_7002' who
// answers, with a second call (an internal one) interleaved, user data, a backup copy,
// a request in each shape, an EventACK reply and an unknown attribute.
const char* const kAcdLog =
    "Application name:\tSIPS_A\n"
    "Host name:\thost1.example\n"
    "Local time:\t2026-03-14T23:59:58.000\n"
    "@23:59:59.1000 [0] 8.1.101.25 distribute_event: message EventQueued\n"
    "\tAttributeEventSequenceNumber\t0000000000000a01\n"
    "\tAttributeCallType\t2\n"
    "\tAttributeConnID\t006c02462a161006\n"
    "\tAttributeCallUUID\t'AM5D3AE9D90757BKTSVJTCIAR4000014'\n"
    "\tAttributeThisDN\t'VQ_Sales'\n"
    "\tAttributeThisQueue\t'VQ_Sales'\n"
    "\tAttributeThisDNRole\t2\n"
    "\tAttributeOtherDN\t'5550100'\n"
    "\tAttributeOtherDNRole\t1\n"
    "\tAttributeDNIS\t'8005550100'\n"
    "\tAttributeANI\t'5550100'\n"
    "\tAttributeUserData\t[149] 00 01 03 00..\n"
    "\t\t'Segment'\t'gold'\n"
    "\t\t'Skills'(list)\n"
    "\t\t\t'Sales'\t5\n"
    "\t\t\t'English'\t3\n"
    "\tAttributeFooBarUnknown\t42\n"
    "2026-03-15T00:00:00.100 Trc 04541 RequestMakeCall received from [66] (00000e85 Desktop_1 "
    "192.0.2.61:49280)\n"
    "message RequestMakeCall\n"
    "\tAttributeThisDN\t'Agent_7001'\n"
    "\tAttributeOtherDN\t'Agent_7003'\n"
    "\tAttributeReferenceID\t5\n"
    "@00:00:00.2000 [0] 8.1.101.25 distribute_event: message EventDialing\n"
    "\tAttributeEventSequenceNumber\t0000000000000a02\n"
    "\tAttributeConnID\t006c02462a161007\n"
    "\tAttributeThisDN\t'Agent_7001'\n"
    "\tAttributeThisDNRole\t1\n"
    "\tAttributeOtherDN\t'Agent_7003'\n"
    "\tAttributeOtherDNRole\t2\n"
    "\tAttributeReferenceID\t5\n"
    "\tAttributeCallState\t0\n"
    "@00:00:00.2100 [BSYNC] Trace: Send to backup (SIPS_B) [20]:\n"
    "message EventDialing\n"
    "\tAttributeConnID\t006c02462a161007\n"
    "\tAttributeThisDN\t'Agent_7001'\n"
    "@00:00:00.3000 [0] 8.1.101.25 distribute_event: message EventDiverted\n"
    "\tAttributeConnID\t006c02462a161006\n"
    "\tAttributeThisDN\t'VQ_Sales'\n"
    "\tAttributeThisQueue\t'VQ_Sales'\n"
    "\tAttributeThisDNRole\t2\n"
    "\tAttributeOtherDN\t'5550100'\n"
    "\tAttributeOtherDNRole\t1\n"
    "\tAttributeThirdPartyDN\t'Agent_7002'\n"
    "\tAttributeThirdPartyDNRole\t2\n"
    "@00:00:00.3100 [0] 8.1.101.25 distribute_event: message EventRinging\n"
    "\tAttributeConnID\t006c02462a161006\n"
    "\tAttributeThisDN\t'Agent_7002'\n"
    "\tAttributeThisQueue\t'VQ_Sales'\n"
    "\tAttributeThisDNRole\t2\n"
    "\tAttributeOtherDN\t'5550100'\n"
    "\tAttributeOtherDNRole\t1\n"
    "\tAttributeCallState\t0\n"
    "\tAttributeAgentID\t'agent01'\n"
    "message RequestAnswerCall\n"
    "\tAttributeThisDN\t'Agent_7002'\n"
    "\tAttributeConnID\t006c02462a161006\n"
    "\tAttributeReferenceID\t6\n"
    "@00:00:00.4000 [0] 8.1.101.25 send_to_client: message EventACK\n"
    "\tAttributeReferenceID\t6\n"
    "@00:00:00.4100 [0] 8.1.101.25 distribute_event: message EventEstablished\n"
    "\tAttributeConnID\t006c02462a161006\n"
    "\tAttributeThisDN\t'Agent_7002'\n"
    "\tAttributeThisQueue\t'VQ_Sales'\n"
    "\tAttributeThisDNRole\t2\n"
    "\tAttributeOtherDN\t'5550100'\n"
    "\tAttributeOtherDNRole\t1\n"
    "\tAttributeReferenceID\t6\n";

TEST(TServerLogReader, ReadsMessagesAttributesAndNestedValues) {
  LogFile f = read(kAcdLog);
  expect_accounted(f);
  EXPECT_EQ(f.unreadable, 0u);
  EXPECT_EQ(f.header_lines, 3u);
  EXPECT_EQ(f.backup_copies, 1u);
  EXPECT_EQ(f.backup_lines, 4u);
  EXPECT_EQ(f.application, "SIPS_A");
  EXPECT_EQ(f.host, "host1.example");
  ASSERT_EQ(f.messages.size(), 8u);
  const LogMessage& q = f.messages[0];
  EXPECT_EQ(q.name, "EventQueued");
  EXPECT_EQ(q.line, 4u);
  EXPECT_EQ(q.time, "2026-03-14T23:59:59.1000");
  ASSERT_NE(q.find("ThisDN"), nullptr);
  EXPECT_EQ(q.find("ThisDN")->value, "VQ_Sales");
  EXPECT_TRUE(q.find("ThisDN")->quoted);
  EXPECT_EQ(q.find("CallType")->value, "2");
  const LogValue* ud = q.find("UserData");
  ASSERT_NE(ud, nullptr);
  EXPECT_TRUE(ud->nested);
  ASSERT_EQ(ud->list.size(), 2u);
  EXPECT_EQ(ud->list[0].name, "Segment");
  EXPECT_EQ(ud->list[0].value, "gold");
  EXPECT_TRUE(ud->list[1].nested);
  ASSERT_EQ(ud->list[1].list.size(), 2u);
  EXPECT_EQ(ud->list[1].list[1].name, "English");
  EXPECT_EQ(ud->list[1].list[1].value, "3");
  EXPECT_EQ(q.find("FooBarUnknown")->value, "42");
  // The request in the new shape takes its header's line and time.
  EXPECT_EQ(f.messages[1].name, "RequestMakeCall");
  EXPECT_EQ(f.messages[1].kind, LogMessage::Kind::kRequest);
  EXPECT_EQ(f.messages[1].line, 22u);
  EXPECT_EQ(f.messages[1].time, "2026-03-15T00:00:00.100");
  // Midnight: 00:00:00.2 after 23:59:59 is the next day.
  EXPECT_EQ(f.messages[2].time, "2026-03-15T00:00:00.2000");
  // The old request shape (message at column 0) and the reply.
  EXPECT_EQ(f.messages[5].name, "RequestAnswerCall");
  EXPECT_EQ(f.messages[5].kind, LogMessage::Kind::kRequest);
  EXPECT_EQ(f.messages[6].name, "EventACK");
  EXPECT_EQ(f.messages[6].kind, LogMessage::Kind::kReply);
}

TEST(TServerLogReader, TabsSpacesNoBreakSpacesAndCrlfReadTheSame) {
  LogFile tabs = read(kAcdLog);
  for (const std::string& variant : {untab(kAcdLog), untab(kAcdLog, " "), crlf(kAcdLog),
                                     crlf(untab(kAcdLog)), untab(kAcdLog, "\xC2\xA0\xC2\xA0")}) {
    LogFile f = read(variant);
    expect_accounted(f);
    EXPECT_EQ(f.unreadable, 0u);
    ASSERT_EQ(f.messages.size(), tabs.messages.size());
    for (std::size_t i = 0; i < f.messages.size(); ++i) {
      EXPECT_EQ(f.messages[i].name, tabs.messages[i].name);
      EXPECT_EQ(f.messages[i].time, tabs.messages[i].time);
      EXPECT_EQ(f.messages[i].attrs, tabs.messages[i].attrs) << f.messages[i].name;
    }
  }
}

TEST(TServerLogReader, TheFileNameDatesTimesWithoutAHeaderDate) {
  std::string log =
      "@23:59:59.9000 [0] 8.1 distribute_event: message EventRinging\n\tAttributeThisDN\t'7002'\n"
      "@00:00:01.0000 [0] 8.1 distribute_event: message EventReleased\n\tAttributeThisDN\t'7002'\n";
  LogFile f = read(log, "/var/log/SIPS_A_20241231_235000.log");
  ASSERT_EQ(f.messages.size(), 2u);
  EXPECT_EQ(f.messages[0].time, "2024-12-31T23:59:59.9000");
  EXPECT_EQ(f.messages[1].time, "2025-01-01T00:00:01.0000");  // rolled over, into a new year
  LogFile undated = read(log, "plain.log");
  EXPECT_EQ(undated.messages[0].time, "23:59:59.9000");
}

TEST(TServerLogReader, ErrorTextAndUnknownAttributesAreKept) {
  std::string log =
      "@10:00:00.0000 [0] 8.1 send_to_client: message EventError\n"
      "\tAttributeErrorCode\t56\n"
      "\tAttributeErrorMessage\t'Invalid connID'\n"
      "\t\t(text) 'the call is no longer there'\n"
      "\tAttributeThisDN\t'7001'\n"
      "\tAttributeReferenceID\t9\n"
      "\tAttributeCustomThing\t'x y z'\n";
  ImportedLog log_in = convert(log);
  ASSERT_EQ(log_in.events.size(), 1u);
  const Event& e = log_in.events[0];
  EXPECT_EQ(e.type, EventType::kError);
  EXPECT_TRUE(e.has(Attr::kErrorCode));
  EXPECT_EQ(error_code_of(e.error), 56);
  EXPECT_EQ(e.reference_id, 9u);
  const auto& extras = log_in.event_rows[0].extras;
  auto find = [&](const char* n) -> const LogValue* {
    for (const LogValue& v : extras) {
      if (v.name == n) return &v;
    }
    return nullptr;
  };
  ASSERT_NE(find("text"), nullptr);
  EXPECT_EQ(find("text")->value, "the call is no longer there");
  ASSERT_NE(find("CustomThing"), nullptr);
  EXPECT_EQ(find("CustomThing")->value, "x y z");
  EXPECT_EQ(find("ErrorMessage")->value, "Invalid connID");
}

// A ConnID in upper-case hex is the same ConnID; an attribute the model knows, given
// twice in one message, keeps its first value for the model and the repeat as an extra.
TEST(TServerLogReader, UpperCaseConnIdsAndRepeatedAttributesAreKept) {
  std::string log =
      "@10:00:00.0000 [0] 8.1 distribute_event: message EventRinging\n"
      "\tAttributeConnID\t00000000ABCD9000\n"
      "\tAttributeThisDN\t'VQ_Sales'\n"
      "\tAttributeThisDN\t'8999'\n"
      "\tAttributeCallState\t0\n"
      "\tAttributeCallState\t1\n";
  ImportedLog in = convert(log);
  ASSERT_EQ(in.events.size(), 1u);
  EXPECT_EQ(in.unusable_count, 0u);
  const Event& e = in.events[0];
  EXPECT_EQ(e.conn_id, 0xabcd9000u);
  EXPECT_EQ(in.session.config.topology.dns[e.this_dn].name, "VQ_Sales");
  EXPECT_EQ(e.call_state, CallState::kOk);
  const auto& extras = in.event_rows[0].extras;
  ASSERT_EQ(extras.size(), 2u);
  EXPECT_EQ(extras[0].name, "ThisDN");
  EXPECT_EQ(extras[0].value, "8999");
  EXPECT_EQ(extras[1].name, "CallState");
  EXPECT_EQ(extras[1].value, "1");
}

TEST(TServerLogReader, InterleavedCallsBecomeCallsByConnId) {
  ImportedLog log = convert(kAcdLog);
  EXPECT_TRUE(log.session.observed);
  EXPECT_EQ(log.events.size(), 5u);
  ASSERT_EQ(log.session.stimuli.size(), 2u);
  EXPECT_EQ(log.session.stimuli[0].kind, StimulusKind::kMakeCall);
  EXPECT_EQ(log.session.stimuli[1].kind, StimulusKind::kAnswerCall);
  const auto& names = log.session.config.call_names;
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[log.events[0].call], "conn_006c02462a161006");
  EXPECT_EQ(names[log.events[1].call], "conn_006c02462a161007");  // the make-call's call, renamed
  EXPECT_EQ(log.events[1].call, log.session.stimuli[0].call);
  EXPECT_EQ(log.events[4].call, log.events[0].call);
  // The rows keep their line, time and CallUUID; the EventACK and nothing else is 'other'.
  EXPECT_EQ(log.event_rows[0].line, 4u);
  EXPECT_EQ(log.event_rows[0].call_uuid, "AM5D3AE9D90757BKTSVJTCIAR4000014");
  ASSERT_EQ(log.other_rows.size(), 1u);
  EXPECT_EQ(log.other_rows[0].message, "EventACK");
  EXPECT_EQ(log.unusable_count, 0u);
  // Kinds from the events: the queue is an ACD queue, the caller beyond the switch external.
  const Topology& t = log.session.config.topology;
  EXPECT_EQ(t.dns[t.find("VQ_Sales")].kind, DnKind::kAcdQueue);
  EXPECT_EQ(t.dns[t.find("5550100")].kind, DnKind::kExternal);
  EXPECT_EQ(t.dns[t.find("Agent_7002")].kind, DnKind::kExtension);
  // --dn overrides.
  ImportOptions o;
  o.dn_kinds["Agent_7003"] = DnKind::kRemoteExtension;
  ImportedLog over = convert(kAcdLog, "t.log", o);
  const Topology& t2 = over.session.config.topology;
  EXPECT_EQ(t2.dns[t2.find("Agent_7003")].kind, DnKind::kRemoteExtension);
}

TEST(TServerLogReader, ALogStartingAndEndingMidCallIsJudgedOnWhatItShows) {
  // Two calls: one already ringing at the first line, one still talking at the last.
  ImportedLog log = convert(kAcdLog);
  Verdict v = judge(log.session, log.events);
  EXPECT_TRUE(v.ok()) << (v.violations.empty()
                              ? ""
                              : v.violations[0].rule + ": " + v.violations[0].message);
}

TEST(TServerLogReader, ATruncatedLastMessageIsReportedNotGuessed) {
  std::string log = kAcdLog;
  log +=
      "@00:00:00.5000 [0] 8.1.101.25 distribute_event: message "
      "EventReleased\n\tAttributeConnID\t006c0246";
  LogFile f = read(log);
  expect_accounted(f);
  EXPECT_TRUE(f.truncated);
  EXPECT_EQ(f.truncated_message, "EventReleased");
  EXPECT_EQ(f.truncated_line, 72u);
  EXPECT_EQ(f.messages.size(), 8u);  // the cut message is not among them
}

TEST(TServerLogReader, UnreadableLinesAreCountedWithTheirLines) {
  std::string log = std::string(kAcdLog) + "some prose the reader does not know\n" +
                    "\tAttributeThisDN\t'7001'\n" +  // an attribute outside any message
                    "2026-03-15T00:00:01.000 Trc 04541 RequestHoldCall received from [66] (x)\n" +
                    "not its message line\n";
  LogFile f = read(log);
  expect_accounted(f);
  EXPECT_EQ(f.unreadable, 4u);
  ASSERT_EQ(f.samples.size(), 4u);
  EXPECT_EQ(f.samples[0].line, 72u);
  EXPECT_NE(f.samples[0].what.find("some prose"), std::string::npos);
  EXPECT_EQ(f.samples[1].line, 73u);
  // The request header whose message line never came is reported at its own line.
  EXPECT_EQ(f.samples[2].line, 74u);
  EXPECT_EQ(f.samples[3].line, 75u);
}

TEST(TServerLogReader, MessagesTheModelCannotHoldAreCountedNotDropped) {
  std::string log =
      "@10:00:00.0000 [0] 8.1 distribute_event: message EventRinging\n"
      "\tAttributeConnID\tnot-a-connid\n"
      "\tAttributeThisDN\t'7002'\n"
      "@10:00:00.0100 [0] 8.1 distribute_event: message EventRinging\n"
      "\tAttributeThisDN\t'has space'\n"
      "@10:00:00.0200 [0] 8.1 distribute_event: message EventEstablished\n"
      "\tAttributeConnID\t006c02462a161006\n"
      "\tAttributeThisDNRole\t77\n"
      "\tAttributeThisDN\t'7002'\n";
  ImportedLog out = convert(log);
  EXPECT_EQ(out.events.size(), 0u);
  EXPECT_EQ(out.unusable_count, 3u);
  ASSERT_EQ(out.unusable.size(), 3u);
  EXPECT_EQ(out.unusable[0].line, 1u);
  EXPECT_NE(out.unusable[0].what.find("ConnID"), std::string::npos);
  EXPECT_EQ(out.unusable[1].line, 4u);
  EXPECT_EQ(out.unusable[2].line, 6u);
  EXPECT_EQ(out.other_rows.size(), 3u);  // kept whole, as 'other' rows
}

TEST(TServerLogReader, HostileInputIsAnErrorNamingTheLine) {
  LogFile f;
  std::string nul =
      std::string(
          "@10:00:00.0000 [0] 8.1 distribute_event: message EventRinging\n\tAttributeThisDN\t'7") +
      '\0' + "002'\n";
  Status s = read_tserver_log_text(nul, "n.log", &f);
  EXPECT_EQ(s.code(), Status::Code::kInvalid);
  EXPECT_NE(s.message().find("n.log:2:"), std::string::npos) << s.message();
  std::string huge = "Application name:\tX\n" + std::string(kMaxLogLineLength + 1, 'a') + "\n";
  s = read_tserver_log_text(huge, "h.log", &f);
  EXPECT_EQ(s.code(), Status::Code::kInvalid);
  EXPECT_NE(s.message().find("h.log:2:"), std::string::npos) << s.message();
  // Control bytes: unreadable lines, never a crash.
  std::string binary;
  for (int i = 1; i < 256; ++i) binary += static_cast<char>(i);
  f = read(binary + "\n" + binary);
  expect_accounted(f);
  EXPECT_TRUE(f.messages.empty());
  EXPECT_GT(f.unreadable, 0u);
  // Deep nesting: bounded, the deepest pairs reported.
  std::string deep =
      "@10:00:00.0000 [0] 8.1 distribute_event: message EventRinging\n\tAttributeThisDN\t'7002'\n"
      "\tAttributeUserData\t[1] 00..\n";
  for (int i = 0; i < 40; ++i)
    deep +=
        std::string(static_cast<std::size_t>(i + 2), '\t') + "'k" + std::to_string(i) + "'(list)\n";
  f = read(deep);
  expect_accounted(f);
  EXPECT_EQ(f.messages.size(), 1u);
  EXPECT_GT(f.unreadable, 0u);
  EXPECT_NE(f.samples[0].what.find("nested more than"), std::string::npos);
}

TEST(TServerLogReader, AnonymizeGivesStablePseudonymsAndKeepsConnIds) {
  ImportOptions o;
  o.anonymize = true;
  Pseudonyms names;
  ImportedLog a, b;
  ASSERT_TRUE(log_to_session(read(kAcdLog, "a.log"), o, &names, &a).is_ok());
  ASSERT_TRUE(log_to_session(read(kAcdLog, "b.log"), o, &names, &b).is_ok());
  // Same names in both files of one import; none of the originals left.
  EXPECT_EQ(a.session.config.topology, b.session.config.topology);
  for (const Dn& d : a.session.config.topology.dns) {
    EXPECT_EQ(d.name.substr(0, 2), "dn") << d.name;
  }
  EXPECT_EQ(a.session.config.topology.dns[a.session.config.topology.find("dn1")].kind,
            DnKind::kAcdQueue);
  EXPECT_EQ(a.events[0].conn_id, 0x006c02462a161006u);
  std::string bytes;
  for (const LogRowInfo& r : a.event_rows) {
    std::vector<uint8_t> p;
    encode_log_row(r, &p);
    bytes.append(p.begin(), p.end());
  }
  for (const char* secret :
       {"VQ_Sales", "Agent_7002", "5550100", "8005550100", "agent01", "gold"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(a.file.host, "host1");
}

TEST(TServerLogReader, TheSameLogGivesTheSamePayloadBytes) {
  auto payloads = [](const ImportedLog& log) {
    std::vector<std::vector<uint8_t>> out;
    for (const auto* rows : {&log.event_rows, &log.request_rows, &log.other_rows}) {
      for (const LogRowInfo& r : *rows) {
        out.emplace_back();
        encode_log_row(r, &out.back());
      }
    }
    return out;
  };
  ImportedLog a = convert(kAcdLog), b = convert(crlf(kAcdLog));
  EXPECT_EQ(payloads(a), payloads(b));
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.session, b.session);
}

TEST(TServerLogWriter, PrintsWhatTheReaderReadsBack) {
  ImportedLog in = convert(kAcdLog);
  std::string printed = render_tserver_log(in.session, in.events);
  ImportedLog back = convert(printed, "back.log");
  EXPECT_EQ(back.file.unreadable, 0u);
  EXPECT_EQ(back.unusable_count, 0u);
  ASSERT_EQ(back.events.size(), in.events.size());
  for (std::size_t i = 0; i < in.events.size(); ++i) {
    EXPECT_EQ(back.events[i].type, in.events[i].type);
    EXPECT_EQ(back.events[i].conn_id, in.events[i].conn_id);
    EXPECT_EQ(back.events[i].present, in.events[i].present);
  }
  EXPECT_EQ(back.session.stimuli.size(), in.session.stimuli.size());
  EXPECT_EQ(back.session.config.topology, in.session.config.topology);
}

// The byte checks hold wherever the byte falls (the reader finds the lines that need
// them by a scan in 64-byte blocks): a NUL is an error naming its line and column, a
// control character or a CR that does not end its line makes its line unreadable, a
// CR before LF ends the line, a no-break space reads as a space.
TEST(TServerLogReader, ByteChecksHoldAtEveryOffset) {
  const std::string base = kAcdLog;
  const LogFile ref = read(base);
  auto line_of = [&](std::size_t p) {
    return 1 + static_cast<std::size_t>(
                   std::count(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(p), '\n'));
  };
  auto same_messages = [&](const LogFile& f, const std::string& what) {
    EXPECT_EQ(f.unreadable, 0u) << what;
    ASSERT_EQ(f.messages.size(), ref.messages.size()) << what;
    for (std::size_t i = 0; i < f.messages.size(); ++i) {
      EXPECT_EQ(f.messages[i].name, ref.messages[i].name) << what;
      EXPECT_EQ(f.messages[i].time, ref.messages[i].time) << what;
      EXPECT_EQ(f.messages[i].attrs, ref.messages[i].attrs) << what;
    }
  };
  for (std::size_t p = 0; p < base.size(); ++p) {
    const std::string at = "offset " + std::to_string(p);
    const std::size_t line = line_of(p);
    const std::size_t before = p == 0 ? std::string::npos : base.rfind('\n', p - 1);
    const std::size_t column = p - (before == std::string::npos ? 0 : before + 1) + 1;
    // A NUL: an error naming the line and the column.
    {
      LogFile f;
      Status s = read_tserver_log_text(base.substr(0, p) + '\0' + base.substr(p), "t.log", &f);
      EXPECT_EQ(s.message(), "t.log:" + std::to_string(line) + ": a NUL byte at column " +
                                 std::to_string(column) + " (not a text log)")
          << at;
    }
    for (const char* inserted : {"\x01", "\r"}) {
      LogFile f = read(base.substr(0, p) + inserted + base.substr(p));
      expect_accounted(f);
      if (inserted[0] == '\r' && base[p] == '\n') {
        same_messages(f, at + ": CR before LF");  // a CRLF line end
        continue;
      }
      // That line first (the message it cut short may leave more lines unread).
      EXPECT_GE(f.unreadable, 1u) << at;
      ASSERT_FALSE(f.samples.empty()) << at;
      EXPECT_EQ(f.samples[0].line, line) << at;
      EXPECT_EQ(f.samples[0].what, "a control character (not a text line)") << at;
    }
    // A TAB written as a no-break space.
    if (base[p] == '\t') {
      LogFile f = read(base.substr(0, p) + "\xC2\xA0" + base.substr(p + 1));
      expect_accounted(f);
      same_messages(f, at + ": no-break space");
    }
  }
  // CRLF ends read the same at every alignment of the text (a comment line shifts it).
  for (std::size_t shift = 0; shift < 64; ++shift) {
    LogFile f = read(crlf("#" + std::string(shift, 'x') + "\n" + base));
    expect_accounted(f);
    EXPECT_EQ(f.comment_lines, 1u);
    same_messages(f, "shift " + std::to_string(shift));
  }
}

}  // namespace
}  // namespace callbench
