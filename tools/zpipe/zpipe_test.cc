#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/common/stream/stream_reader.h"
#include "lib/common/testing/test_util.h"
#include "tools/zpipe/detect.h"
#include "tools/zpipe/ordered_pool.h"
#include "tools/zpipe/segstream_codec.h"

namespace segstream::zpipe {
namespace {

using format::Codec;
using testing::BuildStream;
using testing::TempFile;
using testing::TestTable;

std::vector<TestTable> SampleTables() {
  TestTable a{"public", "orders", {}};
  TestTable b{"sales", "Line Items", {}};
  for (int i = 0; i < 20000; ++i) {
    a.rows.push_back(std::to_string(i) + "\tcustomer " + std::to_string(i % 97) + "\t2024-01-01\n");
    if (i % 3 == 0) b.rows.push_back(std::to_string(i) + "\t" + std::string(i % 50, 'x') + "\n");
  }
  return {a, b};
}

std::vector<uint8_t> Transcode(const std::vector<uint8_t>& in, Codec codec, int level,
                               int threads) {
  TempFile src, dst;
  src.Write(in);
  int in_fd = ::open(src.path().c_str(), O_RDONLY);
  int out_fd = ::open(dst.path().c_str(), O_WRONLY | O_TRUNC);
  {
    BufferedSource source(in_fd, "in");
    BufferedSink sink(out_fd, "out");
    TranscodeOptions o;
    o.codec = codec;
    o.level = level;
    o.threads = threads;
    Status st = TranscodeSegstream(&source, &sink, o, nullptr);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  ::close(in_fd);
  ::close(out_fd);
  return dst.Read();
}

// Reads a stream with full verification; returns the codecs its DATA frames used.
uint8_t VerifyFully(const std::vector<uint8_t>& bytes, uint64_t* rows) {
  TempFile f;
  f.Write(bytes);
  int fd = ::open(f.path().c_str(), O_RDONLY);
  BufferedSource source(fd, "verify");
  StreamReader reader(&source);
  uint8_t codecs = 0;
  *rows = 0;
  for (;;) {
    Event ev;
    Status st = reader.Next(&ev);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (!st.ok() || ev.type == EventType::kEnd) break;
    if (ev.type == EventType::kRows)
      codecs |= uint8_t(1u << static_cast<int>(ev.frame.header.codec));
    if (ev.type == EventType::kTableEnd) *rows += ev.trailer.totals.rows;
  }
  ::close(fd);
  return codecs;
}

TEST(TranscodeSegstream, EveryCodecKeepsDigestsVerifiable) {
  auto plain = BuildStream(SampleTables(), {}, /*interleave=*/true);
  for (Codec codec : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    for (int threads : {1, 4}) {
      auto packed = Transcode(plain, codec, LevelRangeFor(codec).default_level, threads);
      uint64_t rows = 0;
      uint8_t codecs = VerifyFully(packed, &rows);
      EXPECT_EQ(rows, 20000u + 6667u);
      EXPECT_TRUE(codecs & (1u << static_cast<int>(codec))) << format::CodecName(codec);
      EXPECT_LT(packed.size(), plain.size());
    }
  }
}

TEST(TranscodeSegstream, DecompressRestoresTheOriginalBytes) {
  auto plain = BuildStream(SampleTables(), {}, true);
  auto zstd = Transcode(plain, Codec::kZstd, 3, 3);
  auto lz4 = Transcode(zstd, Codec::kLz4, 1, 2);  // recompression in one step
  EXPECT_EQ(Transcode(lz4, Codec::kNone, 0, 2), plain);
}

TEST(TranscodeSegstream, IncompressibleFramesAreStoredAsIs) {
  TestTable t{"public", "noise", {}};
  uint64_t x = 88172645463325252ull;
  std::string row;  // one long row of noise: nothing for lz4 to find
  for (int j = 0; j < 100000; ++j) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    row += static_cast<char>(x >> 56);
  }
  t.rows.push_back(row + "\n");
  auto packed = Transcode(BuildStream({t}), Codec::kLz4, 1, 1);
  uint64_t rows = 0;
  EXPECT_EQ(VerifyFully(packed, &rows), 1u << static_cast<int>(Codec::kNone));
}

TEST(TranscodeSegstream, FramesOfHugeRowsRoundTrip) {
  TestTable t{"public", "blobs", {}};
  for (int i = 0; i < 4; ++i)
    t.rows.push_back(std::string(20u << 20, static_cast<char>('a' + i)) + "\n");
  t.rows.push_back("small\n");
  auto plain = BuildStream({t});
  auto packed = Transcode(plain, Codec::kZstd, 1, 2);
  EXPECT_LT(packed.size(), plain.size() / 100);
  EXPECT_EQ(Transcode(packed, Codec::kNone, 0, 2), plain);
}

TEST(OrderedPool, WeightBudgetLimitsWhatIsInFlight) {
  struct Job {
    uint64_t weight = 0;
  };
  std::atomic<uint64_t> in_flight{0}, peak{0};
  OrderedPool<Job> pool(
      2, 16,
      [&](Job&, int) {
        ::usleep(100);
        return Status::Ok();
      },
      [&](Job& j) {
        in_flight -= j.weight;
        return Status::Ok();
      },
      /*weight_budget=*/100);
  for (int i = 0; i < 200; ++i) {
    Job* j = pool.Acquire();
    ASSERT_NE(j, nullptr);
    j->weight = 40;
    uint64_t now = in_flight += 40;
    if (now > peak) peak = now;
    pool.Submit(true, 40);
  }
  ASSERT_TRUE(pool.Finish().ok());
  EXPECT_LE(peak.load(), 140u);  // the budget plus the one job that crossed it
}

TEST(OrderedPool, EmitsInSubmissionOrder) {
  struct Job {
    int n = 0;
    int squared = 0;
  };
  std::vector<int> seen;
  OrderedPool<Job> pool(
      4, 6,
      [](Job& j, int) {
        if (j.n % 7 == 0) ::usleep(200);  // out-of-order completion
        j.squared = j.n * j.n;
        return Status::Ok();
      },
      [&](Job& j) {
        seen.push_back(j.squared);
        return Status::Ok();
      });
  for (int i = 0; i < 500; ++i) {
    Job* j = pool.Acquire();
    ASSERT_NE(j, nullptr);
    j->n = i;
    j->squared = -i * i;
    pool.Submit(i % 5 != 0);  // some jobs skip the workers
  }
  ASSERT_TRUE(pool.Finish().ok());
  ASSERT_EQ(seen.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(seen[i], i % 5 != 0 ? i * i : -i * i) << i;
}

TEST(OrderedPool, WorkErrorStopsInOrder) {
  struct Job {
    int n = 0;
  };
  std::vector<int> seen;
  OrderedPool<Job> pool(
      2, 4, [](Job& j, int) { return j.n == 10 ? Status::Corrupt("bad job") : Status::Ok(); },
      [&](Job& j) {
        seen.push_back(j.n);
        return Status::Ok();
      });
  for (int i = 0; i < 1000; ++i) {
    Job* j = pool.Acquire();
    if (!j) break;
    j->n = i;
    pool.Submit(true);
  }
  Status st = pool.Finish();
  EXPECT_EQ(st.kind(), ErrorKind::kCorrupt);
  ASSERT_EQ(seen.size(), 10u);  // everything before the bad job, nothing after
}

// Workers that have lost their CPU (here: blocked) must not idle the other threads: with
// the window full, the producer and the writer run the unclaimed jobs themselves, the
// window stays bounded, and the output stays in order.
TEST(OrderedPool, ProducerAndWriterWorkWhileTheWorkersAreStalled) {
  struct Job {
    int n = 0;
  };
  constexpr int kWorkers = 2;
  constexpr size_t kCapacity = 6;
  std::atomic<int> helped{0}, workers_started{0};
  std::atomic<bool> gave_up{false};
  std::atomic<size_t> in_flight{0}, peak{0};
  std::vector<int> seen;
  OrderedPool<Job> pool(
      kWorkers, kCapacity,
      [&](Job&, int index) {
        EXPECT_LT(index, OrderedPool<Job>::Contexts(kWorkers));
        if (index >= kWorkers) {
          ++helped;
        } else if (workers_started++ < kWorkers) {
          // Each worker's first job waits until the helpers have done others' work. The
          // deadline turns a pool that never helps into a failure, not a hang.
          for (int i = 0; helped < 4; ++i) {
            if (i == 10000) {
              gave_up = true;
              break;
            }
            ::usleep(500);
          }
        }
        return Status::Ok();
      },
      [&](Job& j) {
        seen.push_back(j.n);
        --in_flight;
        return Status::Ok();
      });
  for (int i = 0; i < 100; ++i) {
    Job* j = pool.Acquire();
    ASSERT_NE(j, nullptr);
    size_t now = ++in_flight;
    if (now > peak) peak = now;
    j->n = i;
    pool.Submit(true);
  }
  ASSERT_TRUE(pool.Finish().ok());
  EXPECT_FALSE(gave_up);
  EXPECT_GE(helped.load(), 4);
  EXPECT_LE(peak.load(), kCapacity);
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
}

// An error in a job a helper ran is reported as a worker's would be: in order, after
// everything submitted before it, and nothing after it.
TEST(OrderedPool, HelperWorkErrorStopsInOrder) {
  struct Job {
    int n = 0;
  };
  std::atomic<int> failed_job{-1};
  std::vector<int> seen;
  OrderedPool<Job> pool(
      2, 3,
      [&](Job& j, int index) {
        if (index < 2) {
          ::usleep(2000);  // slow workers: the producer fills the window and starts helping
          return Status::Ok();
        }
        int none = -1;
        if (failed_job.compare_exchange_strong(none, j.n)) return Status::Corrupt("bad job");
        return Status::Ok();
      },
      [&](Job& j) {
        seen.push_back(j.n);
        return Status::Ok();
      });
  for (int i = 0; i < 1000; ++i) {
    Job* j = pool.Acquire();
    if (!j) break;
    j->n = i;
    pool.Submit(true);
  }
  Status st = pool.Finish();
  EXPECT_EQ(st.kind(), ErrorKind::kCorrupt);
  ASSERT_GE(failed_job.load(), 0);  // a helper did run a job
  ASSERT_EQ(seen.size(), static_cast<size_t>(failed_job.load()));
  for (int i = 0; i < failed_job.load(); ++i) EXPECT_EQ(seen[i], i);
}

// With one worker (-T 1) the worker runs every job: one compressing thread, as asked.
TEST(OrderedPool, OneWorkerIsNotHelped) {
  struct Job {};
  std::atomic<int> elsewhere{0};
  OrderedPool<Job> pool(
      1, 2,
      [&](Job&, int index) {
        if (index != 0) ++elsewhere;
        ::usleep(200);
        return Status::Ok();
      },
      [](Job&) { return Status::Ok(); });
  for (int i = 0; i < 50; ++i) {
    ASSERT_NE(pool.Acquire(), nullptr);
    pool.Submit(true);
  }
  ASSERT_TRUE(pool.Finish().ok());
  EXPECT_EQ(elsewhere.load(), 0);
}

TEST(DetectFormat, RecognisesMagicBytes) {
  auto d = [](std::vector<uint8_t> b) { return DetectFormat(b); };
  EXPECT_EQ(d({}), InputFormat::kEmpty);
  EXPECT_EQ(d({0x28, 0xb5, 0x2f, 0xfd, 0}), InputFormat::kZstd);
  EXPECT_EQ(d({0x50, 0x2a, 0x4d, 0x18}), InputFormat::kZstd);  // skippable frame
  EXPECT_EQ(d({0x04, 0x22, 0x4d, 0x18}), InputFormat::kLz4);
  EXPECT_EQ(d({0x1f, 0x8b, 8}), InputFormat::kGzip);
  EXPECT_EQ(d({0x89, 'S', 'G', 'S', '\r', '\n', 0x1a, '\n'}), InputFormat::kSegstream);
  EXPECT_EQ(d({'1', '\t', 'a', '\n'}), InputFormat::kOther);
}

}  // namespace
}  // namespace segstream::zpipe
