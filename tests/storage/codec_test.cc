// The payload codec: canonical, round-tripping, JSON with T-Lib names, and every kind
// of bad bytes rejected with a precise error.
#include "storage/codec.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/schema.h>
#include <gtest/gtest.h>

#include <cstring>

#include "core/render.h"
#include "storage/journal.capnp.h"
#include "tests/storage/deep.capnp.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

const std::string kFlow =
    "dn 7001 extension\ndn 8001 acd-queue\ndn 8002 acd-queue\ndn 7002 extension\ndn 9001 "
    "routing-point\n"
    "c1 = make-call 7001 8001\nqueue c1 8002\ndivert 8001 c1 7002\nanswer 7002 c1\nanswer 7001 c1\n"
    "release 7002 c1\nc2 = make-call 7001 5550100\npark c2 7002\nremote-busy c2 SitVacant\n"
    "c3 = inbound 5550100 9001\npause\nroute 9001 c3 7002\nremote-release c3\nresume\n";

TEST(CodecTest, EventsAndRequestsRoundTripAndEncodeCanonically) {
  Scenario sc = testing::parse_text(kFlow);
  Played p = play(sc.session);
  SessionCodec codec(sc.session.config);
  ASSERT_GT(p.events.size(), 10u);
  for (const Event& e : p.events) {
    Payload a, b;
    codec.encode_event(e, &a);
    codec.encode_event(e, &b);
    EXPECT_EQ(a, b) << "equal content, equal bytes";
    EXPECT_EQ(a.size() % 8, 0u);
    Event back;
    Status s = codec.decode_event(a.data(), a.size(), &back);
    ASSERT_TRUE(s.is_ok()) << s.message();
    EXPECT_EQ(back, e);
  }
  for (std::size_t i = 0; i < sc.session.stimuli.size(); ++i) {
    Payload a;
    codec.encode_request(sc.session.stimuli[i], static_cast<uint32_t>(i + 1), p.outcomes[i], &a);
    RecordedRequest back;
    Status s = codec.decode_request(a.data(), a.size(), &back);
    ASSERT_TRUE(s.is_ok()) << s.message();
    EXPECT_EQ(back.stimulus, sc.session.stimuli[i]);
    EXPECT_EQ(back.seq, i + 1);
    EXPECT_EQ(back.ignored, p.outcomes[i].outcome == Outcome::kIgnored ? p.outcomes[i].reason
                                                                       : IgnoreReason::kNone);
  }
}

// The payloads are exactly capnp::canonicalize's output, for events and requests of
// random sessions over every stimulus kind.
TEST(CodecTest, EncodingIsExactlyCapnpCanonicalize) {
  testing::TestRng rng(testing::test_seed(11));
  Scenario base = testing::parse_text(
      "dn 7001 extension\ndn 8001 acd-queue\ndn 8002 acd-queue\ndn 7002 extension\ndn 9001 "
      "routing-point\n"
      "dn 6001 remote-extension\ndn 9101 routing-queue\ndn 5550100 external\n");
  std::size_t checked = 0;
  for (int round = 0; round < 200; ++round) {
    Session s = testing::random_session(rng, base.session, 30);
    Played p = play(s);
    SessionCodec codec(s.config);
    auto same_as_capnp = [&](const Payload& bytes) {
      std::vector<uint64_t> words(bytes.size() / 8);
      std::memcpy(words.data(), bytes.data(), bytes.size());
      kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(words.data()),
                                          words.size());
      capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1));
      kj::Array<capnp::word> canon = capnp::canonicalize(reader.getRoot<schema::Record>());
      return canon.asBytes().size() == bytes.size() &&
             std::memcmp(canon.asBytes().begin(), bytes.data(), bytes.size()) == 0;
    };
    Payload bytes;
    for (const Event& e : p.events) {
      codec.encode_event(e, &bytes);
      ASSERT_TRUE(same_as_capnp(bytes)) << event_text(e, s.config);
      ++checked;
    }
    for (std::size_t i = 0; i < s.stimuli.size(); ++i) {
      codec.encode_request(s.stimuli[i], static_cast<uint32_t>(i + 1), p.outcomes[i], &bytes);
      ASSERT_TRUE(same_as_capnp(bytes)) << print_stimulus(s.stimuli[i], s.config, 0);
      ++checked;
    }
  }
  EXPECT_GT(checked, 5000u);
}

TEST(CodecTest, HeaderRoundTrips) {
  Scenario sc = testing::parse_text(
      "seed 18446744073709551615\noption network-reached simulated\n"
      "option dial-info off\n" +
      kFlow);
  Payload h = encode_header(sc.session.config);
  SessionConfig back;
  std::string engine;
  Status s = decode_header(h.data(), h.size(), &back, &engine);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_EQ(back, sc.session.config);
  EXPECT_EQ(engine, engine_version());
}

// A header decodes only when it is exactly the encoding of what it decodes to, as requests
// and events: a canonical message may carry bits no field reads (spare data bits, unknown
// fields), and every single-bit change of a header, with and without a model, is either
// refused or a change of one of its fields (which the encoding then gives back).
TEST(CodecTest, AHeaderIsExactlyWhatItsFieldsEncodeTo) {
  Scenario sc = testing::parse_text("seed 7\noption dial-info off\n" + kFlow);
  ModelInfo model;
  model.kind = "exec";
  model.name = "python-example";
  model.version = "1";
  model.command = "python3 model.py";
  std::size_t refused = 0, changed = 0;
  const ModelInfo* const models[] = {nullptr, &model};
  for (const ModelInfo* m : models) {
    for (HeaderFlags flags : {HeaderFlags{}, HeaderFlags{true, false}}) {
      const Payload original = encode_header(sc.session.config, m, flags);
      for (std::size_t at = 0; at < original.size(); ++at) {
        for (int bit = 0; bit < 8; ++bit) {
          Payload h = original;
          h[at] = static_cast<uint8_t>(h[at] ^ (1u << bit));
          SessionConfig config;
          std::string engine;
          ModelInfo got;
          HeaderFlags f;
          if (!decode_header(h.data(), h.size(), &config, &engine, &got, &f).is_ok()) {
            ++refused;
            continue;
          }
          ++changed;
          if (engine != engine_version()) continue;  // the engine's text changed (a field)
          EXPECT_EQ(encode_header(config, got.kind.empty() ? nullptr : &got, f), h)
              << "byte " << at << " bit " << bit << " decodes, but is not what it decodes to";
        }
      }
    }
  }
  EXPECT_GT(refused, 1000u);
  EXPECT_GT(changed, 0u);  // the seed's bits, a flag: fields that take any value
}

TEST(CodecTest, JsonUsesTLibNamesAndLeavesAbsentAttributesOut) {
  Scenario sc = testing::parse_text(kFlow);
  Played p = play(sc.session);
  SessionCodec codec(sc.session.config);
  std::string dialing = event_json_line(codec, p.events[0]);
  EXPECT_EQ(
      dialing.rfind(R"({"event":"EventDialing","seq":1,"request_seq":1,"call":"c1","ConnID":")", 0),
      0u)
      << dialing;
  EXPECT_NE(
      dialing.find(
          R"("ThisDN":"7001","ThisDNRole":"Origination","OtherDN":"8001","OtherDNRole":"Destination","CallState":"OK","ReferenceID":1})"),
      std::string::npos)
      << dialing;
  EXPECT_EQ(dialing.find("ThirdParty"), std::string::npos);
  std::string busy = request_json_line(codec, sc.session.stimuli[8], 9, p.outcomes[8]);
  EXPECT_EQ(busy, R"({"request":"remote-busy","seq":9,"call":"c2","CallState":"SitVacant"})");
  std::string ignored = request_json_line(codec, sc.session.stimuli[7], 8, p.outcomes[7]);
  EXPECT_NE(ignored.find(R"("ignored":"the call can be parked)"), std::string::npos) << ignored;
  Payload h = encode_header(sc.session.config);
  std::string header;
  ASSERT_TRUE(payload_json(h.data(), h.size(), &header).is_ok());
  EXPECT_NE(header.find(
                R"("dns":[{"name":"7001","kind":"extension"},{"name":"8001","kind":"acd-queue"})"),
            std::string::npos)
      << header;
}

// ---- Bad bytes ----------------------------------------------------------------------

class BadPayloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sc_ = testing::parse_text(kFlow);
    p_ = play(sc_.session);
    codec_ = std::make_unique<SessionCodec>(sc_.session.config);
    codec_->encode_event(p_.events[2], &event_);
  }
  Status decode(const Payload& bytes) {
    Event e;
    return codec_->decode_event(bytes.data(), bytes.size(), &e);
  }
  Scenario sc_;
  Played p_;
  std::unique_ptr<SessionCodec> codec_;
  Payload event_;
};

TEST_F(BadPayloadTest, NotAWholeNumberOfWords) {
  Payload b(event_.begin(), event_.end() - 3);
  EXPECT_NE(decode(b).message().find("not a whole number of 8-byte words"), std::string::npos);
  EXPECT_NE(decode(Payload{}).message().find("0 bytes"), std::string::npos);
}

TEST_F(BadPayloadTest, Oversized) {
  Payload b(limits::kMaxRecordPayloadBytes + 8, 0);
  Status s = decode(b);
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_NE(s.message().find("exceeds the limit"), std::string::npos) << s.message();
}

TEST_F(BadPayloadTest, RandomBytesAreNotARecord) {
  testing::TestRng rng(testing::test_seed(3));
  for (int i = 0; i < 2000; ++i) {
    Payload b(8 * (1 + rng.below(40)));
    for (auto& x : b) x = static_cast<uint8_t>(rng.next());
    Status s = decode(b);  // must not crash; nearly always an error
    if (!s.is_ok()) {
      EXPECT_EQ(s.code(), Status::Code::kCorrupt);
    }
  }
}

TEST_F(BadPayloadTest, EveryFlippedByteIsRejectedOrDecodesToAValidEvent) {
  for (std::size_t i = 0; i < event_.size(); ++i) {
    for (int bit : {0x01, 0x80}) {
      Payload b = event_;
      b[i] = static_cast<uint8_t>(b[i] ^ bit);
      Event e;
      Status s = codec_->decode_event(b.data(), b.size(), &e);
      if (s.is_ok()) {
        EXPECT_NE(e, p_.events[2]) << "a flip must not decode to the same event";
        Payload again;
        codec_->encode_event(e, &again);
        EXPECT_EQ(again, b) << "what decodes re-encodes to the same bytes";
      } else {
        EXPECT_EQ(s.code(), Status::Code::kCorrupt);
      }
    }
  }
}

TEST_F(BadPayloadTest, WrongKindOfRecord) {
  Payload request;
  codec_->encode_request(sc_.session.stimuli[0], 1, p_.outcomes[0], &request);
  EXPECT_NE(decode(request).message().find("payload is not an event"), std::string::npos);
  RecordedRequest r;
  Status s = codec_->decode_request(event_.data(), event_.size(), &r);
  EXPECT_NE(s.message().find("payload is not a request"), std::string::npos);
  SessionConfig c;
  s = decode_header(event_.data(), event_.size(), &c, nullptr);
  EXPECT_NE(s.message().find("payload is not a session header"), std::string::npos);
}

TEST_F(BadPayloadTest, NonCanonicalIsRejected) {
  // The same event from a plain builder (not canonicalized): a segment table in front.
  capnp::MallocMessageBuilder builder;
  Payload canon = event_;
  // Re-read the canonical words into a builder message and serialise it flat.
  std::vector<uint64_t> words(canon.size() / 8);
  std::memcpy(words.data(), canon.data(), canon.size());
  kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(words.data()),
                                      words.size());
  capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1));
  builder.setRoot(reader.getRoot<capnp::AnyPointer>().getAs<capnp::AnyStruct>());
  auto flat = builder.getSegmentsForOutput()[0];
  Payload padded(flat.asBytes().begin(), flat.asBytes().end());
  padded.resize(padded.size() + 64, 0);  // trailing garbage words: not canonical
  Status s = decode(padded);
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_NE(s.message().find("canonical"), std::string::npos) << s.message();
}

TEST_F(BadPayloadTest, NestedPastTheReadersLimit) {
  capnp::MallocMessageBuilder builder;
  auto node = builder.initRoot<test::Node>();
  for (int i = 0; i < 40; ++i) node = node.initChild();
  kj::Array<capnp::word> words = capnp::canonicalize(builder.getRoot<test::Node>().asReader());
  Payload deep(words.asBytes().begin(), words.asBytes().end());
  EXPECT_EQ(decode(deep).code(), Status::Code::kCorrupt);
  // decode_header reads only its fields and then requires the exact encoding of them.
  SessionConfig c;
  Status s = decode_header(deep.data(), deep.size(), &c, nullptr);
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  // A reader that walks the whole message stops at the nesting limit.
  std::string json;
  s = payload_json(deep.data(), deep.size(), &json);
  EXPECT_NE(s.message().find("nest"), std::string::npos) << s.message();
}

TEST_F(BadPayloadTest, ListLongerThanThePayloadHolds) {
  capnp::MallocMessageBuilder builder;
  builder.initRoot<test::Node>().initData(3000);
  kj::Array<capnp::word> words = capnp::canonicalize(builder.getRoot<test::Node>().asReader());
  Payload big(words.asBytes().begin(), words.asBytes().end());
  Payload cut(big.begin(), big.begin() + 64);  // pointer claims 3000 bytes; 64 are there
  EXPECT_EQ(decode(cut).code(), Status::Code::kCorrupt);
}

TEST_F(BadPayloadTest, NamesThatAreNotInTheSession) {
  Scenario other = testing::parse_text("dn 1 extension\ndn 2 extension\nc9 = make-call 1 2\n");
  SessionCodec foreign(other.session.config);
  Event e;
  Status s = foreign.decode_event(event_.data(), event_.size(), &e);
  EXPECT_NE(s.message().find("unknown"), std::string::npos) << s.message();
}

TEST(DigestTest, ChainsOverPayloadsInOrder) {
  Payload a{1, 2, 3, 4, 5, 6, 7, 8}, b{8, 7, 6, 5, 4, 3, 2, 1};
  uint64_t ab = chain_digest(chain_digest(0, a.data(), 8), b.data(), 8);
  uint64_t ba = chain_digest(chain_digest(0, b.data(), 8), a.data(), 8);
  EXPECT_NE(ab, ba);
  EXPECT_NE(chain_digest(0, a.data(), 8), chain_digest(0, a.data(), 7));
  EXPECT_EQ(digest_string(ab).size(), 16u);
}

}  // namespace
}  // namespace callbench

namespace callbench {
namespace {

// The journal schema's enums follow the model's tables (core/model.h: one order, one
// name per value): the same count, and each enumerant's JSON name is the model's name.
template <typename E>
std::vector<std::string> json_names() {
  std::vector<std::string> out;
  for (auto e : capnp::Schema::from<E>().getEnumerants()) {
    std::string name;
    for (auto a : e.getProto().getAnnotations()) {
      if (a.getValue().isText()) name = a.getValue().getText();
    }
    out.push_back(name);
  }
  return out;
}

TEST(SchemaEnumsTest, FollowTheModelsTables) {
  auto states = json_names<schema::CallState>();
  ASSERT_EQ(states.size(), static_cast<std::size_t>(call_state_count() + 1));
  for (int i = 0; i < call_state_count(); ++i) {
    EXPECT_EQ(states[static_cast<std::size_t>(i) + 1], call_state_name(call_state_at(i))) << i;
  }
  auto events = json_names<schema::EventType>();
  ASSERT_EQ(events.size(), static_cast<std::size_t>(event_type_count() + 1));
  for (int i = 0; i < event_type_count(); ++i) {
    EXPECT_EQ(events[static_cast<std::size_t>(i) + 1], event_name(event_type_at(i))) << i;
  }
}

}  // namespace
}  // namespace callbench
