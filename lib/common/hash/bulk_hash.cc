#include "lib/common/hash/bulk_hash.h"

// Not XXH_INLINE_ALL here: the dispatching entry points live in libxxhash, which Debian
// builds with xxh_x86dispatch on x86-64.
#if defined(__x86_64__)
#include <xxh_x86dispatch.h>
#else
#include <xxhash.h>
#endif

namespace segstream {

uint64_t BulkHash64(const void* data, size_t len, uint64_t seed) {
#if defined(__x86_64__)
  return XXH3_64bits_withSeed_dispatch(data, len, seed);
#else
  return XXH3_64bits_withSeed(data, len, seed);
#endif
}

}  // namespace segstream
