// The mutator: every op keeps a valid program, the same seed gives the same result (in
// the program ops and in libFuzzer's byte-level entry points), inserts favour the end,
// crossover splices validly, and sizes stay within libFuzzer's limits.
#include "fuzz/mutator.h"

#include <gtest/gtest.h>

#include <set>

#include "fuzz/generate.h"
#include "fuzz/program.h"
#include "tests/fuzz/fuzz_test_util.h"

namespace callbench {
namespace {

std::vector<uint8_t> bytes_of(const Session& p) { return encode_program(p); }

TEST(RngTest, SameSeedSameSequenceAndBoundsHold) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
  for (uint32_t n : {1u, 2u, 7u, 64u, 1000u}) {
    for (int i = 0; i < 200; ++i) {
      EXPECT_LT(a.below(n), n);
      EXPECT_LT(a.biased_high(n), n);
    }
  }
}

TEST(MutatorTest, RandomProgramsAreValidAndCoverSeveralKinds) {
  Rng rng(testing::test_seed(7));
  std::set<DnKind> kinds;
  for (int i = 0; i < 200; ++i) {
    Session p = random_program(rng);
    ASSERT_EQ(check_program(p), "") << print_scenario(p);
    EXPECT_GE(p.config.topology.dns.size(), 4u);
    EXPECT_FALSE(p.stimuli.empty());
    for (const Dn& dn : p.config.topology.dns) kinds.insert(dn.kind);
  }
  EXPECT_EQ(kinds.size(), static_cast<std::size_t>(kDnKindCount));
}

// Each op, many times over random programs and the documented flows: the result is a
// valid program, and an op that cannot apply leaves the program as it was.
TEST(MutatorTest, EveryOpYieldsAValidProgram) {
  Rng rng(testing::test_seed(11));
  std::vector<Session> starts = testing::flow_programs();
  for (int op = 0; op < kMutationOpCount; ++op) {
    SCOPED_TRACE(mutation_op_name(static_cast<MutationOp>(op)));
    int applied = 0;
    for (int i = 0; i < 600; ++i) {
      Session p = i % 2 ? random_program(rng) : starts[static_cast<std::size_t>(i) % starts.size()];
      for (int round = 0; round < 5; ++round) {
        Session before = p;
        bool ok = apply_mutation(&p, static_cast<MutationOp>(op), rng);
        ASSERT_EQ(check_program(p), "") << print_scenario(before) << "---\n" << print_scenario(p);
        if (!ok) {
          ASSERT_EQ(p, before);
        }
        applied += ok;
      }
    }
    EXPECT_GT(applied, 1000);
  }
}

TEST(MutatorTest, OpsThatCannotApplySayNo) {
  Rng rng(1);
  Session empty = testing::parse_text("dn 7001 extension\n").session;
  empty = normalize_program(empty);
  EXPECT_FALSE(apply_mutation(&empty, MutationOp::kDelete, rng));
  EXPECT_FALSE(apply_mutation(&empty, MutationOp::kSwap, rng));
  EXPECT_FALSE(apply_mutation(&empty, MutationOp::kMove, rng));
  EXPECT_FALSE(apply_mutation(&empty, MutationOp::kDuplicate, rng));
  EXPECT_FALSE(apply_mutation(&empty, MutationOp::kChangeArg, rng));
  Session full = empty;
  full.stimuli.assign(limits::kMaxProgramStimuli, Stimulus{});  // 64 pauses
  EXPECT_FALSE(apply_mutation(&full, MutationOp::kInsert, rng));
  EXPECT_FALSE(apply_mutation(&full, MutationOp::kDuplicate, rng));
  EXPECT_TRUE(apply_mutation(&full, MutationOp::kDelete, rng));
  EXPECT_EQ(full.stimuli.size(), limits::kMaxProgramStimuli - 1);
}

TEST(MutatorTest, DeletingACreatorMovesOrDropsItsUses) {
  Rng rng(testing::test_seed(3));
  for (int i = 0; i < 300; ++i) {
    Session p = normalize_program(
        testing::parse_text("dn 7001 extension\ndn 7002 extension\n"
                            "c1 = make-call 7001 7002\nanswer 7002 c1\nrelease 7001 c1\n")
            .session);
    ASSERT_TRUE(apply_mutation(&p, MutationOp::kDelete, rng));
    ASSERT_EQ(check_program(p), "");
    // Without c1's creator no call exists: its uses go too.
    if (p.stimuli.size() < 2 || p.stimuli[0].kind != StimulusKind::kMakeCall) {
      EXPECT_TRUE(p.stimuli.empty());
    }
  }
}

TEST(MutatorTest, SameSeedSameMutation) {
  uint64_t seed = testing::test_seed(5);
  for (const Session& start : testing::flow_programs()) {
    Session a = start, b = start;
    Rng ra(seed), rb(seed);
    for (int i = 0; i < 20; ++i) {
      EXPECT_EQ(mutate_program(&a, ra), mutate_program(&b, rb));
      ASSERT_EQ(a, b);
    }
    Rng ca(seed), cb(seed);
    EXPECT_EQ(crossover_programs(start, a, ca), crossover_programs(start, a, cb));
  }
}

// The position of an inserted stimulus: P(k) = (2k + 1) / (n + 1)^2 over n + 1 slots,
// so the last third of the slots gets about five times as many as the first third.
TEST(MutatorTest, InsertsFavourTheEnd) {
  Rng rng(testing::test_seed(17));
  Session base = normalize_program(testing::parse_text("dn 7001 extension\n").session);
  base.stimuli.assign(20, Stimulus{});  // pauses
  std::size_t first_third = 0, last_third = 0, seen = 0;
  double sum = 0;
  for (int i = 0; i < 4000; ++i) {
    Session p = base;
    ASSERT_TRUE(apply_mutation(&p, MutationOp::kInsert, rng));
    std::size_t pos = 0;
    while (pos < base.stimuli.size() && p.stimuli[pos] == base.stimuli[pos]) ++pos;
    if (p.stimuli[pos].kind == StimulusKind::kPause) continue;  // cannot tell where it went
    ++seen;
    sum += static_cast<double>(pos);
    if (pos < 7) ++first_third;
    if (pos >= 14) ++last_third;
  }
  ASSERT_GT(seen, 1000u);
  EXPECT_GT(last_third, 3 * first_third)
      << "first third " << first_third << ", last " << last_third;
  EXPECT_GT(sum / static_cast<double>(seen), 12.0);  // uniform would be 10
}

TEST(MutatorTest, CrossoverSplicesOntoTheFirstTopology) {
  Rng rng(testing::test_seed(23));
  std::vector<Session> flows = testing::flow_programs();
  for (int i = 0; i < 3000; ++i) {
    const Session& a =
        i % 3 ? flows[rng.below(static_cast<uint32_t>(flows.size()))] : random_program(rng);
    Session b = i % 2 ? flows[rng.below(static_cast<uint32_t>(flows.size()))] : random_program(rng);
    Session c = crossover_programs(a, b, rng);
    ASSERT_EQ(check_program(c), "") << print_scenario(a) << "---\n" << print_scenario(b);
    EXPECT_EQ(c.config.profile, a.config.profile);
    EXPECT_EQ(c.config.seed, a.config.seed);
    ASSERT_GE(c.config.topology.dns.size(), a.config.topology.dns.size());
    for (std::size_t d = 0; d < a.config.topology.dns.size(); ++d) {
      EXPECT_EQ(c.config.topology.dns[d].kind, a.config.topology.dns[d].kind);
    }
  }
}

TEST(MutatorTest, CrossoverOfAProgramWithItselfKeepsItsTopology) {
  // Whatever the cuts, a prefix of a followed by a suffix of a is a valid program whose
  // stimuli come from a.
  Rng rng(testing::test_seed(29));
  for (const Session& a : testing::flow_programs()) {
    Session c = crossover_programs(a, a, rng);
    EXPECT_EQ(check_program(c), "");
    EXPECT_EQ(c.config.topology, a.config.topology);
  }
}

TEST(MutatorBytesTest, SameInputAndSeedSameBytes) {
  uint64_t seed = testing::test_seed(31);
  for (const Session& p : testing::flow_programs()) {
    std::vector<uint8_t> in = bytes_of(p);
    std::set<std::vector<uint8_t>> outputs;
    for (unsigned s = 0; s < 8; ++s) {
      auto run = [&] {
        std::vector<uint8_t> buf(kMaxProgramBytes);
        std::copy(in.begin(), in.end(), buf.begin());
        buf.resize(
            mutate_bytes(buf.data(), in.size(), kMaxProgramBytes, static_cast<unsigned>(seed) + s));
        return buf;
      };
      std::vector<uint8_t> a = run(), b = run();
      ASSERT_EQ(a, b);
      Session q;
      ASSERT_TRUE(decode_program(a.data(), a.size(), &q));
      ASSERT_EQ(check_program(q), "");
      outputs.insert(a);
    }
    EXPECT_GT(outputs.size(), 4u);  // seeds give different mutations
  }
}

TEST(MutatorBytesTest, NeverExceedsMaxSize) {
  Rng rng(testing::test_seed(37));
  std::vector<Session> flows = testing::flow_programs();
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> in = bytes_of(flows[static_cast<std::size_t>(i) % flows.size()]);
    std::size_t max = rng.below(static_cast<uint32_t>(kMaxProgramBytes + 1));
    std::vector<uint8_t> buf(std::max(max, in.size()) + 16, 0xEE);
    std::copy(in.begin(), in.end(), buf.begin());
    std::size_t n = mutate_bytes(buf.data(), in.size(), max, static_cast<unsigned>(i));
    ASSERT_LE(n, max);
    for (std::size_t k = std::max(max, in.size()); k < buf.size(); ++k) ASSERT_EQ(buf[k], 0xEE);
    Session q;
    if (decode_program(buf.data(), n, &q)) {
      ASSERT_EQ(check_program(q), "");
    }
    if (max >= program_header_size(limits::kMaxProgramDns)) {
      ASSERT_TRUE(decode_program(buf.data(), n, &q));
    }
  }
}

TEST(MutatorBytesTest, BytesWithoutAProgramBecomeOne) {
  testing::TestRng rng(testing::test_seed(41));
  for (int i = 0; i < 500; ++i) {
    std::vector<uint8_t> buf(kMaxProgramBytes);
    std::size_t size = rng.below(40);
    for (std::size_t k = 0; k < size; ++k) buf[k] = static_cast<uint8_t>(rng.next());
    buf[0] = 0;  // no magic
    std::size_t n = mutate_bytes(buf.data(), size, buf.size(), static_cast<unsigned>(i));
    Session q;
    ASSERT_TRUE(decode_program(buf.data(), n, &q));
    ASSERT_EQ(check_program(q), "");
  }
}

TEST(MutatorBytesTest, CrossoverIsDeterministicAndWithinMaxOut) {
  uint64_t seed = testing::test_seed(43);
  std::vector<Session> flows = testing::flow_programs();
  for (std::size_t i = 0; i + 1 < flows.size(); ++i) {
    std::vector<uint8_t> a = bytes_of(flows[i]), b = bytes_of(flows[i + 1]);
    for (std::size_t max : {std::size_t{8}, std::size_t{30}, kMaxProgramBytes}) {
      std::vector<uint8_t> out1(max), out2(max);
      auto s = static_cast<unsigned>(seed + i);
      std::size_t n1 = crossover_bytes(a.data(), a.size(), b.data(), b.size(), out1.data(), max, s);
      std::size_t n2 = crossover_bytes(a.data(), a.size(), b.data(), b.size(), out2.data(), max, s);
      ASSERT_LE(n1, max);
      ASSERT_EQ(n1, n2);
      out1.resize(n1);
      out2.resize(n2);
      ASSERT_EQ(out1, out2);
      Session q;
      if (decode_program(out1.data(), n1, &q)) {
        ASSERT_EQ(check_program(q), "");
      }
    }
  }
}

// A short fuzzing loop without libFuzzer: mutate and cross over from the seed corpus;
// every step is a valid program.
TEST(MutatorBytesTest, LongMutationChainsStayValid) {
  Rng rng(testing::test_seed(47));
  std::vector<std::vector<uint8_t>> pool;
  for (const Session& p : testing::flow_programs()) pool.push_back(bytes_of(p));
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> buf(kMaxProgramBytes);
    const auto& x = pool[rng.below(static_cast<uint32_t>(pool.size()))];
    std::size_t n;
    if (rng.one_in(4)) {
      const auto& y = pool[rng.below(static_cast<uint32_t>(pool.size()))];
      n = crossover_bytes(x.data(), x.size(), y.data(), y.size(), buf.data(), buf.size(),
                          static_cast<unsigned>(rng.next()));
    } else {
      std::copy(x.begin(), x.end(), buf.begin());
      n = mutate_bytes(buf.data(), x.size(), buf.size(), static_cast<unsigned>(rng.next()));
    }
    buf.resize(n);
    Session q;
    ASSERT_TRUE(decode_program(buf.data(), buf.size(), &q));
    ASSERT_EQ(check_program(q), "") << print_scenario(q);
    ASSERT_EQ(encode_program(q), buf);
    if (pool.size() < 400)
      pool.push_back(buf);
    else
      pool[rng.below(400)] = buf;
  }
}

// Issue 9: campaigns generate and mutate only programs inside what the model supports.
// With a domain of an Internal Call model (extensions; make-call, answer, release, hold,
// retrieve; one value of the first profile option), random programs and every mutation
// and crossover stay inside it before any repair, and still use every allowed kind.
TEST(MutatorDomainTest, ProgramsAreGeneratedAndMutatedInsideTheModelsDomain) {
  ModelSupports domain;
  domain.dn_kinds = 1u << static_cast<int>(DnKind::kExtension);
  domain.stimuli = 0;
  for (StimulusKind k :
       {StimulusKind::kMakeCall, StimulusKind::kAnswerCall, StimulusKind::kReleaseCall,
        StimulusKind::kHoldCall, StimulusKind::kRetrieveCall})
    domain.stimuli |= 1u << static_cast<int>(k);
  domain.option_values[0] = 1;  // value index 0 only
  set_program_domain(domain);
  Rng rng(testing::test_seed(17));
  std::set<StimulusKind> seen;
  Session p = random_program(rng);
  for (int i = 0; i < 3000; ++i) {
    if (i % 50 == 0) p = random_program(rng);
    ASSERT_EQ(domain.check(p), "") << "round " << i << "\n" << print_scenario(p);
    ASSERT_EQ(check_program(p), "") << print_scenario(p);
    for (const Stimulus& s : p.stimuli) seen.insert(s.kind);
    Session other = random_program(rng);
    if (rng.one_in(5))
      p = crossover_programs(p, other, rng);
    else
      mutate_program(&p, rng);
  }
  set_program_domain(ModelSupports{});
  EXPECT_EQ(seen.size(), 5u);
}

// libFuzzer's way (MutateAndTestOne): a unit mutated again and again in place, now and
// then crossed over with another unit (either side the one just written). The entry
// points take the program they wrote last instead of decoding its bytes again; the bytes
// must be exactly those of decoding every time.
TEST(MutatorBytesTest, ReusingTheLastWrittenProgramGivesTheSameBytesAsDecoding) {
  uint64_t seed = testing::test_seed(53);
  std::vector<std::vector<uint8_t>> pool;
  for (const Session& p : testing::flow_programs()) pool.push_back(bytes_of(p));
  auto chain = [&](bool decode_every_time) {
    Rng rng(seed);
    std::vector<std::vector<uint8_t>> written;
    std::vector<uint8_t> unit = pool[0];
    forget_written_program();
    for (int i = 0; i < 4000; ++i) {
      if (decode_every_time) forget_written_program();
      std::size_t max = rng.one_in(10) ? 20 + rng.below(60) : kMaxProgramBytes;
      std::vector<uint8_t> buf(kMaxProgramBytes);
      std::size_t n;
      auto s = static_cast<unsigned>(rng.next());
      if (rng.one_in(3)) {
        const auto& other = pool[rng.below(static_cast<uint32_t>(pool.size()))];
        bool unit_first = !rng.one_in(4);
        const auto& a = unit_first ? unit : other;
        const auto& b = unit_first ? other : unit;
        n = crossover_bytes(a.data(), a.size(), b.data(), b.size(), buf.data(), max, s);
      } else {
        std::copy(unit.begin(), unit.end(), buf.begin());
        n = mutate_bytes(buf.data(), unit.size(), max, s);
      }
      buf.resize(n);
      written.push_back(buf);
      unit = rng.one_in(20) ? pool[rng.below(static_cast<uint32_t>(pool.size()))] : buf;
    }
    return written;
  };
  std::vector<std::vector<uint8_t>> reused = chain(false), decoded = chain(true);
  ASSERT_EQ(reused.size(), decoded.size());
  for (std::size_t i = 0; i < reused.size(); ++i) ASSERT_EQ(reused[i], decoded[i]) << "step " << i;
}

// fuzz_orderings runs the program the mutator wrote last (last_written_program) instead of
// decoding the bytes it is handed: over a chain of mutations and crossovers, cut short
// now and then by a small max_size, that program is exactly what decoding gives, and
// bytes the mutator did not write last get nothing.
TEST(MutatorBytesTest, TheLastWrittenProgramIsWhatDecodingItsBytesGives) {
  Rng rng(testing::test_seed(59));
  std::vector<std::vector<uint8_t>> pool;
  for (const Session& p : testing::flow_programs()) pool.push_back(bytes_of(p));
  std::vector<uint8_t> unit = pool[3 % pool.size()];
  forget_written_program();
  int taken = 0;
  for (int i = 0; i < 4000; ++i) {
    std::size_t max = rng.one_in(8) ? 16 + rng.below(60) : kMaxProgramBytes;
    std::vector<uint8_t> buf(kMaxProgramBytes);
    auto s = static_cast<unsigned>(rng.next());
    std::size_t n;
    if (rng.one_in(3)) {
      const auto& other = pool[rng.below(static_cast<uint32_t>(pool.size()))];
      n = crossover_bytes(unit.data(), unit.size(), other.data(), other.size(), buf.data(), max, s);
    } else {
      std::copy(unit.begin(), unit.end(), buf.begin());
      n = mutate_bytes(buf.data(), unit.size(), max, s);
    }
    buf.resize(n);
    Session decoded;
    bool ok = decode_program(buf.data(), buf.size(), &decoded);
    const Session* written = last_written_program(buf.data(), buf.size());
    if (written) {
      ++taken;
      ASSERT_TRUE(ok) << "step " << i;
      ASSERT_TRUE(*written == decoded) << "step " << i;
    }
    if (!buf.empty()) {
      std::vector<uint8_t> other = buf;
      other.back() ^= 0x5a;
      ASSERT_EQ(last_written_program(other.data(), other.size()), nullptr) << "step " << i;
      ASSERT_EQ(last_written_program(buf.data(), buf.size() - 1), nullptr) << "step " << i;
    }
    unit = rng.one_in(20) ? pool[rng.below(static_cast<uint32_t>(pool.size()))] : buf;
  }
  EXPECT_GT(taken, 3000);  // most mutations fit whole, and are taken
}

}  // namespace
}  // namespace callbench
