// Per-frame compression: one codec context per object, reused for every frame (as zstd's
// CLI reuses its context), so compressing a frame allocates nothing after the first.
// Not thread-safe: give each thread its own FrameCompressor / FrameDecompressor.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/format/format.h"

namespace segstream {

// Level ranges as each codec's own CLI takes them.
struct LevelRange {
  int min;
  int max;
  int default_level;
};
LevelRange LevelRangeFor(format::Codec codec);

class FrameCompressor {
 public:
  FrameCompressor(format::Codec codec, int level);
  ~FrameCompressor();
  FrameCompressor(const FrameCompressor&) = delete;
  FrameCompressor& operator=(const FrameCompressor&) = delete;

  format::Codec codec() const { return codec_; }
  // Replaces *out with the compressed form of `raw`.
  Status Compress(std::span<const uint8_t> raw, std::vector<uint8_t>* out);

 private:
  struct Contexts;
  format::Codec codec_;
  int level_;
  std::unique_ptr<Contexts> ctx_;
};

class FrameDecompressor {
 public:
  FrameDecompressor();
  ~FrameDecompressor();
  FrameDecompressor(const FrameDecompressor&) = delete;
  FrameDecompressor& operator=(const FrameDecompressor&) = delete;

  // Replaces *out with exactly raw_len bytes decompressed from `stored`. Output that would
  // exceed raw_len, fall short of it, or leave input unread is an error (kCorrupt): the
  // buffer is sized from raw_len, which the caller has bounded, never from the payload.
  Status Decompress(format::Codec codec, std::span<const uint8_t> stored, uint32_t raw_len,
                    std::vector<uint8_t>* out);

 private:
  struct Contexts;
  std::unique_ptr<Contexts> ctx_;
};

}  // namespace segstream
