#include "tools/zpipe/plain_codec.h"

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>
#include <string>
#include <vector>

#include "lib/common/format/codec.h"
#include "tools/zpipe/ordered_pool.h"
#include "tools/zpipe/segstream_codec.h"
#include "tools/zpipe/zpipe_options.h"

namespace segstream::zpipe {

namespace {

using format::Codec;

// Input is read in chunks this large: big enough that a system call and a codec call per
// chunk cost nothing, small enough to bound memory.
constexpr size_t kChunk = 1 << 20;
// lz4's own CLI uses 4 MiB blocks; reading whole blocks lets each update call emit them.
constexpr size_t kLz4Chunk = 4 << 20;
// gzip -T: independent members of this size compressed in parallel (pigz uses 128 KiB
// blocks primed with the previous 32 KiB; a larger block without priming costs about as
// little ratio and needs no dictionary hand-off between threads).
constexpr size_t kGzipMember = 1 << 20;

struct ZstdCCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct ZstdDCtxFree {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};
struct Lz4CFree {
  void operator()(LZ4F_cctx* c) const { LZ4F_freeCompressionContext(c); }
};
struct Lz4DFree {
  void operator()(LZ4F_dctx* c) const { LZ4F_freeDecompressionContext(c); }
};

// Where output goes: a file descriptor, or nowhere (-t).
class Output {
 public:
  // `written`, when not null, counts the bytes written (for zpipe -v).
  Output(int fd, uint64_t* written) : fd_(fd), written_(written) {}
  Status Write(const void* data, size_t len) {
    if (fd_ < 0 || len == 0) return Status::Ok();
    if (written_) *written_ += len;
    return WriteAll(fd_, data, len, fd_ == 1 ? "stdout" : "output");
  }

 private:
  int fd_;
  uint64_t* written_;
};

// The byte offset in the compressed input where the codec stopped, for error messages.
uint64_t InputOffset(const BufferedSource* source, size_t unconsumed) {
  return source->offset() - unconsumed;
}

Status Truncated(InputFormat format, const BufferedSource* source) {
  return Status::Corrupt("truncated " + std::string(FormatName(format)) +
                         " input: it ends inside a frame")
      .WithOffset(source->offset());
}

Status CompressZstd(BufferedSource* source, Output* out, const PlainOptions& o,
                    Progress* progress) {
  std::unique_ptr<ZSTD_CCtx, ZstdCCtxFree> cctx(ZSTD_createCCtx());
  if (!cctx) return Status::Io("out of memory creating a zstd context");
  ZSTD_CCtx* c = cctx.get();
  ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, o.level);
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);  // as zstd(1) does by default
  if (o.threads > 0) {
    size_t rc = ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers, o.threads);
    if (ZSTD_isError(rc)) return Status::Io("this libzstd has no multithreading; use -T 1");
  }
  if (o.long_window_log > 0) {
    ZSTD_CCtx_setParameter(c, ZSTD_c_enableLongDistanceMatching, 1);
    size_t rc = ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, o.long_window_log);
    if (ZSTD_isError(rc)) return Status::Usage("--long window log out of range");
  }
  if (o.content_size_known) ZSTD_CCtx_setPledgedSrcSize(c, o.content_size);

  std::vector<uint8_t> out_buf(kChunk);
  ZSTD_outBuffer ob{out_buf.data(), out_buf.size(), 0};
  for (;;) {
    ASSIGN_OR_RETURN(auto chunk, source->ReadUpTo(kChunk));
    if (progress) progress->Add(chunk.size(), 0);
    bool end = chunk.empty();
    ZSTD_inBuffer ib{chunk.data(), chunk.size(), 0};
    for (;;) {
      size_t rem = ZSTD_compressStream2(c, &ob, &ib, end ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(rem)) return Status::Io(std::string("zstd: ") + ZSTD_getErrorName(rem));
      if (ob.pos == ob.size || (end && rem == 0)) {
        RETURN_IF_ERROR(out->Write(out_buf.data(), ob.pos));
        ob.pos = 0;
      }
      if (end ? rem == 0 : ib.pos == ib.size) break;
    }
    if (end) return Status::Ok();
  }
}

Status CompressLz4(BufferedSource* source, Output* out, const PlainOptions& o, Progress* progress) {
  LZ4F_cctx* raw_ctx = nullptr;
  if (LZ4F_isError(LZ4F_createCompressionContext(&raw_ctx, LZ4F_VERSION)))
    return Status::Io("out of memory creating an lz4 context");
  std::unique_ptr<LZ4F_cctx, Lz4CFree> ctx(raw_ctx);
  // lz4(1)'s defaults: 4 MiB independent blocks and a content checksum.
  LZ4F_preferences_t prefs{};
  prefs.compressionLevel = o.level;
  prefs.frameInfo.blockSizeID = LZ4F_max4MB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  prefs.autoFlush = 1;
  std::vector<uint8_t> out_buf(LZ4F_compressBound(kLz4Chunk, &prefs) + LZ4F_HEADER_SIZE_MAX);
  size_t n = LZ4F_compressBegin(ctx.get(), out_buf.data(), out_buf.size(), &prefs);
  if (LZ4F_isError(n)) return Status::Io(std::string("lz4: ") + LZ4F_getErrorName(n));
  RETURN_IF_ERROR(out->Write(out_buf.data(), n));
  for (;;) {
    ASSIGN_OR_RETURN(auto chunk, source->ReadUpTo(kLz4Chunk));
    if (chunk.empty()) break;
    if (progress) progress->Add(chunk.size(), 0);
    n = LZ4F_compressUpdate(ctx.get(), out_buf.data(), out_buf.size(), chunk.data(), chunk.size(),
                            nullptr);
    if (LZ4F_isError(n)) return Status::Io(std::string("lz4: ") + LZ4F_getErrorName(n));
    RETURN_IF_ERROR(out->Write(out_buf.data(), n));
  }
  n = LZ4F_compressEnd(ctx.get(), out_buf.data(), out_buf.size(), nullptr);
  if (LZ4F_isError(n)) return Status::Io(std::string("lz4: ") + LZ4F_getErrorName(n));
  return out->Write(out_buf.data(), n);
}

// One gzip member for the whole input, as gzip(1) writes.
Status CompressGzipSerial(BufferedSource* source, Output* out, int level, Progress* progress) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return Status::Io("zlib: cannot initialize deflate");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, deflateEnd);
  std::vector<uint8_t> out_buf(kChunk);
  for (;;) {
    ASSIGN_OR_RETURN(auto chunk, source->ReadUpTo(kChunk));
    if (progress) progress->Add(chunk.size(), 0);
    bool end = chunk.empty();
    zs.next_in = const_cast<Bytef*>(chunk.data());
    zs.avail_in = static_cast<uInt>(chunk.size());
    int rc;
    do {
      zs.next_out = out_buf.data();
      zs.avail_out = static_cast<uInt>(out_buf.size());
      rc = deflate(&zs, end ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) return Status::Io("zlib: deflate failed");
      RETURN_IF_ERROR(out->Write(out_buf.data(), out_buf.size() - zs.avail_out));
    } while (zs.avail_out == 0);
    if (end) return rc == Z_STREAM_END ? Status::Ok() : Status::Io("zlib: deflate did not finish");
  }
}

// pigz's idea without its dictionary hand-off: members compressed on `threads` workers,
// written in order. Concatenated members are one gzip file to every reader (RFC 1952).
Status CompressGzipParallel(BufferedSource* source, Output* out, const PlainOptions& o,
                            Progress* progress) {
  struct Job {
    std::vector<uint8_t> in, out;
  };
  std::vector<std::unique_ptr<FrameCompressor>> compressors;
  for (int i = 0; i < OrderedPool<Job>::Contexts(o.threads); ++i)
    compressors.push_back(std::make_unique<FrameCompressor>(Codec::kGzip, o.level));
  OrderedPool<Job> pool(
      o.threads, InFlightFrames(o.threads),
      [&](Job& job, int worker) { return compressors[worker]->Compress(job.in, &job.out); },
      [&](Job& job) { return out->Write(job.out.data(), job.out.size()); },
      // Members are weighed too, so that the window that grows with the threads stays
      // within the same memory as the segstream path's.
      kInFlightBytes);
  Status read_status;
  bool any = false;
  for (;;) {
    auto chunk = source->ReadUpTo(kGzipMember);
    if (!chunk.ok()) {
      read_status = chunk.take_status();
      break;
    }
    // An empty input still becomes one (empty) member, as gzip writes.
    if (chunk->empty() && any) break;
    any = true;
    if (progress) progress->Add(chunk->size(), 0);
    Job* job = pool.Acquire();
    if (!job) break;
    job->in.assign(chunk->begin(), chunk->end());
    pool.Submit(true, chunk->size());
    if (chunk->size() < kGzipMember) break;
  }
  RETURN_IF_ERROR(pool.Finish());
  return read_status;
}

Status DecompressZstd(BufferedSource* source, Output* out, Progress* progress) {
  std::unique_ptr<ZSTD_DCtx, ZstdDCtxFree> dctx(ZSTD_createDCtx());
  if (!dctx) return Status::Io("out of memory creating a zstd context");
  // Frames written with --long (any window up to 2 GiB) decompress without a flag.
  ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, kMaxWindowLog);
  std::vector<uint8_t> out_buf(kChunk);
  ZSTD_outBuffer ob{out_buf.data(), out_buf.size(), 0};
  size_t hint = 0;  // 0: between frames
  for (;;) {
    ASSIGN_OR_RETURN(auto chunk, source->ReadUpTo(kChunk));
    if (chunk.empty()) break;
    if (progress) progress->Add(chunk.size(), 0);
    ZSTD_inBuffer ib{chunk.data(), chunk.size(), 0};
    bool output_full = false;
    while (ib.pos < ib.size || output_full) {
      hint = ZSTD_decompressStream(dctx.get(), &ob, &ib);
      if (ZSTD_isError(hint))
        return Status::Corrupt(std::string("corrupt zstd input: ") + ZSTD_getErrorName(hint))
            .WithOffset(InputOffset(source, ib.size - ib.pos));
      output_full = ob.pos == ob.size;
      if (output_full) {
        RETURN_IF_ERROR(out->Write(out_buf.data(), ob.pos));
        ob.pos = 0;
      }
    }
  }
  RETURN_IF_ERROR(out->Write(out_buf.data(), ob.pos));
  if (hint != 0) return Truncated(InputFormat::kZstd, source);
  return Status::Ok();
}

Status DecompressLz4(BufferedSource* source, Output* out, Progress* progress) {
  LZ4F_dctx* raw_ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw_ctx, LZ4F_VERSION)))
    return Status::Io("out of memory creating an lz4 context");
  std::unique_ptr<LZ4F_dctx, Lz4DFree> ctx(raw_ctx);
  std::vector<uint8_t> out_buf(kLz4Chunk);
  size_t hint = 0;  // 0: between frames
  for (;;) {
    ASSIGN_OR_RETURN(auto chunk, source->ReadUpTo(kChunk));
    if (chunk.empty()) break;
    if (progress) progress->Add(chunk.size(), 0);
    size_t pos = 0;
    bool output_full = false;
    while (pos < chunk.size() || output_full) {
      size_t dst_size = out_buf.size();
      size_t src_size = chunk.size() - pos;
      hint = LZ4F_decompress(ctx.get(), out_buf.data(), &dst_size, chunk.data() + pos, &src_size,
                             nullptr);
      if (LZ4F_isError(hint))
        return Status::Corrupt(std::string("corrupt lz4 input: ") + LZ4F_getErrorName(hint))
            .WithOffset(InputOffset(source, chunk.size() - pos));
      pos += src_size;
      RETURN_IF_ERROR(out->Write(out_buf.data(), dst_size));
      output_full = dst_size == out_buf.size();
    }
  }
  if (hint != 0) return Truncated(InputFormat::kLz4, source);
  return Status::Ok();
}

Status DecompressGzip(BufferedSource* source, Output* out, Progress* progress) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return Status::Io("zlib: cannot initialize inflate");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  std::vector<uint8_t> out_buf(kChunk);
  bool in_member = false;
  for (;;) {
    ASSIGN_OR_RETURN(auto chunk, source->ReadUpTo(kChunk));
    if (chunk.empty()) break;
    if (progress) progress->Add(chunk.size(), 0);
    zs.next_in = const_cast<Bytef*>(chunk.data());
    zs.avail_in = static_cast<uInt>(chunk.size());
    bool output_full = false;
    while (zs.avail_in > 0 || output_full) {
      zs.next_out = out_buf.data();
      zs.avail_out = static_cast<uInt>(out_buf.size());
      uInt avail_before = zs.avail_in;
      int rc = inflate(&zs, Z_NO_FLUSH);
      if (zs.avail_in != avail_before) in_member = true;
      output_full = zs.avail_out == 0;
      RETURN_IF_ERROR(out->Write(out_buf.data(), out_buf.size() - zs.avail_out));
      if (rc == Z_STREAM_END) {
        // Another member may follow, as gzip -d reads concatenated files.
        in_member = false;
        inflateReset(&zs);
        continue;
      }
      if (rc == Z_BUF_ERROR) break;  // needs more input
      if (rc != Z_OK)
        return Status::Corrupt(std::string("corrupt gzip input: ") + (zs.msg ? zs.msg : "bad data"))
            .WithOffset(InputOffset(source, zs.avail_in));
    }
  }
  if (in_member) return Truncated(InputFormat::kGzip, source);
  return Status::Ok();
}

}  // namespace

Status CompressPlain(BufferedSource* source, int out_fd, const PlainOptions& options,
                     Progress* progress, uint64_t* written) {
  Output out(out_fd, written);
  switch (options.codec) {
    case Codec::kZstd: return CompressZstd(source, &out, options, progress);
    case Codec::kLz4: return CompressLz4(source, &out, options, progress);
    case Codec::kGzip:
      if (options.threads > 1) return CompressGzipParallel(source, &out, options, progress);
      return CompressGzipSerial(source, &out, options.level, progress);
    case Codec::kNone:
      for (;;) {
        ASSIGN_OR_RETURN(auto chunk, source->ReadUpTo(kChunk));
        if (chunk.empty()) return Status::Ok();
        if (progress) progress->Add(chunk.size(), 0);
        RETURN_IF_ERROR(out.Write(chunk.data(), chunk.size()));
      }
  }
  return Status::Usage("unknown codec");
}

Status DecompressPlain(BufferedSource* source, InputFormat format, int out_fd, Progress* progress,
                       uint64_t* written) {
  Output out(out_fd, written);
  switch (format) {
    case InputFormat::kZstd: return DecompressZstd(source, &out, progress);
    case InputFormat::kLz4: return DecompressLz4(source, &out, progress);
    case InputFormat::kGzip: return DecompressGzip(source, &out, progress);
    default: return Status::Usage("not a compressed input");
  }
}

}  // namespace segstream::zpipe
