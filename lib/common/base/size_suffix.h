// Sizes on the command line, as zstd and PostgreSQL write them: "1GB", "512MB", "64k",
// "1.5G", "4096". Suffixes are case-insensitive and binary (k = 1024); an optional "B" or
// "iB" after the letter is accepted ("1GiB", "1gb"); a bare "B" means bytes.
#pragma once

#include <cstdint>
#include <string>

#include "lib/common/base/status.h"

namespace segstream {

// Parses `text` into bytes. Usage error (naming `text`) for an empty, negative, unknown
// suffix or overflowing value.
Result<uint64_t> ParseSize(const std::string& text);

}  // namespace segstream
