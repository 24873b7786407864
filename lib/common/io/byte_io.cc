#include "lib/common/io/byte_io.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "lib/common/io/termination.h"

namespace segstream {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ > 2) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  // stdin/stdout/stderr stay open: the process still reports through them.
  if (fd_ > 2) ::close(fd_);
}

Status UniqueFd::Close(const std::string& name) {
  int fd = release();
  if (fd <= 2) return Status::Ok();
  if (::close(fd) != 0 && errno != EINTR) return Status::FromErrno(errno, "close " + name);
  return Status::Ok();
}

void IgnoreSigpipe() { ::signal(SIGPIPE, SIG_IGN); }

Result<size_t> ReadSome(int fd, void* buf, size_t len, const std::string& name) {
  for (;;) {
    ssize_t n = ::read(fd, buf, len);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    return Status::FromErrno(errno, "read " + name);
  }
}

Status WriteAll(int fd, const void* buf, size_t len, const std::string& name) {
  const auto* p = static_cast<const uint8_t*>(buf);
  while (len > 0) {
    ssize_t n = ::write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "write " + name);
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

namespace {

// WriteAll of `first` then `second`, with writev while `first` lasts.
Status WriteAllTwo(int fd, std::span<const uint8_t> first, std::span<const uint8_t> second,
                   const std::string& name) {
  while (!first.empty()) {
    iovec iov[2] = {{const_cast<uint8_t*>(first.data()), first.size()},
                    {const_cast<uint8_t*>(second.data()), second.size()}};
    ssize_t n = ::writev(fd, iov, 2);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "write " + name);
    }
    const auto done = static_cast<size_t>(n);
    if (done < first.size()) {
      first = first.subspan(done);
    } else {
      second = second.subspan(done - first.size());
      first = {};
    }
  }
  return WriteAll(fd, second.data(), second.size(), name);
}

}  // namespace

BufferedSource::BufferedSource(int fd, std::string name, size_t buffer_size)
    : fd_(fd), name_(std::move(name)), buf_(buffer_size) {}

BufferedSource::~BufferedSource() {
  if (map_) ::munmap(const_cast<uint8_t*>(map_) - map_head_, map_head_ + map_len_);
}

namespace {

// A mapped file that shrinks under us faults on the missing pages. That is a truncated
// input, so it gets the truncated input's exit status and a message, not a core dump.
void OnSigbus(int) {
  // Only async-signal-safe calls: write(2) of fixed pieces, then _exit.
  static const char kMessage[] =
      ": error: the input file shrank while it was being read (SIGBUS on its mapping)\n";
  const char* tool = program_invocation_short_name;
  ssize_t ignored = ::write(2, tool, std::strlen(tool));
  ignored = ::write(2, kMessage, sizeof(kMessage) - 1);
  (void)ignored;
  ::_exit(kExitCorrupt);
}

}  // namespace

bool BufferedSource::MapFile() {
  if (map_ || offset_ != 0 || end_ != begin_ || eof_) return false;
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  off_t start = ::lseek(fd_, 0, SEEK_CUR);
  if (start < 0 || start >= st.st_size) return false;
  // mmap offsets must be page-aligned: map from the page holding `start`.
  const off_t page = ::sysconf(_SC_PAGESIZE);
  const off_t aligned = start - start % page;
  const size_t len = static_cast<size_t>(st.st_size - aligned);
  void* p = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd_, aligned);
  if (p == MAP_FAILED) return false;
  ::madvise(p, len, MADV_SEQUENTIAL);
  struct sigaction sa = {};
  sa.sa_handler = OnSigbus;
  ::sigaction(SIGBUS, &sa, nullptr);
  // Keep the mapping's page-aligned head: the views start `start - aligned` bytes in.
  map_ = static_cast<const uint8_t*>(p) + (start - aligned);
  map_len_ = static_cast<size_t>(st.st_size - start);
  map_released_ = 0;
  map_head_ = static_cast<size_t>(start - aligned);
  return true;
}

void BufferedSource::ReleaseBefore(uint64_t offset) {
  if (!map_) return;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  // In mapping coordinates (which start page-aligned), rounded down to whole pages.
  size_t end = std::min<size_t>(offset, map_len_) + map_head_;
  end -= end % page;
  if (end <= map_released_) return;
  ::madvise(const_cast<uint8_t*>(map_) - map_head_ + map_released_, end - map_released_,
            MADV_DONTNEED);
  map_released_ = end;
}

Status BufferedSource::Fill(size_t want) {
  if (end_ - begin_ >= want || eof_) return Status::Ok();
  if (buf_.size() - begin_ < want) {
    // Move what is left to the front; the buffer grows below only as bytes arrive.
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  while (end_ - begin_ < want && !eof_) {
    if (end_ == buf_.size()) {
      // A frame header may claim up to 1 GiB: grow by doubling as data actually comes,
      // so a short hostile input cannot make us allocate what it only claims.
      buf_.resize(std::min(std::max(buf_.size() * 2, size_t{1} << 16), begin_ + want));
    }
    ASSIGN_OR_RETURN(size_t n, ReadSome(fd_, buf_.data() + end_, buf_.size() - end_, name_));
    if (n == 0) eof_ = true;
    end_ += n;
  }
  return Status::Ok();
}

Result<std::span<const uint8_t>> BufferedSource::ReadUpTo(size_t len) {
  if (map_) {
    std::span<const uint8_t> view(map_ + offset_, std::min(len, MappedLeft()));
    offset_ += view.size();
    return view;
  }
  RETURN_IF_ERROR(Fill(len));
  size_t got = std::min(len, end_ - begin_);
  std::span<const uint8_t> view(buf_.data() + begin_, got);
  begin_ += got;
  offset_ += got;
  return view;
}

Result<std::span<const uint8_t>> BufferedSource::Peek(size_t len) {
  if (map_) return std::span<const uint8_t>(map_ + offset_, std::min(len, MappedLeft()));
  RETURN_IF_ERROR(Fill(len));
  return std::span<const uint8_t>(buf_.data() + begin_, std::min(len, end_ - begin_));
}

Result<bool> BufferedSource::AtEnd() {
  if (map_) return MappedLeft() == 0;
  RETURN_IF_ERROR(Fill(1));
  return end_ == begin_;
}

BufferedSink::BufferedSink(int fd, std::string name, size_t buffer_size)
    : fd_(fd), name_(std::move(name)), buf_(buffer_size) {}

BufferedSink::~BufferedSink() = default;  // unflushed data is the caller's error to report

Status BufferedSink::Write(const void* data, size_t len) {
  if (len == 0) return Status::Ok();  // data may be null then, which memcpy must not see
  offset_ += len;
  // What fills half the buffer goes straight out, with what is buffered (a frame's header)
  // in the same call: copying a whole frame in would save no write call.
  if (len >= buf_.size() / 2) {
    std::span<const uint8_t> buffered(buf_.data(), used_);
    used_ = 0;
    return WriteAllTwo(fd_, buffered, {static_cast<const uint8_t*>(data), len}, name_);
  }
  if (used_ + len > buf_.size()) {
    RETURN_IF_ERROR(WriteAll(fd_, buf_.data(), used_, name_));
    used_ = 0;
  }
  std::memcpy(buf_.data() + used_, data, len);
  used_ += len;
  return Status::Ok();
}

Status BufferedSink::Flush() {
  Status st = WriteAll(fd_, buf_.data(), used_, name_);
  used_ = 0;
  return st;
}

std::string InputName(const std::string& path) {
  return path.empty() || path == "-" ? std::string("stdin") : path;
}

std::string OutputName(const std::string& path) {
  return path.empty() || path == "-" ? std::string("stdout") : path;
}

Result<UniqueFd> OpenInput(const std::string& path) {
  if (path.empty() || path == "-") return UniqueFd(0);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "cannot open " + path);
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::Io("cannot read " + path + ": is a directory");
  }
  return UniqueFd(fd);
}

PendingOutput::~PendingOutput() { Discard(); }

void PendingOutput::Discard() {
  if (temp_.empty()) return;
  ::unlink(temp_.c_str());
  UnregisterCleanupPath(temp_);
  temp_.clear();
}

Status PendingOutput::Commit() {
  if (temp_.empty()) return Status::Ok();
  if (::rename(temp_.c_str(), final_.c_str()) != 0)
    return Status::FromErrno(errno, "cannot rename " + temp_ + " to " + final_);
  UnregisterCleanupPath(temp_);
  temp_.clear();
  return Status::Ok();
}

Result<UniqueFd> OpenOutput(const std::string& path, PendingOutput* pending) {
  if (path.empty() || path == "-") return UniqueFd(1);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(errno, "cannot open " + path);
    return UniqueFd(fd);
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string templ = dir + "." + base + ".XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "cannot create " + path);
  // mkostemp makes the file 0600; the finished file gets what open(2) would have given it.
  mode_t mask = ::umask(0);
  ::umask(mask);
  (void)::fchmod(fd, 0666 & ~mask);
  pending->temp_ = buf.data();
  pending->final_ = path;
  RegisterCleanupPath(pending->temp_);
  return UniqueFd(fd);
}

Status RefuseTerminalOutput(int fd, bool force) {
  if (force || !::isatty(fd)) return Status::Ok();
  return Status::Usage("refusing to write binary data to a terminal")
      .WithHint("redirect stdout to a file or pipe, or use -o FILE");
}

bool IsSeekableFile(int fd) {
  struct stat st;
  return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace segstream
