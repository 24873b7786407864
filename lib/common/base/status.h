// Status carries an expected failure (bad frame, refused connection, closed pipe) back to
// the tool with enough context to print one useful message. The error kind decides the
// exit status; that mapping lives only in ExitCodeFor().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace segstream {

enum class ErrorKind {
  kOk,
  kUsage,    // the command line or a combination of options is wrong
  kIo,       // files, pipes, disks
  kServer,   // PostgreSQL refused, failed or went away
  kCorrupt,  // the stream is corrupt, truncated or fails verification
  kPartial,  // finished, but some objects failed (--on-error-continue)
};

// Documented exit statuses shared by every binary (see the EXIT STATUS of each man page).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,
  kExitUsage = 2,
  kExitCorrupt = 3,
  kExitPartial = 4,
};

// An ok Status is one null pointer: every row passes several up the call chain, and a
// Status that carried its strings inline cost more per row than hashing the row did.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(const Status& other) : detail_(other.detail_ ? new Detail(*other.detail_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) detail_.reset(other.detail_ ? new Detail(*other.detail_) : nullptr);
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status Ok() { return Status(); }
  static Status Usage(std::string msg) { return Status(ErrorKind::kUsage, std::move(msg)); }
  static Status Io(std::string msg) { return Status(ErrorKind::kIo, std::move(msg)); }
  static Status Server(std::string msg) { return Status(ErrorKind::kServer, std::move(msg)); }
  static Status Corrupt(std::string msg) { return Status(ErrorKind::kCorrupt, std::move(msg)); }
  static Status Partial(std::string msg) { return Status(ErrorKind::kPartial, std::move(msg)); }
  // errno converted in one place: "what: strerror" (EPIPE reads "downstream closed").
  static Status FromErrno(int err, const std::string& what);

  bool ok() const { return !detail_ || detail_->kind == ErrorKind::kOk; }
  ErrorKind kind() const { return detail_ ? detail_->kind : ErrorKind::kOk; }
  const std::string& message() const { return get().message; }
  bool downstream_closed() const { return detail_ && detail_->downstream_closed; }

  // Context, added by whichever layer knows it; printed as "(table t, frame 3, byte offset 96)".
  // By value, not Status&&: `st = std::move(st).WithX()` must not move a Status into itself.
  Status WithOffset(uint64_t offset) && {
    mutable_detail().offset = offset;
    return std::move(*this);
  }
  Status WithFrame(uint64_t frame) && {
    mutable_detail().frame = frame;
    return std::move(*this);
  }
  Status WithTable(std::string table) && {
    mutable_detail().table = std::move(table);
    return std::move(*this);
  }
  Status WithHint(std::string hint) && {
    mutable_detail().hint = std::move(hint);
    return std::move(*this);
  }
  // The server's SQLSTATE, for callers that act on one error class (it is in the message too).
  Status WithSqlstate(std::string sqlstate) && {
    mutable_detail().sqlstate = std::move(sqlstate);
    return std::move(*this);
  }
  Status Prefix(const std::string& what) && {
    Detail& d = mutable_detail();
    d.message = what + ": " + d.message;
    return std::move(*this);
  }
  Status& MarkDownstreamClosed() {
    mutable_detail().downstream_closed = true;
    return *this;
  }

  const std::optional<uint64_t>& offset() const { return get().offset; }
  const std::optional<uint64_t>& frame() const { return get().frame; }
  const std::optional<std::string>& table() const { return get().table; }
  const std::optional<std::string>& hint() const { return get().hint; }
  const std::optional<std::string>& sqlstate() const { return get().sqlstate; }

  // "message (table t, frame 3, byte offset 96)", without the hint.
  std::string ToString() const;

 private:
  struct Detail {
    ErrorKind kind = ErrorKind::kOk;
    std::string message;
    std::optional<uint64_t> offset;
    std::optional<uint64_t> frame;
    std::optional<std::string> table;
    std::optional<std::string> hint;
    std::optional<std::string> sqlstate;
    bool downstream_closed = false;
  };

  Status(ErrorKind kind, std::string msg) : detail_(new Detail) {
    detail_->kind = kind;
    detail_->message = std::move(msg);
  }
  const Detail& get() const;  // an ok Status reads as an empty Detail
  Detail& mutable_detail() {
    if (!detail_) detail_.reset(new Detail);
    return *detail_;
  }

  std::unique_ptr<Detail> detail_;
};

int ExitCodeFor(ErrorKind kind);

// Prints "tool: error: message (context)" and an optional "tool: hint: ..." line to stderr,
// and returns the exit status for the status's kind.
int ReportError(const char* tool, const Status& status);

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(value_);
  }
  Status take_status() { return std::move(std::get<Status>(value_)); }
  T& value() { return std::get<T>(value_); }
  const T& value() const { return std::get<T>(value_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace segstream

#define SEGSTREAM_CONCAT_INNER(a, b) a##b
#define SEGSTREAM_CONCAT(a, b) SEGSTREAM_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)         \
  do {                                \
    ::segstream::Status _st = (expr); \
    if (!_st.ok()) return _st;        \
  } while (0)

// `lhs` is a declaration ("auto x") or an lvalue: it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.take_status();    \
  lhs = std::move(tmp.value())

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(SEGSTREAM_CONCAT(_result_, __LINE__), lhs, expr)
// NOLINTEND(bugprone-macro-parentheses)
