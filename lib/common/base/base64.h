// Base64 (RFC 4648, with padding) for binary blobs inside JSON metadata frames, such as the
// pg_dump archives of a stream's schema sections.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/common/base/status.h"

namespace segstream {

std::string Base64Encode(std::span<const uint8_t> data);
// Appends the decoded bytes to *out; a kCorrupt Status for anything that is not strict
// base64 (bad character, bad length, bad padding).
Status Base64Decode(std::string_view text, std::vector<uint8_t>* out);

}  // namespace segstream
