#include "lib/common/format/format.h"

namespace segstream::format {

std::string_view FrameTypeName(uint8_t type) {
  switch (static_cast<FrameType>(type)) {
    case FrameType::kStreamHeader: return "stream-header";
    case FrameType::kTableBegin: return "table-begin";
    case FrameType::kData: return "data";
    case FrameType::kTableEnd: return "table-end";
    case FrameType::kSql: return "sql";
    case FrameType::kStreamEnd: return "stream-end";
    case FrameType::kIndex: return "index";
    case FrameType::kIndexPointer: return "index-pointer";
  }
  return "unknown";
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNone: return "none";
    case Codec::kZstd: return "zstd";
    case Codec::kLz4: return "lz4";
    case Codec::kGzip: return "gzip";
  }
  return "unknown";
}

bool ParseCodecName(std::string_view name, Codec* codec) {
  for (uint8_t c = 0; c <= kMaxCodec; ++c) {
    if (CodecName(static_cast<Codec>(c)) == name) {
      *codec = static_cast<Codec>(c);
      return true;
    }
  }
  return false;
}

}  // namespace segstream::format
