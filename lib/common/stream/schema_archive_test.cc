#include "lib/common/stream/schema_archive.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "lib/common/stream/stream_reader.h"
#include "lib/common/testing/test_util.h"

namespace segstream {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

// Writes `archive` as a pre-data section in chunks of `chunk` bytes, reads the stream back
// and returns what the assembler rebuilt.
std::string RoundTrip(const std::string& archive, size_t chunk, int* frames) {
  testing::TempFile in, out;
  {
    std::ofstream f(in.path(), std::ios::binary);
    f << archive;
  }
  {
    UniqueFd fd(open(out.path().c_str(), O_WRONLY | O_TRUNC));
    BufferedSink sink(fd.get(), "out");
    StreamWriter writer(&sink, {});
    StreamInfo info;
    info.producer = "test";
    EXPECT_TRUE(writer.Begin(info).ok());
    EXPECT_TRUE(WriteArchiveSection(&writer, "pre-data", in.path(), chunk).ok());
    EXPECT_TRUE(writer.Finish().ok());
    EXPECT_TRUE(sink.Flush().ok());
  }
  UniqueFd fd(open(out.path().c_str(), O_RDONLY));
  BufferedSource source(fd.get(), "out");
  StreamReader reader(&source);
  ArchiveAssembler assembler("pre-data");
  *frames = 0;
  for (;;) {
    Event ev;
    EXPECT_TRUE(reader.Next(&ev).ok());
    if (ev.type == EventType::kEnd) break;
    if (ev.type != EventType::kSql) continue;
    EXPECT_TRUE(IsArchiveSection(ev.sql));
    bool complete = false;
    EXPECT_TRUE(assembler.Add(ev.sql, &complete).ok());
    ++*frames;
  }
  EXPECT_TRUE(assembler.complete());
  return ReadFile(assembler.path());
}

TEST(SchemaArchive, ChunksReassembleExactly) {
  std::string archive;
  for (int i = 0; i < 10000; ++i) archive += static_cast<char>(i * 31 % 256);
  int frames = 0;
  EXPECT_EQ(RoundTrip(archive, 1000, &frames), archive);
  EXPECT_EQ(frames, 10);
  EXPECT_EQ(RoundTrip(archive, 3333, &frames), archive);
  EXPECT_EQ(frames, 4);
}

TEST(SchemaArchive, EmptyArchiveIsOneFrame) {
  int frames = 0;
  EXPECT_EQ(RoundTrip("", 1000, &frames), "");
  EXPECT_EQ(frames, 1);
}

SqlSection Chunk(int64_t i, int64_t n, const std::string& b64) {
  SqlSection s;
  s.section = "post-data";
  s.extra = {{"format", kArchiveFormat}, {"archive", b64}, {"chunk", i}, {"chunks", n}};
  return s;
}

TEST(SchemaArchive, OutOfOrderChunkIsCorrupt) {
  ArchiveAssembler a("post-data");
  bool complete = false;
  EXPECT_TRUE(a.Add(Chunk(0, 3, "Zm9v"), &complete).ok());
  EXPECT_EQ(a.Add(Chunk(2, 3, "Zm9v"), &complete).kind(), ErrorKind::kCorrupt);
}

TEST(SchemaArchive, ChangingChunkCountIsCorrupt) {
  ArchiveAssembler a("post-data");
  bool complete = false;
  EXPECT_TRUE(a.Add(Chunk(0, 3, "Zm9v"), &complete).ok());
  EXPECT_EQ(a.Add(Chunk(1, 2, "Zm9v"), &complete).kind(), ErrorKind::kCorrupt);
}

TEST(SchemaArchive, BadBase64IsCorrupt) {
  ArchiveAssembler a("post-data");
  bool complete = false;
  EXPECT_EQ(a.Add(Chunk(0, 1, "Zm9"), &complete).kind(), ErrorKind::kCorrupt);
}

}  // namespace
}  // namespace segstream
