// Recognises what zpipe is given by its first bytes, the way zstd -d and gzip -d do: by
// magic numbers, never by file name.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace segstream::zpipe {

enum class InputFormat { kEmpty, kSegstream, kZstd, kLz4, kLz4Legacy, kGzip, kOther };

// Bytes DetectFormat() wants to see (fewer only at end of input).
inline constexpr size_t kDetectBytes = 8;

InputFormat DetectFormat(std::span<const uint8_t> head);
std::string_view FormatName(InputFormat format);

}  // namespace segstream::zpipe
