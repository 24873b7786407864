#include "lib/common/io/child_process.h"

#include <set>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lib/common/io/byte_io.h"
#include "lib/common/io/termination.h"

extern char** environ;

namespace segstream {
namespace {

constexpr size_t kMaxStderr = 64u << 10;

struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
};

Status MakePipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::FromErrno(errno, "cannot create a pipe");
  *read_end = UniqueFd(fds[0]);
  *write_end = UniqueFd(fds[1]);
  return Status::Ok();
}

// Reads both pipes until both reach end of input, so neither child stream can fill up and
// block the child while we wait on the other.
void Drain(int out_fd, int err_fd, std::string* out, std::string* err, bool echo_err) {
  std::vector<pollfd> fds;
  if (out_fd >= 0) fds.push_back({out_fd, POLLIN, 0});
  if (err_fd >= 0) fds.push_back({err_fd, POLLIN, 0});
  char buf[65536];
  while (!fds.empty()) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (size_t i = 0; i < fds.size();) {
      if (fds[i].revents == 0) {
        ++i;
        continue;
      }
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds.erase(fds.begin() + static_cast<long>(i));
        continue;
      }
      if (fds[i].fd == out_fd) {
        out->append(buf, static_cast<size_t>(n));
      } else {
        err->append(buf, static_cast<size_t>(n));
        // Best effort: a closed stderr must not stop the child's output being read.
        if (echo_err) (void)!write(2, buf, static_cast<size_t>(n));
        if (err->size() > 2 * kMaxStderr) err->erase(0, err->size() - kMaxStderr);
      }
      fds[i].revents = 0;
      ++i;
    }
  }
  if (err->size() > kMaxStderr) err->erase(0, err->size() - kMaxStderr);
}

}  // namespace

void InitChildSpawnAttr(posix_spawnattr_t* attr) {
  posix_spawnattr_init(attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(attr, &none);
  posix_spawnattr_setsigdefault(attr, &defaults);
  posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

Result<ChildResult> RunChild(const ChildSpec& spec) {
  if (spec.argv.empty()) return Status::Usage("no program to run");
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    std::string key = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [k, v] : spec.env) replaced = replaced || k == key;
    if (!replaced) env_strings.push_back(std::move(entry));
  }
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = spec.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  UniqueFd devnull;
  int stdin_fd = spec.stdin_fd;
  if (stdin_fd < 0) {
    devnull = UniqueFd(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!devnull.valid()) return Status::FromErrno(errno, "cannot open /dev/null");
    stdin_fd = devnull.get();
  }
  UniqueFd out_read, out_write, err_read, err_write;
  if (spec.stdout_fd < 0) RETURN_IF_ERROR(MakePipe(&out_read, &out_write));
  RETURN_IF_ERROR(MakePipe(&err_read, &err_write));

  SpawnActions sa;
  posix_spawn_file_actions_adddup2(&sa.actions, stdin_fd, 0);
  posix_spawn_file_actions_adddup2(&sa.actions,
                                   spec.stdout_fd < 0 ? out_write.get() : spec.stdout_fd, 1);
  posix_spawn_file_actions_adddup2(&sa.actions, err_write.get(), 2);
  posix_spawnattr_t attr;
  InitChildSpawnAttr(&attr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &sa.actions, &attr, argv.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Status::FromErrno(rc, "cannot run " + spec.argv[0]);
  RegisterChild(pid);
  // Our copies of the write ends must go, or the reads below never see end of input.
  out_write = UniqueFd();
  err_write = UniqueFd();

  ChildResult result;
  Drain(out_read.get(), err_read.get(), &result.out, &result.err, spec.echo_stderr);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return Status::FromErrno(errno, "waiting for " + spec.argv[0]);
  }
  UnregisterChild(pid);
  if (WIFEXITED(wstatus)) {
    result.exit_status = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    result.exit_status = 128 + WTERMSIG(wstatus);
  }
  return result;
}

Status ChildStatus(const std::string& name, const ChildResult& result) {
  if (result.exit_status == 0) return Status::Ok();
  std::string first_error, last;
  size_t pos = 0;
  while (pos < result.err.size()) {
    size_t nl = result.err.find('\n', pos);
    if (nl == std::string::npos) nl = result.err.size();
    std::string line = result.err.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    last = line;
    if (first_error.empty() &&
        (line.find("error") != std::string::npos || line.find("FATAL") != std::string::npos))
      first_error = line;
  }
  std::string line = first_error.empty() ? last : first_error;
  std::string msg = name + " failed (exit status " + std::to_string(result.exit_status) + ")";
  if (!line.empty()) msg += ": " + line;
  return Status::Server(msg);
}

namespace {
std::string ConninfoValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}
}  // namespace

ChildConnection ChildConnectionFor(PGconn* conn, const std::string& dbname, bool old_client) {
  static const std::set<std::string> kKnownTo94 = {"service",          "user",
                                                   "dbname",           "host",
                                                   "hostaddr",         "port",
                                                   "client_encoding",  "options",
                                                   "application_name", "fallback_application_name",
                                                   "connect_timeout",  "keepalives",
                                                   "keepalives_idle",  "keepalives_interval",
                                                   "keepalives_count", "sslmode",
                                                   "sslcompression",   "sslcert",
                                                   "sslkey",           "sslrootcert",
                                                   "sslcrl",           "requirepeer",
                                                   "krbsrvname",       "gsslib"};
  ChildConnection cc;
  PQconninfoOption* options = PQconninfo(conn);
  for (PQconninfoOption* o = options; o && o->keyword; ++o) {
    std::string key = o->keyword;
    if (!o->val || !*o->val) continue;
    if (key == "password") continue;
    if (old_client && !kKnownTo94.count(key)) continue;
    std::string value = o->val;
    if (key == "dbname" && !dbname.empty()) value = dbname;
    if (!cc.conninfo.empty()) cc.conninfo += ' ';
    cc.conninfo += key + "=" + ConninfoValue(value);
  }
  if (options) PQconninfoFree(options);
  if (!dbname.empty() && cc.conninfo.find("dbname=") == std::string::npos)
    cc.conninfo += " dbname=" + ConninfoValue(dbname);
  // PQpass also holds a password libpq took from .pgpass or PGPASSWORD; passing it on in
  // the environment keeps it off every command line (ps shows argv to every user).
  const char* pass = PQpass(conn);
  if (pass && *pass) cc.env.emplace_back("PGPASSWORD", pass);
  return cc;
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    if (!path_.empty()) {
      unlink(path_.c_str());
      UnregisterCleanupPath(path_);
    }
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempFile::~TempFile() {
  if (path_.empty()) return;
  unlink(path_.c_str());
  UnregisterCleanupPath(path_);
}

Result<TempFile> TempFile::Create(const std::string& prefix) {
  const char* dir = std::getenv("TMPDIR");
  std::string templ = std::string(dir && *dir ? dir : "/tmp") + "/" + prefix + ".XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = mkostemp(buf.data(), O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "cannot create a temporary file in " + templ);
  close(fd);
  TempFile f;
  f.path_ = buf.data();
  RegisterCleanupPath(f.path_);  // a signal must not leave it behind either
  return f;
}

}  // namespace segstream
