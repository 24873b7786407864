#include "lib/common/format/codec.h"

#include <lz4.h>
#include <lz4hc.h>
#include <zlib.h>
#include <zstd.h>

#include <string>

namespace segstream {

using format::Codec;

namespace {

struct ZstdCCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct ZstdDCtxFree {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

// A z_stream that ends itself; deflate or inflate decided at construction.
class ZStream {
 public:
  explicit ZStream(bool deflating) : deflating_(deflating) {}
  ~ZStream() {
    if (!initialized_) return;
    if (deflating_)
      deflateEnd(&zs_);
    else
      inflateEnd(&zs_);
  }
  ZStream(const ZStream&) = delete;
  ZStream& operator=(const ZStream&) = delete;
  // gzip wrapper (windowBits 15 + 16), the format gzip(1) reads.
  bool Reset(int level) {
    if (initialized_) return (deflating_ ? deflateReset(&zs_) : inflateReset(&zs_)) == Z_OK;
    int rc = deflating_ ? deflateInit2(&zs_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
                        : inflateInit2(&zs_, 15 + 16);
    initialized_ = rc == Z_OK;
    return initialized_;
  }
  z_stream* get() { return &zs_; }

 private:
  bool deflating_;
  bool initialized_ = false;
  z_stream zs_{};
};

Status CodecError(Codec codec, const std::string& what) {
  return Status::Corrupt(std::string(format::CodecName(codec)) + " " + what);
}

}  // namespace

LevelRange LevelRangeFor(Codec codec) {
  switch (codec) {
    case Codec::kZstd: return {-7, 22, 3};
    case Codec::kLz4: return {1, 12, 1};
    case Codec::kGzip: return {1, 9, 6};
    case Codec::kNone: return {0, 0, 0};
  }
  return {0, 0, 0};
}

struct FrameCompressor::Contexts {
  std::unique_ptr<ZSTD_CCtx, ZstdCCtxFree> zstd;
  std::vector<char> lz4_state;
  ZStream gzip{true};
};

FrameCompressor::FrameCompressor(Codec codec, int level)
    : codec_(codec), level_(level), ctx_(std::make_unique<Contexts>()) {}
FrameCompressor::~FrameCompressor() = default;

Status FrameCompressor::Compress(std::span<const uint8_t> raw, std::vector<uint8_t>* out) {
  switch (codec_) {
    case Codec::kNone: out->assign(raw.begin(), raw.end()); return Status::Ok();
    case Codec::kZstd: {
      if (!ctx_->zstd) {
        ctx_->zstd.reset(ZSTD_createCCtx());
        if (!ctx_->zstd) return Status::Io("out of memory creating a zstd context");
        ZSTD_CCtx_setParameter(ctx_->zstd.get(), ZSTD_c_compressionLevel, level_);
        // The raw size goes into each zstd frame, so plain zstd tools can check it too.
        ZSTD_CCtx_setParameter(ctx_->zstd.get(), ZSTD_c_contentSizeFlag, 1);
      }
      out->resize(ZSTD_compressBound(raw.size()));
      size_t n = ZSTD_compress2(ctx_->zstd.get(), out->data(), out->size(), raw.data(), raw.size());
      if (ZSTD_isError(n)) return Status::Io(std::string("zstd: ") + ZSTD_getErrorName(n));
      out->resize(n);
      return Status::Ok();
    }
    case Codec::kLz4: {
      int bound = LZ4_compressBound(static_cast<int>(raw.size()));
      out->resize(static_cast<size_t>(bound));
      int n;
      const char* src = reinterpret_cast<const char*>(raw.data());
      char* dst = reinterpret_cast<char*>(out->data());
      if (level_ >= 3) {  // lz4(1): levels 3 and up are LZ4 HC
        ctx_->lz4_state.resize(static_cast<size_t>(LZ4_sizeofStateHC()));
        n = LZ4_compress_HC_extStateHC(ctx_->lz4_state.data(), src, dst,
                                       static_cast<int>(raw.size()), bound, level_);
      } else {
        ctx_->lz4_state.resize(static_cast<size_t>(LZ4_sizeofState()));
        n = LZ4_compress_fast_extState(ctx_->lz4_state.data(), src, dst,
                                       static_cast<int>(raw.size()), bound, 1);
      }
      if (n <= 0) return Status::Io("lz4 compression failed");
      out->resize(static_cast<size_t>(n));
      return Status::Ok();
    }
    case Codec::kGzip: {
      if (!ctx_->gzip.Reset(level_)) return Status::Io("zlib: cannot initialize deflate");
      z_stream* zs = ctx_->gzip.get();
      out->resize(deflateBound(zs, raw.size()));
      zs->next_in = const_cast<Bytef*>(raw.data());
      zs->avail_in = static_cast<uInt>(raw.size());
      zs->next_out = out->data();
      zs->avail_out = static_cast<uInt>(out->size());
      if (deflate(zs, Z_FINISH) != Z_STREAM_END) return Status::Io("zlib: deflate failed");
      out->resize(zs->total_out);
      return Status::Ok();
    }
  }
  return Status::Usage("unknown codec");
}

struct FrameDecompressor::Contexts {
  std::unique_ptr<ZSTD_DCtx, ZstdDCtxFree> zstd;
  ZStream gzip{false};
};

FrameDecompressor::FrameDecompressor() : ctx_(std::make_unique<Contexts>()) {}
FrameDecompressor::~FrameDecompressor() = default;

// The most a payload of `stored` bytes can expand to, so that a small hostile frame cannot
// make us allocate the 1 GiB it claims. zstd frames carry their size; LZ4 expands at most
// 255:1 and deflate about 1032:1.
static bool RawLenPlausible(Codec codec, std::span<const uint8_t> stored, uint32_t raw_len) {
  switch (codec) {
    case Codec::kNone: return stored.size() == raw_len;
    case Codec::kZstd: {
      unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
      return size == raw_len;
    }
    case Codec::kLz4: return raw_len <= uint64_t{stored.size()} * 255 + 16;
    case Codec::kGzip: return raw_len <= uint64_t{stored.size()} * 1032 + 64;
  }
  return false;
}

Status FrameDecompressor::Decompress(Codec codec, std::span<const uint8_t> stored, uint32_t raw_len,
                                     std::vector<uint8_t>* out) {
  if (static_cast<uint8_t>(codec) <= format::kMaxCodec && !RawLenPlausible(codec, stored, raw_len))
    return CodecError(codec,
                      "payload cannot decompress to its declared size " + std::to_string(raw_len));
  out->resize(raw_len);
  switch (codec) {
    case Codec::kNone:
      if (stored.size() != raw_len) return CodecError(codec, "payload size differs from raw size");
      out->assign(stored.begin(), stored.end());
      return Status::Ok();
    case Codec::kZstd: {
      if (!ctx_->zstd) {
        ctx_->zstd.reset(ZSTD_createDCtx());
        if (!ctx_->zstd) return Status::Io("out of memory creating a zstd context");
      }
      size_t n =
          ZSTD_decompressDCtx(ctx_->zstd.get(), out->data(), raw_len, stored.data(), stored.size());
      if (ZSTD_isError(n))
        return CodecError(codec, std::string("payload: ") + ZSTD_getErrorName(n));
      if (n != raw_len)
        return CodecError(codec, "payload decompresses to fewer bytes than declared");
      return Status::Ok();
    }
    case Codec::kLz4: {
      int n = LZ4_decompress_safe(reinterpret_cast<const char*>(stored.data()),
                                  reinterpret_cast<char*>(out->data()),
                                  static_cast<int>(stored.size()), static_cast<int>(raw_len));
      if (n < 0) return CodecError(codec, "payload is corrupt or larger than declared");
      if (static_cast<uint32_t>(n) != raw_len)
        return CodecError(codec, "payload decompresses to fewer bytes than declared");
      return Status::Ok();
    }
    case Codec::kGzip: {
      if (!ctx_->gzip.Reset(0)) return Status::Io("zlib: cannot initialize inflate");
      z_stream* zs = ctx_->gzip.get();
      zs->next_in = const_cast<Bytef*>(stored.data());
      zs->avail_in = static_cast<uInt>(stored.size());
      // One spare byte: output that reaches it is larger than declared.
      uint8_t spare;
      zs->next_out = out->data();
      zs->avail_out = raw_len;
      int rc = inflate(zs, Z_FINISH);
      if (rc == Z_BUF_ERROR && zs->avail_out == 0) {
        zs->next_out = &spare;
        zs->avail_out = 1;
        rc = inflate(zs, Z_FINISH);
        if (zs->avail_out == 0) return CodecError(codec, "payload is larger than declared");
      }
      if (rc != Z_STREAM_END) return CodecError(codec, "payload is corrupt or truncated");
      if (zs->total_out != raw_len || zs->avail_in != 0)
        return CodecError(codec, "payload size differs from declared size");
      return Status::Ok();
    }
  }
  return Status::Corrupt("unknown codec " + std::to_string(static_cast<int>(codec)));
}

}  // namespace segstream
