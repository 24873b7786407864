#include "lib/common/io/byte_io.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace segstream {
namespace {

struct Pipe {
  int read_end = -1, write_end = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    if (read_end >= 0) ::close(read_end);
    if (write_end >= 0) ::close(write_end);
  }
};

std::string ReadAllFrom(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto n = ReadSome(fd, buf, sizeof buf, "pipe");
    if (!n.ok() || n.value() == 0) break;
    out.append(buf, n.value());
  }
  return out;
}

// UBSan found a zero-length write passing a null pointer on to memcpy.
TEST(BufferedSink, AZeroLengthWriteFromNullIsANoOp) {
  Pipe p;
  BufferedSink sink(p.write_end, "pipe", 16);
  EXPECT_TRUE(sink.Write(nullptr, 0).ok());
  EXPECT_TRUE(sink.Write("ab", 2).ok());
  EXPECT_TRUE(sink.Flush().ok());
  ::close(p.write_end);
  p.write_end = -1;
  EXPECT_EQ(ReadAllFrom(p.read_end), "ab");
}

// A pipe holds 64 KiB: 8 MiB through it means many partial writes, all looped over, in order.
TEST(WriteAll, PartialWritesToASlowPipeArriveWholeAndInOrder) {
  Pipe p;
  std::string data(8u << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 251);
  std::string got;
  std::thread reader([&] { got = ReadAllFrom(p.read_end); });
  BufferedSink sink(p.write_end, "pipe", 1u << 20);
  for (size_t at = 0; at < data.size(); at += 100000)
    ASSERT_TRUE(sink.Write(data.data() + at, std::min<size_t>(100000, data.size() - at)).ok());
  ASSERT_TRUE(sink.Flush().ok());
  ::close(p.write_end);
  p.write_end = -1;
  reader.join();
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
}

// A frame's header is buffered and its payload (half the buffer or more) is not: both go
// out in one writev, which a pipe cuts anywhere, in the header as in the payload.
TEST(BufferedSink, SmallThenLargeWritesArriveWholeAndInOrder) {
  Pipe p;
  std::string data;
  for (int frame = 0; frame < 12; ++frame) {
    data += std::string(24, static_cast<char>('a' + frame));
    for (size_t i = 0; i < 700000; ++i) data += static_cast<char>(i * 13 + frame);
  }
  std::string got;
  std::thread reader([&] { got = ReadAllFrom(p.read_end); });
  BufferedSink sink(p.write_end, "pipe", 1u << 20);
  for (size_t at = 0; at < data.size(); at += 24 + 700000) {
    ASSERT_TRUE(sink.Write(data.data() + at, 24).ok());
    ASSERT_TRUE(sink.Write(data.data() + at + 24, 700000).ok());
  }
  ASSERT_TRUE(sink.Flush().ok());
  EXPECT_EQ(sink.offset(), data.size());
  ::close(p.write_end);
  p.write_end = -1;
  reader.join();
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
}

// A reader that went away is "downstream closed", not a crash by SIGPIPE.
TEST(WriteAll, AClosedReaderIsDownstreamClosed) {
  IgnoreSigpipe();
  Pipe p;
  ::close(p.read_end);
  p.read_end = -1;
  std::vector<char> block(1 << 16, 'x');
  Status st = WriteAll(p.write_end, block.data(), block.size(), "stdout");
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.downstream_closed());
  EXPECT_EQ(st.kind(), ErrorKind::kIo);
}

bool DirectoryIsEmpty(const std::string& dir) {
  std::string cmd = "test -z \"$(ls -A '" + dir + "')\"";
  return std::system(cmd.c_str()) == 0;
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/byte_io_test.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

// CI caught the segment agent answering "aborted" while its temporary file still existed:
// the file went only when the owner was destroyed, after the reply.
TEST(PendingOutput, DiscardRemovesTheTemporaryFileAtOnce) {
  TempDir dir;
  PendingOutput pending;
  auto fd = OpenOutput(dir.path + "/out.sgs", &pending);
  ASSERT_TRUE(fd.ok());
  EXPECT_FALSE(DirectoryIsEmpty(dir.path));
  pending.Discard();
  EXPECT_TRUE(DirectoryIsEmpty(dir.path));
  EXPECT_TRUE(pending.Commit().ok());  // nothing left to put in place
  EXPECT_TRUE(DirectoryIsEmpty(dir.path));
}

TEST(PendingOutput, CommitPutsTheFileInPlaceAndDestructionKeepsIt) {
  TempDir dir;
  {
    PendingOutput pending;
    auto fd = OpenOutput(dir.path + "/out.sgs", &pending);
    ASSERT_TRUE(fd.ok());
    ASSERT_TRUE(pending.Commit().ok());
  }
  EXPECT_EQ(::access((dir.path + "/out.sgs").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace segstream
