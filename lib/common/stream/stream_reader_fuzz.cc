// libFuzzer target for everything that parses untrusted stream bytes: StreamReader (with
// and without row decoding, which take different paths through DATA frames and trailers;
// and mapped, with DATA frames checked on worker threads as toc --verify does, which must
// reach the very same verdict and message as the buffered read) and the index walk of
// ReadIndexedSummaries. The input lives in a memfd so that the same
// fd-based BufferedSource and pread paths the tools use are the ones fuzzed.
//
// Byte mutations of a whole stream almost never reach the JSON parser: any change to a
// metadata payload breaks its frame checksum first. So every input is also used as the
// JSON payload of each metadata frame type, wrapped in a valid frame of an otherwise
// valid stream; with the JSON dictionary (tests/fuzz/json.dict) and seeds
// (tests/fuzz/*.json) the fuzzer builds metadata that is structurally hostile (deep
// nesting, wrong types, huge numbers) and reaches every FromJson.
//
// Run: make fuzz FUZZ_SECONDS=600. Seed corpus tests/fuzz/*.sgs, made by the test-only
// gen-stream: plain (--tables 2 --rows 4), zstd/lz4/gzip (--rows 20 --codec C
// --frame-size 128), indexed (--index, a quoted name), interleaved-csv (--interleave
// --format csv), parts (--parts 2), and two indexed binary segments concatenated; and
// the metadata of each frame type as JSON.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include <string>
#include <vector>

#include "lib/common/format/frame.h"
#include "lib/common/format/stream_summary.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_reader.h"

namespace {

segstream::Status ReadThrough(int fd, bool decode_rows, unsigned mapped_threads = 0) {
  ::lseek(fd, 0, SEEK_SET);
  // A small buffer makes refills and buffer moves happen inside small inputs too.
  segstream::BufferedSource source(fd, "fuzz", 64);
  segstream::ReaderOptions options;
  options.decode_rows = decode_rows;
  if (mapped_threads > 0) {
    source.MapFile();
    options.verify_threads = mapped_threads;
  }
  segstream::StreamReader reader(&source, options);
  // Every event consumes at least one frame header, so this ends; the cap is a backstop.
  for (size_t i = 0; i < (1u << 20); ++i) {
    segstream::Event event;
    segstream::Status st = reader.Next(&event);
    if (!st.ok() || event.type == segstream::EventType::kEnd) return st;
    if (event.type == segstream::EventType::kRows) {
      std::span<const uint8_t> row;
      uint64_t bytes = 0;
      for (auto cursor = event.rows.begin(); cursor.Next(&row);) bytes += row.size();
      if (bytes != event.rows.rows().size()) __builtin_trap();
    }
  }
  return segstream::Status::Io("no end");
}

void AppendFrame(std::vector<uint8_t>* out, segstream::format::FrameType type, uint32_t table_id,
                 std::span<const uint8_t> payload) {
  segstream::FrameHeader h;
  h.type = static_cast<uint8_t>(type);
  h.codec = segstream::format::Codec::kNone;
  h.table_id = table_id;
  h.stored_len = h.raw_len = static_cast<uint32_t>(payload.size());
  uint8_t header[segstream::format::kFrameHeaderSize];
  segstream::EncodeFrameHeader(&h, payload, header);
  out->insert(out->end(), header, header + sizeof header);
  out->insert(out->end(), payload.begin(), payload.end());
}

std::span<const uint8_t> Text(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

segstream::Status ReadBytes(const std::vector<uint8_t>& bytes, bool decode_rows,
                            unsigned mapped_threads = 0) {
  segstream::UniqueFd fd(::memfd_create("segstream-fuzz-json", MFD_CLOEXEC));
  if (!fd.valid()) return segstream::Status::Io("memfd");
  if (!segstream::WriteAll(fd.get(), bytes.data(), bytes.size(), "memfd").ok())
    return segstream::Status::Io("memfd");
  return ReadThrough(fd.get(), decode_rows, mapped_threads);
}

// `json` as the payload of each metadata frame type in turn, everything around it valid.
void FuzzMetadata(std::span<const uint8_t> json) {
  using segstream::format::FrameType;
  const std::string header = R"({"producer":"fuzz","copy_format":"text","encoding":"UTF8"})";
  const std::string begin =
      R"({"schema":"public","name":"t","columns":[{"name":"a","type":"text"}]})";
  for (FrameType type : {FrameType::kStreamHeader, FrameType::kTableBegin, FrameType::kTableEnd,
                         FrameType::kSql, FrameType::kStreamEnd}) {
    std::vector<uint8_t> bytes(segstream::format::kPreambleSize);
    segstream::EncodePreamble(bytes.data());
    if (type != FrameType::kStreamHeader)
      AppendFrame(&bytes, FrameType::kStreamHeader, 0, Text(header));
    if (type == FrameType::kTableEnd) AppendFrame(&bytes, FrameType::kTableBegin, 1, Text(begin));
    uint32_t table_id = type == FrameType::kTableBegin || type == FrameType::kTableEnd ? 1 : 0;
    AppendFrame(&bytes, type, table_id, json);
    (void)ReadBytes(bytes, /*decode_rows=*/true);
  }
  (void)segstream::ParseJsonPayload(json, "fuzz");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size <= segstream::format::kMaxJsonPayload) FuzzMetadata({data, size});
  segstream::UniqueFd fd(::memfd_create("segstream-fuzz", MFD_CLOEXEC));
  if (!fd.valid()) return 0;
  if (size > 0 && !segstream::WriteAll(fd.get(), data, size, "memfd").ok()) return 0;
  segstream::Status buffered = ReadThrough(fd.get(), /*decode_rows=*/true);
  segstream::Status threaded = ReadThrough(fd.get(), /*decode_rows=*/true, /*mapped_threads=*/2);
  if (buffered.ToString() != threaded.ToString()) __builtin_trap();
  (void)ReadThrough(fd.get(), /*decode_rows=*/false);
  auto summaries = segstream::ReadIndexedSummaries(fd.get());
  (void)summaries;
  return 0;
}
