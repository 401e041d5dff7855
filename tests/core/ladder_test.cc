// Ladder diagrams (core/ladder.h): one lifeline per party, one arrow per client request
// and per event, switch steps marked, errors, ignored stimuli and violations highlighted,
// every piece of text escaped, the same bytes for the same session. (The SVG and HTML
// are parsed as XML by tests/render/ladder_xml_test.py; the pages are looked at in a
// real browser by tests/render/browser_test.sh.)
#include "core/ladder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/oracle.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Drawn {
  Scenario sc;
  Played played;
  Verdict verdict;
  std::string svg;
};

Drawn draw(Scenario sc) {
  Drawn d{std::move(sc), {}, {}, {}};
  d.played = play(d.sc.session);
  d.verdict = judge(d.sc.session, d.played.events);
  d.svg = render_ladder_svg({&d.sc.session, &d.played.events, &d.played.outcomes, &d.verdict, "t"});
  return d;
}

TEST(LadderTest, EveryFlowDrawsALifelinePerPartyAndAnArrowPerRequestAndEvent) {
  std::size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    if (entry.path().extension() != ".scn") continue;
    ++files;
    Scenario sc;
    ASSERT_TRUE(load_scenario(entry.path().string(), &sc).is_ok());
    Drawn d = draw(sc);
    std::size_t requests = 0;
    for (const Stimulus& s : d.sc.session.stimuli) requests += s.is_client_request();
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(count(d.svg, "<g class=\"lifeline\" data-dn="),
              d.sc.session.config.topology.dns.size());
    EXPECT_EQ(count(d.svg, "<g class=\"lifeline tserver\""), 1u);
    EXPECT_EQ(count(d.svg, "<g class=\"arrow request"), requests);
    EXPECT_EQ(count(d.svg, "<g class=\"step switch"), d.sc.session.stimuli.size() - requests);
    EXPECT_EQ(count(d.svg, "<g class=\"arrow event"), d.played.events.size());
    EXPECT_EQ(count(d.svg, " violation\""), 0u) << "the documented flows conform";
    for (const Event& e : d.played.events) {
      EXPECT_NE(
          d.svg.find(std::string(">") + event_name(e.type) + " #" + std::to_string(e.seq) + "<"),
          std::string::npos);
    }
    for (const Dn& dn : d.sc.session.config.topology.dns) {
      EXPECT_NE(d.svg.find(std::string(">") + dn_kind_name(dn.kind) + "<"), std::string::npos);
    }
  }
  EXPECT_GT(files, 40u);
}

TEST(LadderTest, RequestArrowsNameTheTlibRequestAndItsReferenceId) {
  Drawn d = draw(testing::parse_text(
      "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\nanswer 7002 c1 ref=9\n"));
  EXPECT_NE(d.svg.find(">TMakeCall ReferenceID=1<"), std::string::npos);
  EXPECT_NE(d.svg.find(">TAnswerCall ReferenceID=9<"), std::string::npos);
  // The flow the call followed is written above the diagram.
  EXPECT_NE(d.svg.find("Internal/Inbound Call, normal flow"), std::string::npos) << d.svg;
}

TEST(LadderTest, SameSessionGivesTheSameBytes) {
  Scenario sc;
  ASSERT_TRUE(load_scenario(testing::source_path("corpus/flows/multi_acd_4.scn"), &sc).is_ok());
  Drawn a = draw(sc), b = draw(sc);
  EXPECT_EQ(a.svg, b.svg);
  LadderSession la{&a.sc.session, &a.played.events, &a.played.outcomes, &a.verdict, "x"};
  LadderSession lb{&b.sc.session, &b.played.events, &b.played.outcomes, &b.verdict, "x"};
  EXPECT_EQ(render_ladder_html(la), render_ladder_html(lb));
}

TEST(LadderTest, EventErrorAndIgnoredStimuliAreHighlighted) {
  // 7001 answering its own dialing call is refused; picking up a call that is not parked is
  // ignored.
  Drawn d =
      draw(testing::parse_text("dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 "
                               "7002\nanswer 7001 c1\npickup 7002 c1\n"));
  ASSERT_EQ(d.played.outcomes[2].outcome, Outcome::kIgnored);
  EXPECT_EQ(count(d.svg, "<g class=\"arrow event error\""), 1u) << d.svg;
  EXPECT_EQ(count(d.svg, "<g class=\"arrow request refused\""), 1u);
  EXPECT_EQ(count(d.svg, "<g class=\"step switch ignored\""), 1u);
  EXPECT_NE(d.svg.find(std::string("(ignored: ") + ignore_reason_text(d.played.outcomes[2].reason)),
            std::string::npos);
}

TEST(LadderTest, AViolationIsNamedOnItsArrow) {
  Scenario sc;
  ASSERT_TRUE(load_scenario(testing::source_path("corpus/flows/acd.scn"), &sc).is_ok());
  Played p = play(sc.session);
  // The agent's EventRinging loses its ThisQueue: rule agent-this-queue.
  auto ringing = std::find_if(p.events.begin(), p.events.end(),
                              [](const Event& e) { return e.type == EventType::kRinging; });
  ASSERT_NE(ringing, p.events.end());
  ringing->clear(Attr::kThisQueue);
  Verdict v = judge(sc.session, p.events);
  ASSERT_FALSE(v.ok());
  std::string svg = render_ladder_svg({&sc.session, &p.events, &p.outcomes, &v, "tampered"});
  std::string arrow = "<g class=\"arrow event violation\" data-seq=\"" +
                      std::to_string(ringing->seq) + "\" data-rule=\"";
  ASSERT_NE(svg.find(arrow), std::string::npos) << svg;
  EXPECT_NE(svg.find("!! " + v.violations[0].rule), std::string::npos);
  EXPECT_NE(svg.find(" of the call-model document:"), std::string::npos);
}

TEST(LadderTest, AMissingEventIsANoteAfterItsStimulus) {
  Scenario sc = testing::parse_text(
      "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\nanswer 7002 c1\n");
  Played p = play(sc.session);
  // Drop the caller's EventEstablished: the answer leaves one side not talking.
  auto it = std::find_if(p.events.begin(), p.events.end(), [](const Event& e) {
    return e.type == EventType::kEstablished && e.this_dn == 0;
  });
  ASSERT_NE(it, p.events.end());
  p.events.erase(it);
  Verdict v = judge(sc.session, p.events);
  ASSERT_FALSE(v.ok());
  std::string svg = render_ladder_svg({&sc.session, &p.events, &p.outcomes, &v, ""});
  std::size_t notes = 0, marked = 0;
  for (const Violation& x : v.violations)
    (x.has_event && !x.event_seqs.empty() ? marked : notes) += 1;
  EXPECT_EQ(count(svg, "<g class=\"note violation\""), notes);
  EXPECT_GT(count(svg, "violation"), 0u);
}

TEST(LadderTest, AnObservedStreamDrawsEachRequestBeforeTheEventsEchoingItsReferenceId) {
  Scenario sc = testing::parse_text(
      "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\nanswer 7002 c1\nrelease "
      "7001 c1\n");
  Played p = play(sc.session);
  // As a JSON-lines stream from a real T-Server: client requests only, no causes.
  Session observed = sc.session;
  observed.observed = true;
  observed.profile_known = false;
  for (Event& e : p.events) e.request_seq = 0;
  std::vector<ApplyResult> none;
  std::string svg = render_ladder_svg({&observed, &p.events, &none, nullptr, ""});
  std::size_t previous = 0;
  for (const char* in_order : {"TMakeCall ReferenceID=1<", ">EventDialing #1<", ">EventRinging #2<",
                               "TAnswerCall ReferenceID=2<", ">EventEstablished #3<",
                               "TReleaseCall ReferenceID=3<", ">EventReleased #5<"}) {
    std::size_t at = svg.find(in_order);
    ASSERT_NE(at, std::string::npos) << in_order;
    EXPECT_GT(at, previous) << in_order << " is out of order";
    previous = at;
  }
}

TEST(LadderTest, UntrustedTextIsEscapedAndControlCharactersDropped) {
  Session s;
  s.config.topology.dns = {{"<7001&\"'>", DnKind::kExtension},
                           {std::string("70\x01\x1b[2J02\xff\xc0\xaf", 13), DnKind::kExtension}};
  s.config.call_names = {"c1"};
  Stimulus mk;
  mk.kind = StimulusKind::kMakeCall;
  mk.dn = 0;
  mk.dn2 = 1;
  mk.call = 0;
  mk.reference_id = 1;
  s.stimuli = {mk};
  Played p = play(s);
  Verdict v = judge(s, p.events);
  std::string svg =
      render_ladder_svg({&s, &p.events, &p.outcomes, &v, "</svg><script>alert(1)</script>\n"});
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<7001"), std::string::npos);
  EXPECT_NE(svg.find("&lt;7001&amp;&quot;&#39;&gt;"), std::string::npos);
  for (char c : svg) {
    auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || c == '\n') << "control character " << int(u);
  }
  EXPECT_EQ(svg.find("\xff"), std::string::npos);
  EXPECT_NE(svg.find("70[2J02\xEF\xBF\xBD"), std::string::npos) << "invalid UTF-8 becomes U+FFFD";
  EXPECT_EQ(xml_escape("a\tb\nc"), "abc");
  EXPECT_EQ(xml_escape("a\nb", true), "a\nb");
  EXPECT_EQ(xml_escape("\xC3\xA9"), "\xC3\xA9") << "valid UTF-8 is kept";
  EXPECT_EQ(xml_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD")
      << "a surrogate is not UTF-8";
}

TEST(LadderTest, CheckPageListsEverySessionAndDrawsItsLadder) {
  Drawn a =
      draw(testing::parse_text("dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\n"));
  std::vector<LadderSession> pages = {
      {&a.sc.session, &a.played.events, &a.played.outcomes, &a.verdict, "session 1 'x'"},
      {&a.sc.session, &a.played.events, &a.played.outcomes, &a.verdict, "session 2 'y'"}};
  std::string html = render_check_html("check & see", pages);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<title>check &amp; see</title>"), std::string::npos);
  EXPECT_EQ(count(html, "<svg xmlns"), 2u);
  EXPECT_EQ(count(html, "<section class=\"session\">"), 2u);
  EXPECT_NE(html.find("session 2 &#39;y&#39;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  for (const char* fetch : {"src=", "href=\"http", "url(", "@import", "<link"}) {
    EXPECT_EQ(html.find(fetch), std::string::npos) << fetch << ": nothing is fetched";
  }
}

}  // namespace
}  // namespace callbench
