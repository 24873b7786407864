// XXH3-64 of a large buffer with the fastest vector unit the CPU has (AVX2, AVX-512),
// chosen at run time: frame payloads are megabytes, and the baseline SSE2 build hashes
// them at half the speed. Equal to XXH3_64bits_withSeed for every input.
#pragma once

#include <cstddef>
#include <cstdint>

namespace segstream {

uint64_t BulkHash64(const void* data, size_t len, uint64_t seed);

}  // namespace segstream
