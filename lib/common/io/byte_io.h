// Byte sources and sinks over file descriptors: large buffers, EINTR retried, partial
// writes looped, EPIPE reported as "downstream closed". SIGPIPE is ignored by the tools
// (IgnoreSigpipe) so that a closed pipe becomes an error value, not a silent death.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lib/common/base/status.h"

namespace segstream {

// An owned file descriptor; closes on destruction. Close() reports errors.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  bool valid() const { return fd_ >= 0; }
  Status Close(const std::string& name);

 private:
  int fd_ = -1;
};

void IgnoreSigpipe();

// Reads everything from `fd` until end of input. Returns bytes read (0 at end).
Result<size_t> ReadSome(int fd, void* buf, size_t len, const std::string& name);
Status WriteAll(int fd, const void* buf, size_t len, const std::string& name);

// A buffered reader. ReadExact returns a view valid until the next call; the view points
// into the internal buffer, which grows only as far as the largest single request.
class BufferedSource {
 public:
  // Does not take ownership of fd.
  BufferedSource(int fd, std::string name, size_t buffer_size = 4 << 20);
  ~BufferedSource();
  BufferedSource(const BufferedSource&) = delete;
  BufferedSource& operator=(const BufferedSource&) = delete;
  // Maps the rest of a regular file instead of reading it, before the first read. Views
  // then stay valid until ReleaseBefore() passes them or the source is destroyed, so other
  // threads can check frames without a copy. False, changing nothing, for pipes, empty
  // files and after a read. A file that shrinks while mapped ends the process with exit
  // status 3 and a message (SIGBUS), never a crash.
  bool MapFile();
  bool views_stable() const { return map_ != nullptr; }
  // Gives back the mapped pages wholly before input offset `offset` (they stay in the page
  // cache), so resident memory stays bounded however large the file. No-op unless mapped.
  void ReleaseBefore(uint64_t offset);
  // `len` bytes, or fewer only at end of input (a short read is the caller's truncation
  // error: it knows what it was reading).
  Result<std::span<const uint8_t>> ReadUpTo(size_t len);
  // Up to `len` bytes without consuming them (fewer only at end of input).
  Result<std::span<const uint8_t>> Peek(size_t len);
  // Bytes consumed so far from the start of the input.
  uint64_t offset() const { return offset_; }
  // True when no more bytes can be read (reads ahead if needed).
  Result<bool> AtEnd();
  const std::string& name() const { return name_; }
  int fd() const { return fd_; }

 private:
  Status Fill(size_t want);
  size_t MappedLeft() const { return map_len_ - static_cast<size_t>(offset_); }
  int fd_;
  std::string name_;
  std::vector<uint8_t> buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t offset_ = 0;
  // Mapped mode: map_ is the file's bytes from where it was when mapped (offset_ indexes
  // them), map_head_ bytes into a page-aligned mapping.
  const uint8_t* map_ = nullptr;
  size_t map_len_ = 0;
  size_t map_head_ = 0;
  size_t map_released_ = 0;  // mapping bytes given back, from its aligned start
};

// A buffered writer. Small writes are coalesced; large ones go straight to the fd.
class BufferedSink {
 public:
  BufferedSink(int fd, std::string name, size_t buffer_size = 1 << 20);
  ~BufferedSink();
  BufferedSink(const BufferedSink&) = delete;
  BufferedSink& operator=(const BufferedSink&) = delete;
  Status Write(const void* data, size_t len);
  Status Write(std::span<const uint8_t> data) { return Write(data.data(), data.size()); }
  Status Flush();
  uint64_t offset() const { return offset_; }
  int fd() const { return fd_; }
  const std::string& name() const { return name_; }

 private:
  int fd_;
  std::string name_;
  std::vector<uint8_t> buf_;
  size_t used_ = 0;
  uint64_t offset_ = 0;
};

// Opens FILE for reading, or stdin for "" / "-". `name` is what messages call it.
Result<UniqueFd> OpenInput(const std::string& path);
// -o FILE, one rule for every tool: the bytes go to a temporary file beside FILE
// (".FILE.XXXXXX", registered for removal on a signal), renamed to FILE by Commit() once
// everything is written and closed. A failure or a signal before that leaves nothing
// named FILE, and an existing FILE untouched. Devices and FIFOs (/dev/null, a named pipe)
// are written in place; stdout ("" or "-") needs no commit.
class PendingOutput {
 public:
  PendingOutput() = default;
  ~PendingOutput();  // removes the temporary file unless committed
  PendingOutput(const PendingOutput&) = delete;
  PendingOutput& operator=(const PendingOutput&) = delete;
  // Renames the temporary file to its final name; call after closing the fd.
  Status Commit();
  // Removes the temporary file now, not at destruction: whoever is told "aborted" next
  // (a coordinator, a test) must find nothing left behind.
  void Discard();

 private:
  friend Result<UniqueFd> OpenOutput(const std::string& path, PendingOutput* pending);
  std::string temp_;
  std::string final_;
};
// Opens FILE for writing as PendingOutput describes, or stdout for "" / "-".
Result<UniqueFd> OpenOutput(const std::string& path, PendingOutput* pending);
// What messages call an input or output path: "stdin" / "stdout" for "" and "-".
std::string InputName(const std::string& path);
std::string OutputName(const std::string& path);

// zstd's rule: binary output to a terminal is refused unless forced.
Status RefuseTerminalOutput(int fd, bool force);

bool IsSeekableFile(int fd);

}  // namespace segstream
