// The frame-aware path: a segstream stays a segstream. Every DATA frame's payload is
// (de)compressed on its own, one frame in, one frame out, so frame headers stay readable
// (toc lists the result without decompressing it) and the table trailers, which describe
// the rows and not their encoding, pass through and still verify.
#pragma once

#include "lib/common/base/status.h"
#include "lib/common/format/format.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/io/progress.h"

namespace segstream::zpipe {

struct TranscodeOptions {
  format::Codec codec = format::Codec::kZstd;  // kNone decompresses
  int level = 3;
  int threads = 1;          // worker threads compressing frames; at least 1
  bool write_index = true;  // regenerate the INDEX for the re-encoded frames
};

// Frames in flight at once for `threads` workers: enough to keep every worker busy while
// the reader and writer run ahead and behind, and the whole of the memory bound (each slot
// holds a stored and an output copy of one frame, each thread one more raw frame). Eight
// per worker, not four: one worker that loses its CPU on a busy machine holds back the
// writer, and the others (and the threads helping them, ordered_pool.h) need room to run
// ahead meanwhile. kInFlightBytes still caps the bytes.
inline size_t InFlightFrames(int threads) { return 8 * static_cast<size_t>(threads) + 8; }
// Stored bytes in flight beyond which the reader waits (reached only with frames far larger
// than the default, i.e. huge rows); and the buffer size above which a buffer is released
// after use rather than kept for the next frame.
inline constexpr uint64_t kInFlightBytes = 64u << 20;
inline constexpr size_t kKeepBufferBytes = 16u << 20;

// Reads one or more concatenated segstreams from `source` and writes them to `sink` with
// every DATA frame stored in `options.codec` (or as is when that is not smaller). Checks
// frame checksums and trailer frame counts on the way; a bad frame stops it with kCorrupt
// naming the frame, after everything before it has been written.
Status TranscodeSegstream(BufferedSource* source, BufferedSink* sink,
                          const TranscodeOptions& options, Progress* progress);

// Reads everything and verifies it fully (checksums, rows, table digests, trailers) on
// `threads` workers; writes nothing.
Status VerifySegstream(BufferedSource* source, int threads, Progress* progress);

}  // namespace segstream::zpipe
