// The segstream byte format, version 1: every constant of it, each explained once.
// man/segstream.5 is the prose specification; change the two together.
//
// A stream is a 16-byte preamble followed by frames. All integers are little-endian.
//
//   preamble: magic[8] | u16 version_major | u16 version_minor | u32 preamble_check
//   frame:    u8 type | u8 flags | u8 codec | u8 reserved | u32 table_id
//             | u32 stored_len | u32 raw_len | u64 checksum | stored payload
//
// Streams concatenate: after a STREAM_END (and optional INDEX frames) the next byte is
// either end of input or the first byte of another preamble.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace segstream::format {

// "\x89SGS\r\n\x1a\n": the high byte keeps 7-bit channels honest, CR LF and ^Z catch
// text-mode mangling (the PNG trick). Its first byte can never be a frame type.
inline constexpr unsigned char kMagic[8] = {0x89, 'S', 'G', 'S', '\r', '\n', 0x1a, '\n'};
inline constexpr size_t kPreambleSize = 16;
inline constexpr uint16_t kVersionMajor = 1;  // a reader refuses any other major version
inline constexpr uint16_t kVersionMinor = 0;  // minor versions only add optional things

inline constexpr size_t kFrameHeaderSize = 24;
// Bytes of the frame header covered by its checksum (all but the checksum itself).
inline constexpr size_t kFrameHeaderCheckedSize = 16;

enum class FrameType : uint8_t {
  kStreamHeader = 0x01,  // JSON: producer, source server, database, segment, snapshot, time
  kTableBegin = 0x02,    // JSON: table identity and columns; opens table_id
  kData = 0x03,          // whole rows of the table named by table_id
  kTableEnd = 0x04,      // JSON trailer: rows, bytes, frames, digest; closes table_id
  kSql = 0x05,           // JSON: a schema section (pre-data, post-data, globals, sequences)
  kStreamEnd = 0x06,     // JSON totals; its absence means the stream was truncated
  kIndex = 0x07,         // JSON table summaries and offsets, for seekable files (optional)
  kIndexPointer = 0x08,  // u64 offset of the INDEX frame from the stream start (optional)
};
inline constexpr uint8_t kMaxFrameType = 0x7f;  // 0x80 and up would collide with the magic

// flags
inline constexpr uint8_t kFlagOptional = 0x01;  // readers that do not know the type skip it
inline constexpr uint8_t kKnownFlags = kFlagOptional;

enum class Codec : uint8_t {
  kNone = 0,
  kZstd = 1,  // one zstd frame
  kLz4 = 2,   // one LZ4 block (raw_len gives the decompressed size)
  kGzip = 3,  // one gzip member (RFC 1952)
};
inline constexpr uint8_t kMaxCodec = 3;

// Limits. Every length is checked against these before anything is allocated.
// A PostgreSQL COPY row is at most 1 GiB, so one frame holding one such row must fit.
inline constexpr uint32_t kMaxPayload = (1u << 30) + (1u << 20);
inline constexpr uint32_t kMaxJsonPayload = 64u << 20;  // metadata frames
// Arrays and objects nested in one metadata payload. Our own metadata nests three levels
// (the sequences list of a SQL frame); the limit leaves room for unknown keys and keeps a
// hostile payload from recursing through the JSON library's parser and destructor.
inline constexpr int kMaxJsonDepth = 64;
// Target raw size of a DATA frame. 1 MiB: zstd -3 per frame then comes within 1% of
// whole-stream zstd on COPY text (256 KiB frames were 6% larger), at ~4 MiB per writer.
inline constexpr size_t kDefaultFrameSize = 1u << 20;
inline constexpr uint32_t kMaxOpenTables = 65536;  // tables open at once in one stream

// DATA payload (raw, after decompression):
//   u32 row_count | row_count x varint row_len (LEB128, at most 5 bytes) | rows
// The rows are exactly the bytes PostgreSQL's COPY TO produced for each row (text and csv
// rows end in their newline; binary rows are tuples without the file header and trailer).
inline constexpr size_t kMaxVarintBytes = 5;

// The 19-byte header PostgreSQL puts before binary COPY data, and the 2-byte trailer.
inline constexpr unsigned char kPgBinaryHeader[19] = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
inline constexpr unsigned char kPgBinaryTrailer[2] = {0xff, 0xff};

std::string_view FrameTypeName(uint8_t type);
std::string_view CodecName(Codec codec);
bool ParseCodecName(std::string_view name, Codec* codec);

// The sections of a dump, as pg_dump names them: SQL sections a stream may carry (segstream(5))
// and "data", its rows. A reader never runs a section whose name it does not know.
namespace section {
inline constexpr const char* kGlobals = "globals";
inline constexpr const char* kPreData = "pre-data";
inline constexpr const char* kData = "data";
inline constexpr const char* kPostData = "post-data";
inline constexpr const char* kSequences = "sequences";
}  // namespace section

}  // namespace segstream::format
