#include "tools/zpipe/detect.h"

#include "lib/common/format/frame.h"

namespace segstream::zpipe {

namespace {

uint32_t Le32(std::span<const uint8_t> b) {
  return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

constexpr uint32_t kZstdMagic = 0xFD2FB528;
// zstd and lz4 share skippable frames 0x184D2A50..5F; zstd -d accepts them, so they go there.
constexpr uint32_t kSkippableMask = 0xFFFFFFF0;
constexpr uint32_t kSkippableMagic = 0x184D2A50;
constexpr uint32_t kLz4FrameMagic = 0x184D2204;
constexpr uint32_t kLz4LegacyMagic = 0x184C2102;

}  // namespace

InputFormat DetectFormat(std::span<const uint8_t> head) {
  if (head.empty()) return InputFormat::kEmpty;
  if (StartsWithMagic(head)) return InputFormat::kSegstream;
  if (head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b) return InputFormat::kGzip;
  if (head.size() < 4) return InputFormat::kOther;
  uint32_t magic = Le32(head);
  if (magic == kZstdMagic || (magic & kSkippableMask) == kSkippableMagic) return InputFormat::kZstd;
  if (magic == kLz4FrameMagic) return InputFormat::kLz4;
  if (magic == kLz4LegacyMagic) return InputFormat::kLz4Legacy;
  return InputFormat::kOther;
}

std::string_view FormatName(InputFormat format) {
  switch (format) {
    case InputFormat::kEmpty: return "empty";
    case InputFormat::kSegstream: return "segstream";
    case InputFormat::kZstd: return "zstd";
    case InputFormat::kLz4: return "lz4";
    case InputFormat::kLz4Legacy: return "lz4 legacy";
    case InputFormat::kGzip: return "gzip";
    case InputFormat::kOther: return "unknown";
  }
  return "unknown";
}

}  // namespace segstream::zpipe
