// The mapped source (BufferedSource::MapFile) and DATA frames checked on worker threads
// (ReaderOptions::verify_threads), as toc --verify reads files. Every hostile-input case
// of stream_corruption_test.cc also runs this way; these cover what only size shows:
// release of mapped pages, many frames in flight, and which of two failures is reported.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "lib/common/stream/stream_reader.h"
#include "lib/common/testing/test_util.h"

namespace segstream {
namespace {

using testing::BuildStream;
using testing::TempFile;
using testing::TestTable;

struct Verdict {
  Status status;
  uint64_t tables = 0, rows = 0;
};

Verdict Verify(const std::string& path, bool mapped, unsigned threads, off_t start = 0) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY));
  EXPECT_TRUE(fd.valid());
  ::lseek(fd.get(), start, SEEK_SET);
  BufferedSource source(fd.get(), path);
  if (mapped) {
    EXPECT_TRUE(source.MapFile());
  }
  ReaderOptions options;
  options.verify_threads = threads;
  StreamReader reader(&source, options);
  Verdict v;
  for (;;) {
    Event ev;
    v.status = reader.Next(&ev);
    if (!v.status.ok() || ev.type == EventType::kEnd) return v;
    if (ev.type == EventType::kTableEnd) {
      v.tables += 1;
      v.rows += ev.trailer.totals.rows;
    }
  }
}

// ~24 MiB in 64 KiB frames over three interleaved tables: hundreds of frames in flight
// over the run, and several 8 MiB release steps.
std::vector<uint8_t> LargeStream() {
  std::vector<TestTable> tables = {{"public", "a", {}}, {"public", "b", {}}, {"s", "c", {}}};
  for (int i = 0; i < 240000; ++i) {
    tables[i % 3].rows.push_back(std::to_string(i) + "\t" + std::string(90 + i % 17, 'a' + i % 26) +
                                 "\n");
  }
  WriterOptions options;
  options.frame_size = 64 << 10;
  return BuildStream(tables, options, /*interleave=*/true);
}

TEST(MappedSource, RefusesPipesEmptyFilesAndStartedSources) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  UniqueFd r(p[0]), w(p[1]);
  BufferedSource pipe_source(r.get(), "pipe");
  EXPECT_FALSE(pipe_source.MapFile());

  TempFile empty;
  empty.Write({});
  UniqueFd e(::open(empty.path().c_str(), O_RDONLY));
  BufferedSource empty_source(e.get(), "empty");
  EXPECT_FALSE(empty_source.MapFile());

  TempFile file;
  file.Write({1, 2, 3, 4});
  UniqueFd f(::open(file.path().c_str(), O_RDONLY));
  BufferedSource started(f.get(), "file");
  ASSERT_TRUE(started.ReadUpTo(1).ok());
  EXPECT_FALSE(started.MapFile());  // its buffer already holds bytes past the fd position
}

TEST(MappedSource, StartsWhereTheFileDescriptorIs) {
  // `toc --verify < FILE` after something read part of it: unaligned and past a page.
  auto stream = BuildStream({{"public", "t", {"1\n", "2\n"}}});
  for (size_t junk : {size_t{5}, size_t{5000}}) {
    std::vector<uint8_t> bytes(junk, 0xee);
    bytes.insert(bytes.end(), stream.begin(), stream.end());
    TempFile file;
    file.Write(bytes);
    for (unsigned threads : {0u, 2u}) {
      Verdict v = Verify(file.path(), /*mapped=*/true, threads, static_cast<off_t>(junk));
      EXPECT_TRUE(v.status.ok()) << v.status.ToString();
      EXPECT_EQ(v.rows, 2u);
    }
  }
}

TEST(MappedSource, BytesAfterReleasedPagesReadTheSame) {
  std::vector<uint8_t> bytes(20 << 20);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 7 + i / 4096);
  TempFile file;
  file.Write(bytes);
  UniqueFd fd(::open(file.path().c_str(), O_RDONLY));
  BufferedSource source(fd.get(), "file");
  ASSERT_TRUE(source.MapFile());
  size_t at = 0;
  while (at < bytes.size()) {
    auto chunk = source.ReadUpTo(100003);  // odd size: releases land mid-page
    ASSERT_TRUE(chunk.ok());
    ASSERT_TRUE(std::equal(chunk->begin(), chunk->end(), bytes.begin() + at)) << "at " << at;
    at += chunk->size();
    source.ReleaseBefore(at);
  }
  auto end = source.AtEnd();
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(*end);
}

TEST(MappedSourceDeathTest, AFileThatShrinksWhileMappedExitsWithTheCorruptStatus) {
  TempFile file;
  file.Write(std::vector<uint8_t>(1 << 20, 'x'));
  EXPECT_EXIT(
      {
        UniqueFd fd(::open(file.path().c_str(), O_RDONLY));
        BufferedSource source(fd.get(), "file");
        if (!source.MapFile()) ::_exit(99);
        if (::truncate(file.path().c_str(), 4096) != 0) ::_exit(98);
        auto bytes = source.ReadUpTo(1 << 20);
        volatile uint8_t last = (*bytes)[(1 << 20) - 1];  // past the new end: SIGBUS
        (void)last;
        ::_exit(0);
      },
      ::testing::ExitedWithCode(kExitCorrupt), "input file shrank while it was being read");
}

TEST(ParallelVerify, LargeStreamVerifiesTheSameEveryWay) {
  TempFile file;
  file.Write(LargeStream());
  Verdict inline_read = Verify(file.path(), /*mapped=*/false, 0);
  ASSERT_TRUE(inline_read.status.ok()) << inline_read.status.ToString();
  EXPECT_EQ(inline_read.tables, 3u);
  EXPECT_EQ(inline_read.rows, 240000u);
  for (unsigned threads : {0u, 1u, 2u, 4u}) {
    Verdict v = Verify(file.path(), /*mapped=*/true, threads);
    EXPECT_TRUE(v.status.ok()) << threads << ": " << v.status.ToString();
    EXPECT_EQ(v.tables, inline_read.tables);
    EXPECT_EQ(v.rows, inline_read.rows);
  }
}

TEST(ParallelVerify, TheEarliestOfTwoDamagedFramesIsReported) {
  auto bytes = LargeStream();
  // Two damaged payload bytes far apart: checked out of order, the first must still win.
  for (auto [first, second] : {std::pair{0.2, 0.8}, std::pair{0.5, 0.51}, std::pair{0.9, 0.95}}) {
    auto damaged = bytes;
    damaged[static_cast<size_t>(first * damaged.size())] ^= 0x10;
    damaged[static_cast<size_t>(second * damaged.size())] ^= 0x01;
    TempFile file;
    file.Write(damaged);
    Verdict inline_read = Verify(file.path(), /*mapped=*/false, 0);
    ASSERT_FALSE(inline_read.status.ok());
    EXPECT_EQ(inline_read.status.kind(), ErrorKind::kCorrupt);
    for (int repeat = 0; repeat < 5; ++repeat) {
      Verdict v = Verify(file.path(), /*mapped=*/true, 2);
      EXPECT_EQ(v.status.ToString(), inline_read.status.ToString());
    }
  }
}

TEST(ParallelVerify, AReaderAbandonedWithFramesInFlightStopsCleanly) {
  // A consumer that stops early destroys the reader while workers still check frames of
  // open tables (a sanitizer build turns a use-after-free here into a failure).
  TempFile file;
  file.Write(LargeStream());
  for (int stop_after : {1, 7, 40}) {
    UniqueFd fd(::open(file.path().c_str(), O_RDONLY));
    BufferedSource source(fd.get(), file.path());
    ASSERT_TRUE(source.MapFile());
    ReaderOptions options;
    options.verify_threads = 2;
    auto reader = std::make_unique<StreamReader>(&source, options);
    int frames = 0;
    while (frames < stop_after) {
      Event ev;
      ASSERT_TRUE(reader->Next(&ev).ok());
      if (ev.type == EventType::kDataFrame) ++frames;
    }
    reader.reset();
  }
}

TEST(ParallelVerify, TruncatedLargeStreamReportsTheTruncation) {
  auto bytes = LargeStream();
  bytes.resize(bytes.size() * 2 / 3);
  TempFile file;
  file.Write(bytes);
  Verdict inline_read = Verify(file.path(), /*mapped=*/false, 0);
  Verdict threaded = Verify(file.path(), /*mapped=*/true, 2);
  ASSERT_FALSE(threaded.status.ok());
  EXPECT_EQ(threaded.status.ToString(), inline_read.status.ToString());
}

}  // namespace
}  // namespace segstream
