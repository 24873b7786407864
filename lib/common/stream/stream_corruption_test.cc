// Hostile input, exhaustively: every truncation, every bit flip, every length at and past
// the format's limits, unknown frame types and flags, and metadata that lies. Streams are
// built either with StreamWriter (real streams to damage) or frame by frame with
// EncodeFrameHeader (streams no writer would produce). Each read goes through a memfd and
// BufferedSource, the same fd path the tools use.
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/common/format/codec.h"
#include "lib/common/format/frame.h"
#include "lib/common/format/stream_summary.h"
#include "lib/common/stream/stream_reader.h"
#include "lib/common/testing/test_util.h"

namespace segstream {
namespace {

using format::Codec;
using format::FrameType;

enum class ReadMode { kBuffered, kMapped, kMappedThreaded };

Status ReadStreamOnce(const std::vector<uint8_t>& bytes, bool decode_rows, int* streams,
                      ReadMode mode) {
  UniqueFd fd(::memfd_create("corruption-test", MFD_CLOEXEC));
  EXPECT_TRUE(fd.valid());
  if (!bytes.empty()) {
    EXPECT_TRUE(WriteAll(fd.get(), bytes.data(), bytes.size(), "memfd").ok());
  }
  ::lseek(fd.get(), 0, SEEK_SET);
  BufferedSource source(fd.get(), "memfd", 512);  // small: refills happen mid-frame
  if (mode != ReadMode::kBuffered) {
    EXPECT_EQ(source.MapFile(), !bytes.empty());
  }
  ReaderOptions options;
  options.decode_rows = decode_rows;
  if (mode == ReadMode::kMappedThreaded) options.verify_threads = 2;
  StreamReader reader(&source, options);
  for (int events = 0; events < 1000000; ++events) {
    Event ev;
    Status st = reader.Next(&ev);
    if (!st.ok()) return st;
    if (ev.type == EventType::kEnd) return Status::Ok();
    if (ev.type == EventType::kStreamBegin && streams) ++*streams;
  }
  return Status::Io("reader did not finish");  // a hang would be a bug
}

// Reads every event of `bytes`; the status of the first failure, or Ok at the end. Reads
// it three ways, buffered, mapped, and mapped with DATA frames checked on worker threads
// (toc --verify), which must all give the same verdict and the same message.
Status ReadStream(const std::vector<uint8_t>& bytes, bool decode_rows = true,
                  int* streams = nullptr) {
  Status buffered = ReadStreamOnce(bytes, decode_rows, streams, ReadMode::kBuffered);
  for (ReadMode mode : {ReadMode::kMapped, ReadMode::kMappedThreaded}) {
    Status other = ReadStreamOnce(bytes, decode_rows, nullptr, mode);
    EXPECT_EQ(other.kind(), buffered.kind())
        << "mode " << static_cast<int>(mode) << " decode " << decode_rows;
    EXPECT_EQ(other.ToString(), buffered.ToString()) << "mode " << static_cast<int>(mode);
  }
  return buffered;
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Frame-by-frame builder for streams no StreamWriter would write. It keeps the counts a
// stream trailer needs, so a test changes only the one thing it is about.
class RawStream {
 public:
  RawStream& Preamble(uint16_t major = format::kVersionMajor,
                      uint16_t minor = format::kVersionMinor) {
    uint8_t p[format::kPreambleSize];
    EncodePreamble(p, major, minor);
    bytes_.insert(bytes_.end(), p, p + sizeof p);
    return *this;
  }
  // Any frame; raw_len defaults to the stored size.
  RawStream& Frame(uint8_t type, uint8_t flags, uint32_t table_id, std::span<const uint8_t> stored,
                   Codec codec = Codec::kNone, std::optional<uint32_t> raw_len = std::nullopt) {
    FrameHeader h;
    h.type = type;
    h.flags = flags;
    h.codec = codec;
    h.table_id = table_id;
    h.stored_len = static_cast<uint32_t>(stored.size());
    h.raw_len = raw_len.value_or(h.stored_len);
    uint8_t header[format::kFrameHeaderSize];
    EncodeFrameHeader(&h, stored, header);
    bytes_.insert(bytes_.end(), header, header + sizeof header);
    bytes_.insert(bytes_.end(), stored.begin(), stored.end());
    ++frames_;
    return *this;
  }
  RawStream& JsonFrame(FrameType type, uint32_t table_id, const Json& j, uint8_t flags = 0) {
    std::string text = j.dump();
    return Frame(static_cast<uint8_t>(type), flags, table_id, Bytes(text));
  }
  RawStream& Header() {
    frames_ = 0;
    totals_ = StreamTotals();
    StreamInfo info;
    info.producer = "corruption-test";
    return JsonFrame(FrameType::kStreamHeader, 0, info.ToJson());
  }
  RawStream& Begin(uint32_t id, const std::string& name = "t") {
    TableInfo info;
    info.schema = "public";
    info.name = name;
    tables_[id] = TableTrailer();
    return JsonFrame(FrameType::kTableBegin, id, info.ToJson());
  }
  RawStream& Data(uint32_t id, const std::vector<std::string>& rows) {
    DataPayloadBuilder builder;
    for (const auto& r : rows) {
      builder.AddRow(Bytes(r));
      tables_[id].totals.AddRow(Bytes(r));
    }
    tables_[id].frames += 1;
    std::vector<uint8_t> payload;
    builder.SerializeTo(&payload);
    return Frame(static_cast<uint8_t>(FrameType::kData), 0, id, payload);
  }
  // The table's true trailer, passed through `lie` first.
  template <typename Fn>
  RawStream& End(uint32_t id, Fn lie) {
    TableTrailer t = tables_[id];
    lie(&t);
    totals_.tables += 1;
    totals_.rows += t.totals.rows;
    totals_.bytes += t.totals.bytes;
    return JsonFrame(FrameType::kTableEnd, id, t.ToJson());
  }
  RawStream& End(uint32_t id) {
    return End(id, [](TableTrailer*) {});
  }
  template <typename Fn>
  RawStream& StreamEnd(Fn lie) {
    StreamTotals t = totals_;
    t.frames = frames_;
    lie(&t);
    return JsonFrame(FrameType::kStreamEnd, 0, t.ToJson());
  }
  RawStream& StreamEnd() {
    return StreamEnd([](StreamTotals*) {});
  }
  RawStream& Append(std::span<const uint8_t> raw) {
    bytes_.insert(bytes_.end(), raw.begin(), raw.end());
    return *this;
  }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
  uint64_t frames_ = 0;
  StreamTotals totals_;
  std::map<uint32_t, TableTrailer> tables_;
};

// A valid two-table stream, the base most tests damage in one place.
RawStream ValidStream() {
  RawStream s;
  s.Preamble().Header().Begin(1, "a").Begin(2, "b");
  s.Data(1, {"1\tx\n", "2\ty\n"}).Data(2, {"b1\n"}).Data(1, {"3\tz\n"});
  s.End(1).End(2).StreamEnd();
  return s;
}

void ExpectCorrupt(const Status& st, const std::string& fragment) {
  ASSERT_FALSE(st.ok()) << "accepted, expected: " << fragment;
  EXPECT_EQ(st.kind(), ErrorKind::kCorrupt) << st.ToString();
  EXPECT_NE(st.ToString().find(fragment), std::string::npos)
      << "message: " << st.ToString() << "\nexpected to contain: " << fragment;
}

// Byte offsets at which a prefix of `bytes` is itself a complete input: after a stream
// trailer, or after one of the optional frames that may follow it.
std::set<size_t> CompletePrefixes(const std::vector<uint8_t>& bytes) {
  std::set<size_t> ends;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes[pos] == format::kMagic[0]) {
      pos += format::kPreambleSize;
      continue;
    }
    FrameHeader h = DecodeFrameHeader(bytes.data() + pos);
    pos += format::kFrameHeaderSize + h.stored_len;
    auto type = h.frame_type();
    if (type == FrameType::kStreamEnd || type == FrameType::kIndex ||
        type == FrameType::kIndexPointer)
      ends.insert(pos);
  }
  return ends;
}

// Several streams back to back: every codec, interleaved tables, several frames per
// table, an index on some, a quoted name: a small input that has every frame kind.
std::vector<uint8_t> MultiCodecStream() {
  std::vector<uint8_t> all;
  std::vector<testing::TestTable> tables = {
      {"public", "orders", {}},
      {"sales", "Order Items", {"1\t\\N\n", "2\ttab\\there\n"}},
      {"public", "empty", {}}};
  for (int i = 0; i < 30; ++i) tables[0].rows.push_back(std::to_string(i) + "\tpaid\n");
  for (auto codec : {Codec::kNone, Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    WriterOptions options;
    options.codec = codec;
    options.level = LevelRangeFor(codec).default_level;
    options.frame_size = 96;
    options.write_index = codec == Codec::kNone || codec == Codec::kLz4;
    auto one = testing::BuildStream(tables, options, /*interleave=*/codec != Codec::kGzip);
    all.insert(all.end(), one.begin(), one.end());
  }
  return all;
}

TEST(StreamCorruption, ValidBaseStreamsRead) {
  ASSERT_TRUE(ReadStream(ValidStream().bytes()).ok())
      << ReadStream(ValidStream().bytes()).ToString();
  int streams = 0;
  Status st = ReadStream(MultiCodecStream(), true, &streams);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(streams, 4);
}

TEST(StreamCorruption, EmptyInputIsNotAStream) {
  ExpectCorrupt(ReadStream({}), "empty input");
  ExpectCorrupt(ReadStream({}, false), "empty input");
}

TEST(StreamCorruption, WrongMagicIsRejected) {
  auto bytes = ValidStream().bytes();
  bytes[1] = 'X';
  ExpectCorrupt(ReadStream(bytes), "wrong magic");
  std::string text = "COPY public.t FROM stdin;\n1\tx\n\\.\n";
  ExpectCorrupt(ReadStream(std::vector<uint8_t>(text.begin(), text.end())), "wrong magic");
}

TEST(StreamCorruption, UnsupportedMajorVersionIsRejectedWithHint) {
  RawStream s;
  s.Preamble(2, 0);
  auto rest = ValidStream().bytes();
  s.Append(std::span<const uint8_t>(rest).subspan(format::kPreambleSize));
  Status st = ReadStream(s.bytes());
  ExpectCorrupt(st, "unsupported segstream format version 2.0");
  EXPECT_TRUE(st.hint().has_value());
}

TEST(StreamCorruption, NewerMinorVersionIsRead) {
  RawStream s;
  s.Preamble(1, 9);
  auto rest = ValidStream().bytes();
  s.Append(std::span<const uint8_t>(rest).subspan(format::kPreambleSize));
  EXPECT_TRUE(ReadStream(s.bytes()).ok());
}

TEST(StreamCorruption, PreambleCheckMismatchIsRejected) {
  auto bytes = ValidStream().bytes();
  bytes[10] ^= 1;  // minor version changed without its check value
  ExpectCorrupt(ReadStream(bytes), "preamble checksum mismatch");
}

TEST(StreamCorruption, TruncationAtEveryByteOffsetIsDetected) {
  auto bytes = MultiCodecStream();
  auto complete = CompletePrefixes(bytes);
  ASSERT_EQ(complete.count(bytes.size()), 1u);
  size_t detected = 0;
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + cut);
    for (bool decode : {true, false}) {
      Status st = ReadStream(prefix, decode);
      if (complete.count(cut)) {
        EXPECT_TRUE(st.ok()) << "complete prefix of " << cut << " bytes: " << st.ToString();
        continue;
      }
      ASSERT_FALSE(st.ok()) << "truncation at byte " << cut << " went unnoticed";
      ASSERT_EQ(st.kind(), ErrorKind::kCorrupt) << cut << ": " << st.ToString();
      if (cut > 0) {
        EXPECT_TRUE(st.offset().has_value()) << cut << ": " << st.ToString();
      }
      ++detected;
    }
  }
  EXPECT_GT(detected, bytes.size());
}

TEST(StreamCorruption, TruncationInsideATableNamesTheTable) {
  RawStream s;
  s.Preamble().Header().Begin(1, "orders").Data(1, {"1\n"});
  ExpectCorrupt(ReadStream(s.bytes()), "truncated stream");
  EXPECT_EQ(ReadStream(s.bytes()).table().value_or(""), "public.orders");
}

// Every single-bit change anywhere (preamble, frame headers, JSON and DATA payloads,
// trailers, index) must be caught, whether or not rows are decoded.
TEST(StreamCorruption, EveryBitFlipIsDetected) {
  WriterOptions options;
  options.frame_size = 64;
  options.write_index = true;
  auto bytes = testing::BuildStream(
      {{"public", "a", {"1\tone\n", "2\ttwo\n", "3\tthree\n"}}, {"s", "B b", {"x\n"}}}, options,
      /*interleave=*/true);
  ASSERT_TRUE(ReadStream(bytes).ok());
  for (size_t byte = 0; byte < bytes.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = bytes;
      damaged[byte] ^= uint8_t(1u << bit);
      SCOPED_TRACE("bit " + std::to_string(bit) + " of byte " + std::to_string(byte));
      for (bool decode : {true, false}) {
        Status st = ReadStream(damaged, decode);
        ASSERT_FALSE(st.ok()) << "flip of bit " << bit << " at byte " << byte << " undetected";
        ASSERT_EQ(st.kind(), ErrorKind::kCorrupt) << st.ToString();
      }
    }
  }
}

TEST(StreamCorruption, BitFlipInCompressedPayloadIsAChecksumMismatch) {
  WriterOptions options;
  options.codec = Codec::kZstd;
  options.level = 3;
  std::vector<std::string> rows(200, "row with repeated text to compress\n");
  auto bytes = testing::BuildStream({{"public", "z", rows}}, options);
  // The DATA frame follows the preamble, the stream header and the table-begin frames.
  size_t pos = format::kPreambleSize;
  for (int skip = 0; skip < 2; ++skip)
    pos += format::kFrameHeaderSize + DecodeFrameHeader(bytes.data() + pos).stored_len;
  ASSERT_EQ(bytes[pos], static_cast<uint8_t>(FrameType::kData));
  bytes[pos + format::kFrameHeaderSize + 5] ^= 0x10;
  Status st = ReadStream(bytes);
  ExpectCorrupt(st, "frame checksum mismatch");
  EXPECT_EQ(st.offset().value_or(0), pos);
  EXPECT_EQ(st.frame().value_or(0), 3u);
}

// A header's lengths are judged before anything is read or allocated: these inputs are a
// few dozen bytes, so a reader that trusted the lengths would report truncation instead.
TEST(StreamCorruption, StoredLengthOfAllOnesIsRejectedBeforeReading) {
  RawStream s;
  s.Preamble().Header();
  auto bytes = s.bytes();
  FrameHeader h;
  h.type = static_cast<uint8_t>(FrameType::kData);
  h.table_id = 1;
  h.stored_len = 0xFFFFFFFFu;
  h.raw_len = 0xFFFFFFFFu;
  uint8_t header[format::kFrameHeaderSize];
  EncodeFrameHeader(&h, {}, header);
  bytes.insert(bytes.end(), header, header + sizeof header);
  ExpectCorrupt(ReadStream(bytes), "exceeds the format limit");
}

TEST(StreamCorruption, LengthsJustOverTheLimitAreRejectedBeforeReading) {
  for (auto [stored, raw, codec] :
       {std::tuple{format::kMaxPayload + 1, format::kMaxPayload + 1, Codec::kNone},
        std::tuple{16u, format::kMaxPayload + 1, Codec::kZstd},
        std::tuple{format::kMaxPayload + 1, 16u, Codec::kLz4}}) {
    RawStream s;
    s.Preamble().Header();
    auto bytes = s.bytes();
    FrameHeader h;
    h.type = static_cast<uint8_t>(FrameType::kData);
    h.codec = codec;
    h.table_id = 1;
    h.stored_len = stored;
    h.raw_len = raw;
    uint8_t header[format::kFrameHeaderSize];
    EncodeFrameHeader(&h, {}, header);
    bytes.insert(bytes.end(), header, header + sizeof header);
    ExpectCorrupt(ReadStream(bytes), "exceeds the format limit");
  }
}

TEST(StreamCorruption, MetadataFrameOverItsLimitIsRejectedBeforeReading) {
  RawStream s;
  s.Preamble().Header();
  auto bytes = s.bytes();
  FrameHeader h;
  h.type = static_cast<uint8_t>(FrameType::kTableBegin);
  h.table_id = 1;
  h.stored_len = h.raw_len = format::kMaxJsonPayload + 1;
  uint8_t header[format::kFrameHeaderSize];
  EncodeFrameHeader(&h, {}, header);
  bytes.insert(bytes.end(), header, header + sizeof header);
  ExpectCorrupt(ReadStream(bytes), "exceeds the metadata limit");
}

TEST(StreamCorruption, UncompressedFrameWithDifferingLengthsIsRejected) {
  RawStream s;
  std::string payload = "abcd";
  s.Preamble().Header().Frame(static_cast<uint8_t>(FrameType::kData), 0, 1, Bytes(payload),
                              Codec::kNone, 5);
  ExpectCorrupt(ReadStream(s.bytes()), "differing stored and raw lengths");
}

TEST(StreamCorruption, DataRowCountLargerThanThePayloadIsRejected) {
  RawStream s;
  std::vector<uint8_t> payload = {0xff, 0xff, 0xff, 0xff, 1, 'x'};
  s.Preamble().Header().Begin(1).Frame(static_cast<uint8_t>(FrameType::kData), 0, 1, payload);
  ExpectCorrupt(ReadStream(s.bytes()), "row count 4294967295 exceeds its size");
}

TEST(StreamCorruption, OverlongRowLengthVarintIsRejected) {
  RawStream s;
  std::vector<uint8_t> payload = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x7f, 'x'};
  s.Preamble().Header().Begin(1).Frame(static_cast<uint8_t>(FrameType::kData), 0, 1, payload);
  ExpectCorrupt(ReadStream(s.bytes()), "malformed row length");
}

TEST(StreamCorruption, RowLengthsNotAddingUpAreRejected) {
  RawStream s;
  std::vector<uint8_t> payload = {2, 0, 0, 0, 1, 1, 'x', 'y', 'z'};
  s.Preamble().Header().Begin(1).Frame(static_cast<uint8_t>(FrameType::kData), 0, 1, payload);
  ExpectCorrupt(ReadStream(s.bytes()), "do not add up");
}

TEST(StreamCorruption, UnknownRequiredFrameTypeIsAnError) {
  RawStream s;
  std::string payload = "from the future";
  s.Preamble().Header().Frame(0x40, 0, 0, Bytes(payload)).StreamEnd();
  Status st = ReadStream(s.bytes());
  ExpectCorrupt(st, "unknown required frame type 64");
  EXPECT_TRUE(st.hint().has_value());
  ExpectCorrupt(ReadStream(s.bytes(), false), "unknown required frame type 64");
}

TEST(StreamCorruption, UnknownOptionalFrameTypeIsSkipped) {
  RawStream s;
  std::string payload = "an optional note";
  s.Preamble().Header().Begin(1).Frame(0x40, format::kFlagOptional, 1, Bytes(payload));
  s.Data(1, {"1\n"}).End(1).Frame(0x7f, format::kFlagOptional, 0, {}).StreamEnd();
  Status st = ReadStream(s.bytes());
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(StreamCorruption, OptionalFramesAfterTheTrailerAreSkippedRequiredOnesAreNot) {
  RawStream ok = ValidStream();
  std::string payload = "x";
  ok.Frame(0x41, format::kFlagOptional, 0, Bytes(payload));
  EXPECT_TRUE(ReadStream(ok.bytes()).ok());
  RawStream bad = ValidStream();
  bad.Frame(static_cast<uint8_t>(FrameType::kData), 0, 1, Bytes(payload));
  ExpectCorrupt(ReadStream(bad.bytes()), "after the stream trailer");
}

TEST(StreamCorruption, FrameTypesZeroAndHighBitAreInvalid) {
  for (uint8_t type : {uint8_t{0}, uint8_t{0x80}, uint8_t{0xfe}}) {
    RawStream s;
    s.Preamble().Header().Frame(type, format::kFlagOptional, 0, {});
    ExpectCorrupt(ReadStream(s.bytes()), "invalid frame type");
  }
}

TEST(StreamCorruption, UnknownFlagBitsAreAnError) {
  RawStream s;
  s.Preamble().Header().Frame(0x40, 0x02, 0, {});
  ExpectCorrupt(ReadStream(s.bytes()), "unknown frame flags 2");
}

TEST(StreamCorruption, UnknownCodecIsAnError) {
  RawStream s;
  std::string payload = "zz";
  s.Preamble().Header().Begin(1).Frame(static_cast<uint8_t>(FrameType::kData), 0, 1, Bytes(payload),
                                       static_cast<Codec>(9), 10);
  ExpectCorrupt(ReadStream(s.bytes()), "unknown codec id 9");
}

TEST(StreamCorruption, GarbageCompressedPayloadIsCorruptNotACrash) {
  for (auto codec : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    RawStream s;
    std::string garbage = "this is not compressed data at all";
    s.Preamble().Header().Begin(1).Frame(static_cast<uint8_t>(FrameType::kData), 0, 1,
                                         Bytes(garbage), codec, 1000);
    Status st = ReadStream(s.bytes());
    ASSERT_FALSE(st.ok()) << format::CodecName(codec);
    EXPECT_EQ(st.kind(), ErrorKind::kCorrupt) << st.ToString();
  }
}

TEST(StreamCorruption, DecompressedSizeDisagreeingWithRawLengthIsCorrupt) {
  DataPayloadBuilder builder;
  builder.AddRow(Bytes("a row\n"));
  std::vector<uint8_t> raw;
  builder.SerializeTo(&raw);
  FrameCompressor compressor(Codec::kZstd, 3);
  std::vector<uint8_t> compressed;
  ASSERT_TRUE(compressor.Compress(raw, &compressed).ok());
  for (uint32_t claimed :
       {static_cast<uint32_t>(raw.size() - 1), static_cast<uint32_t>(raw.size() + 1)}) {
    RawStream s;
    s.Preamble().Header().Begin(1).Frame(static_cast<uint8_t>(FrameType::kData), 0, 1, compressed,
                                         Codec::kZstd, claimed);
    Status st = ReadStream(s.bytes());
    ASSERT_FALSE(st.ok()) << claimed;
    EXPECT_EQ(st.kind(), ErrorKind::kCorrupt);
  }
}

TEST(StreamCorruption, TableBegunButNeverEnded) {
  RawStream s;
  s.Preamble().Header().Begin(1, "orders").Data(1, {"1\n"}).StreamEnd();
  Status st = ReadStream(s.bytes());
  ExpectCorrupt(st, "begun, never ended");
  EXPECT_EQ(st.table().value_or(""), "public.orders");
  ExpectCorrupt(ReadStream(s.bytes(), false), "begun, never ended");
}

TEST(StreamCorruption, TrailerWithWrongRowCount) {
  RawStream s;
  s.Preamble().Header().Begin(1).Data(1, {"1\n", "2\n"});
  s.End(1, [](TableTrailer* t) { t->totals.rows += 1; }).StreamEnd();
  ExpectCorrupt(ReadStream(s.bytes()), "rows 3 in trailer, 2 in data");
}

TEST(StreamCorruption, TrailerWithWrongByteCount) {
  RawStream s;
  s.Preamble().Header().Begin(1).Data(1, {"1\n", "2\n"});
  s.End(1, [](TableTrailer* t) { t->totals.bytes -= 1; }).StreamEnd();
  ExpectCorrupt(ReadStream(s.bytes()), "bytes 3 in trailer, 4 in data");
}

TEST(StreamCorruption, TrailerWithWrongDigest) {
  RawStream s;
  s.Preamble().Header().Begin(1).Data(1, {"1\n", "2\n"});
  s.End(1, [](TableTrailer* t) { t->totals.digest ^= 0x100; }).StreamEnd();
  ExpectCorrupt(ReadStream(s.bytes()), "table digest mismatch");
}

TEST(StreamCorruption, TrailerWithWrongFrameCountEvenWithoutDecoding) {
  RawStream s;
  s.Preamble().Header().Begin(1).Data(1, {"1\n"}).Data(1, {"2\n"});
  s.End(1, [](TableTrailer* t) { t->frames = 1; }).StreamEnd();
  ExpectCorrupt(ReadStream(s.bytes()), "frames 1 in trailer, 2 in data");
  ExpectCorrupt(ReadStream(s.bytes(), false), "frames 1 in trailer, 2 in data");
}

// The fast path (no decoding, as toc's listing of a pipe uses) checks frames and counts
// only; rows and digests are --verify's job. Pinned here so the contract is deliberate.
TEST(StreamCorruption, LyingDigestPassesOnlyWithoutDecoding) {
  RawStream s;
  s.Preamble().Header().Begin(1).Data(1, {"1\n"});
  s.End(1, [](TableTrailer* t) { t->totals.digest += 1; }).StreamEnd();
  EXPECT_TRUE(ReadStream(s.bytes(), false).ok());
  EXPECT_FALSE(ReadStream(s.bytes(), true).ok());
}

// check_digests off hands the digest to the caller (segsplit sums its writers' hashes);
// rows and bytes are still the reader's to check.
TEST(StreamCorruption, WithoutDigestChecksRowsAndBytesAreStillChecked) {
  auto read = [](const std::vector<uint8_t>& bytes) {
    UniqueFd fd(::memfd_create("digest-test", MFD_CLOEXEC));
    EXPECT_TRUE(WriteAll(fd.get(), bytes.data(), bytes.size(), "memfd").ok());
    ::lseek(fd.get(), 0, SEEK_SET);
    BufferedSource source(fd.get(), "memfd");
    ReaderOptions options;
    options.check_digests = false;
    StreamReader reader(&source, options);
    Event ev;
    uint64_t digest = 0;
    for (;;) {
      Status st = reader.Next(&ev);
      if (!st.ok()) return st;
      if (ev.type == EventType::kTableEnd) digest = ev.table->seen.digest;
      if (ev.type == EventType::kEnd) break;
    }
    EXPECT_EQ(digest, 0u);  // not computed
    return Status::Ok();
  };
  RawStream lying_digest;
  lying_digest.Preamble().Header().Begin(1).Data(1, {"1\n"});
  lying_digest.End(1, [](TableTrailer* t) { t->totals.digest += 1; }).StreamEnd();
  EXPECT_TRUE(read(lying_digest.bytes()).ok());
  RawStream lying_rows;
  lying_rows.Preamble().Header().Begin(1).Data(1, {"1\n"});
  lying_rows.End(1, [](TableTrailer* t) { t->totals.rows += 1; }).StreamEnd();
  ExpectCorrupt(read(lying_rows.bytes()), "rows 2 in trailer, 1 in data");
  RawStream lying_bytes;
  lying_bytes.Preamble().Header().Begin(1).Data(1, {"1\n"});
  lying_bytes.End(1, [](TableTrailer* t) { t->totals.bytes += 1; }).StreamEnd();
  ExpectCorrupt(read(lying_bytes.bytes()), "bytes 3 in trailer, 2 in data");
}

TEST(StreamCorruption, MalformedTrailerJsonIsCorrupt) {
  RawStream s;
  s.Preamble().Header().Begin(1).Data(1, {"1\n"});
  s.JsonFrame(FrameType::kTableEnd, 1, Json{{"rows", 1}, {"bytes", 2}, {"frames", 1}});
  ExpectCorrupt(ReadStream(s.bytes()), "malformed table-end metadata");
  RawStream t;
  t.Preamble().Header().Begin(1).Data(1, {"1\n"});
  t.JsonFrame(FrameType::kTableEnd, 1,
              Json{{"rows", 1}, {"bytes", 2}, {"frames", 1}, {"digest", "xyz"}});
  ExpectCorrupt(ReadStream(t.bytes()), "16 hex digits");
}

TEST(StreamCorruption, MetadataThatIsNotAJsonObjectIsCorrupt) {
  RawStream s;
  std::string not_json = "[1,2,3]";
  s.Preamble().Frame(static_cast<uint8_t>(FrameType::kStreamHeader), 0, 0, Bytes(not_json));
  ExpectCorrupt(ReadStream(s.bytes()), "does not hold a JSON object");
}

// Regression: 100,000 levels of nesting overflowed the stack in the JSON library (SIGSEGV
// in toc, load-stream, zpipe -t and segsplit). The depth is bounded before parsing.
std::string Nested(const std::string& open, const std::string& close, int levels,
                   const std::string& inner = "1") {
  std::string text;
  for (int i = 0; i < levels; ++i) text += open;
  text += inner;
  for (int i = 0; i < levels; ++i) text += close;
  return text;
}

TEST(StreamCorruption, DeeplyNestedStreamHeaderIsCorruptNotACrash) {
  for (const auto& [open, close] :
       std::vector<std::pair<std::string, std::string>>{{"[", "]"}, {"{\"a\":", "}"}}) {
    std::string text = "{\"producer\":\"x\",\"deep\":" + Nested(open, close, 100000) + "}";
    RawStream s;
    s.Preamble().Frame(static_cast<uint8_t>(FrameType::kStreamHeader), 0, 0, Bytes(text));
    Status st = ReadStream(s.bytes());
    ExpectCorrupt(st, "stream-header frame nests JSON deeper than 64 levels");
    EXPECT_EQ(st.offset(), format::kPreambleSize);
    EXPECT_EQ(st.frame(), 1u);
  }
}

TEST(StreamCorruption, DeeplyNestedTableBeginIsCorruptNotACrash) {
  std::string text =
      "{\"schema\":\"public\",\"name\":\"t\",\"columns\":[],\"x\":" + Nested("[", "]", 100000) +
      "}";
  RawStream s;
  s.Preamble().Header().Frame(static_cast<uint8_t>(FrameType::kTableBegin), 0, 1, Bytes(text));
  ExpectCorrupt(ReadStream(s.bytes()), "nests JSON deeper than 64 levels");
}

// Found by the metadata fuzzer: a count beyond 64 bits parses as a double, and converting
// it to an integer was undefined behaviour (UBSan: outside the range of 'unsigned long').
TEST(StreamCorruption, MetadataNumbersThatAreNotIntegersInRangeAreCorrupt) {
  for (const char* bytes : {"4184467440737095516162", "1.5", "-1", "1e3", "\"2\""}) {
    RawStream s;
    s.Preamble().Header().Begin(1).Data(1, {"1\n"});
    std::string trailer = std::string("{\"rows\":1,\"bytes\":") + bytes +
                          ",\"frames\":1,\"digest\":\"0000000000000000\"}";
    s.Frame(static_cast<uint8_t>(FrameType::kTableEnd), 0, 1, Bytes(trailer));
    ExpectCorrupt(ReadStream(s.bytes()), "malformed table-end metadata");
  }
  RawStream t;
  std::string header = "{\"producer\":\"x\",\"segment\":1e300}";
  t.Preamble().Frame(static_cast<uint8_t>(FrameType::kStreamHeader), 0, 0, Bytes(header));
  ExpectCorrupt(ReadStream(t.bytes()), "'segment' is not an integer in range");
}

TEST(StreamCorruption, NestingUpToTheLimitIsRead) {
  // The object itself is level 1; 63 more levels of unknown key make 64.
  std::string text = "{\"producer\":\"x\",\"deep\":" + Nested("[", "]", 63) + "}";
  RawStream s;
  s.Preamble().Frame(static_cast<uint8_t>(FrameType::kStreamHeader), 0, 0, Bytes(text));
  s.StreamEnd([](StreamTotals* t) { t->frames = 1; });
  EXPECT_TRUE(ReadStream(s.bytes()).ok()) << ReadStream(s.bytes()).ToString();

  std::string over = "{\"producer\":\"x\",\"deep\":" + Nested("[", "]", 64) + "}";
  RawStream t;
  t.Preamble().Frame(static_cast<uint8_t>(FrameType::kStreamHeader), 0, 0, Bytes(over));
  ExpectCorrupt(ReadStream(t.bytes()), "deeper than 64 levels");
}

TEST(JsonNestingDepth, BracketsInStringsAndEscapesDoNotCount) {
  auto depth = [](const std::string& s) { return JsonNestingDepth(Bytes(s), 64); };
  EXPECT_EQ(depth("{}"), 1);
  EXPECT_EQ(depth("{\"a\":[[1],{\"b\":2}]}"), 3);
  EXPECT_EQ(depth("{\"[[[[\":\"{{{{\"}"), 1);
  EXPECT_EQ(depth("{\"a\\\"[[\":1}"), 1);        // an escaped quote does not end the string
  EXPECT_EQ(depth("{\"a\\\\\":[1]}"), 2);        // an escaped backslash does
  EXPECT_EQ(depth(std::string(1000, '[')), 65);  // counting stops past the limit
}

TEST(StreamCorruption, StreamTrailerDisagreeingWithTheStream) {
  const std::vector<std::pair<std::string, void (*)(StreamTotals*)>> lies = {
      {"tables 3 in trailer, 2 in stream", [](StreamTotals* t) { t->tables += 1; }},
      {"rows 5 in trailer, 4 in stream", [](StreamTotals* t) { t->rows += 1; }},
      {"bytes 12 in trailer, 13 in stream", [](StreamTotals* t) { t->bytes -= 1; }},
      {"frames 9 in trailer, 8 in stream", [](StreamTotals* t) { t->frames += 1; }},
  };
  for (const auto& [message, lie] : lies) {
    RawStream s;
    s.Preamble().Header().Begin(1, "a").Begin(2, "b");
    s.Data(1, {"1\tx\n", "2\ty\n"}).Data(2, {"b1\n"}).Data(1, {"3\n"});
    s.End(1).End(2).StreamEnd(lie);
    ExpectCorrupt(ReadStream(s.bytes()), message);
  }
}

TEST(StreamCorruption, StructuralErrorsAreCorrupt) {
  std::string row = "1\n";
  {
    RawStream s;  // data for a table never begun
    s.Preamble().Header().Data(7, {"1\n"});
    ExpectCorrupt(ReadStream(s.bytes()), "table id 7 which is not open");
  }
  {
    RawStream s;
    s.Preamble().Header().Begin(0);
    ExpectCorrupt(ReadStream(s.bytes()), "table id 0");
  }
  {
    RawStream s;
    s.Preamble().Header().Begin(1).Begin(1);
    ExpectCorrupt(ReadStream(s.bytes()), "begun twice");
  }
  {
    RawStream s;
    s.Preamble().Begin(1);
    ExpectCorrupt(ReadStream(s.bytes()), "does not begin with a stream header");
  }
  {
    RawStream s;
    s.Preamble().Header().Header();
    ExpectCorrupt(ReadStream(s.bytes()), "second stream header");
  }
  {
    RawStream s;
    s.Preamble().Header().Begin(1).Preamble();
    ExpectCorrupt(ReadStream(s.bytes()), "before the previous one ended");
  }
  {
    RawStream s;  // frames before any preamble
    s.Frame(static_cast<uint8_t>(FrameType::kData), 0, 1, Bytes(row));
    ExpectCorrupt(ReadStream(s.bytes()), "wrong magic");
  }
}

TEST(StreamCorruption, ConcatenatedStreamsMustEachBeComplete) {
  auto one = ValidStream().bytes();
  auto two = one;
  two.insert(two.end(), one.begin(), one.end() - 1);
  Status st = ReadStream(two);
  ExpectCorrupt(st, "truncated");
  EXPECT_GT(st.offset().value_or(0), one.size());
}

// The index is read from the end of a file without scanning: damage there must make the
// index unusable (the caller then scans), never a crash or a wrong listing.
TEST(StreamCorruption, DamagedIndexIsIgnoredNotTrusted) {
  WriterOptions options;
  options.write_index = true;
  auto bytes = testing::BuildStream({{"public", "a", {"1\n", "2\n"}}}, options);
  auto ends = CompletePrefixes(bytes);
  for (size_t byte = 0; byte < bytes.size(); ++byte) {
    auto damaged = bytes;
    damaged[byte] ^= 0x04;
    UniqueFd fd(::memfd_create("index-test", MFD_CLOEXEC));
    ASSERT_TRUE(WriteAll(fd.get(), damaged.data(), damaged.size(), "memfd").ok());
    auto summaries = ReadIndexedSummaries(fd.get());
    if (!summaries.ok() || !summaries->has_value()) continue;
    // A usable index after damage means the damage was outside the frames it reads.
    ASSERT_EQ((*summaries)->size(), 1u);
    EXPECT_EQ((**summaries)[0].tables.at(0).trailer->totals.rows, 2u) << byte;
  }
  (void)ends;
}

}  // namespace
}  // namespace segstream
