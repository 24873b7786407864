// The COPY format of a stream's rows, one enum end to end: the header carries its name,
// readers parse it once (an unknown name is corruption), and code compares values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace segstream {

enum class CopyFormat : uint8_t {
  kText,    // COPY ... TO (FORMAT text): tab-delimited, backslash escapes, \N is NULL
  kCsv,     // COPY ... TO (FORMAT csv): comma-delimited, "" quoting, unquoted empty is NULL
  kBinary,  // COPY ... TO (FORMAT binary): length-prefixed send representations
};

// "text", "csv" or "binary", as COPY's FORMAT option and the stream header spell it.
inline const char* CopyFormatName(CopyFormat format) {
  switch (format) {
    case CopyFormat::kText: return "text";
    case CopyFormat::kCsv: return "csv";
    case CopyFormat::kBinary: return "binary";
  }
  return "text";
}

inline std::optional<CopyFormat> ParseCopyFormat(std::string_view name) {
  if (name == "text") return CopyFormat::kText;
  if (name == "csv") return CopyFormat::kCsv;
  if (name == "binary") return CopyFormat::kBinary;
  return std::nullopt;
}

}  // namespace segstream
