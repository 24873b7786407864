// libFuzzer target for everything that parses untrusted stream bytes: StreamReader (with
// and without row decoding, which take different paths through DATA frames and trailers;
// and mapped, with DATA frames checked on worker threads as toc --verify does, which must
// reach the very same verdict and message as the buffered read) and the index walk of
// ReadIndexedSummaries. The input lives in a memfd so that the same
// fd-based BufferedSource and pread paths the tools use are the ones fuzzed.
//
// Run: make fuzz FUZZ_SECONDS=600. Seed corpus tests/fuzz/*.sgs, made by the test-only
// gen-stream: plain (--tables 2 --rows 4), zstd/lz4/gzip (--rows 20 --codec C
// --frame-size 128), indexed (--index, a quoted name), interleaved-csv (--interleave
// --format csv), parts (--parts 2), and two indexed binary segments concatenated.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "lib/common/byte_io.h"
#include "lib/common/stream_reader.h"
#include "lib/common/stream_summary.h"

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
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
