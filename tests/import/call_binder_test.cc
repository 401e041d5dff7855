// The ConnID-to-call binder both import readers share (import/call_binder.h).
#include "import/call_binder.h"

#include <gtest/gtest.h>

#include "core/limits.h"

namespace callbench::testing {
namespace {

TEST(CallBinder, ConnIdsNameCallsAndAMakeCallWithoutOneIsBoundByItsReferenceId) {
  std::vector<std::string> names;
  CallBinder b(&names);
  // A make-call without a ConnID: its call waits, named by the reader ("r1").
  CallId made = kNoCall;
  ASSERT_TRUE(b.named("r1", &made));
  b.request(std::nullopt, true, 1, true, made);
  // An event of another call: named after its ConnID.
  CallId other = kNoCall;
  ASSERT_TRUE(b.event(0x0000000000000abcULL, std::nullopt, &other));
  EXPECT_NE(other, made);
  EXPECT_EQ(names[other], "conn_0000000000000abc");
  // The first event answering ReferenceID 1 with a new ConnID binds and renames the call.
  CallId e = kNoCall;
  ASSERT_TRUE(b.event(0x48416938ef0dcf6fULL, 1u, &e));
  EXPECT_EQ(e, made);
  EXPECT_EQ(names[made], "conn_48416938ef0dcf6f");
  EXPECT_TRUE(b.known("conn_48416938ef0dcf6f"));
  EXPECT_FALSE(b.known("r1"));
  // Later requests and events with that ConnID go to the same call.
  EXPECT_EQ(b.name_for(0x48416938ef0dcf6fULL), "conn_48416938ef0dcf6f");
  ASSERT_TRUE(b.event(0x48416938ef0dcf6fULL, std::nullopt, &e));
  EXPECT_EQ(e, made);
  // A second event answering ReferenceID 1 with yet another ConnID is another call.
  ASSERT_TRUE(b.event(0x1111111111111111ULL, 1u, &e));
  EXPECT_NE(e, made);
  // An event without a ConnID (an EventError) takes the call of the request it answers.
  CallId err = kNoCall;
  ASSERT_TRUE(b.event(std::nullopt, 1u, &err));
  EXPECT_EQ(err, made);
  CallId none = kNoCall;
  ASSERT_TRUE(b.event(std::nullopt, 99u, &none));
  EXPECT_EQ(none, kNoCall);
  EXPECT_EQ(names.size(), 3u);
}

TEST(CallBinder, TheSessionsLimitOfCallsIsReportedNotPassed) {
  std::vector<std::string> names;
  CallBinder b(&names);
  for (uint64_t i = 0; i < limits::kMaxCalls; ++i) {
    CallId c = kNoCall;
    ASSERT_TRUE(b.event(i + 1, std::nullopt, &c));
    EXPECT_EQ(c, static_cast<CallId>(i));
  }
  CallId c = kNoCall;
  EXPECT_FALSE(b.event(uint64_t{0xffff}, std::nullopt, &c));
  EXPECT_FALSE(b.named("one_more", &c));
  EXPECT_TRUE(b.named("conn_0000000000000001", &c));  // a known one still resolves
  EXPECT_EQ(c, 0);
  EXPECT_EQ(names.size(), limits::kMaxCalls);
}

}  // namespace
}  // namespace callbench::testing
