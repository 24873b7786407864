// The remote store runs `remote_command SCRIPT`: remote_command split on blanks into argv
// (no local shell), SCRIPT one argument that the far side's shell runs (ssh joins its
// arguments into one command line; "sh -c" runs it here, which is how the tests use it).
// Every path in SCRIPT is single-quoted, so no key, however hostile, is interpreted.
// An upload is two commands: the bytes to a ".partial" name, then a rename only after
// every byte was written here and the first command succeeded, so a connection that drops
// mid-upload never leaves a short object under its real name.
#include "tools/zpipe/plugin_store.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>
#include <vector>

#include "lib/common/base/text_escape.h"
#include "lib/common/io/child_process.h"
#include "lib/common/io/termination.h"

extern char** environ;

namespace segstream::plugin {

namespace fs = std::filesystem;

namespace {

// Exit status the remote scripts use for "no such object / backup".
constexpr int kRemoteMissing = 66;

std::string NotFound(const std::string& where) { return "no stored object " + where; }

class LocalStore : public ObjectStore {
 public:
  explicit LocalStore(std::string directory) : dir_(std::move(directory)) {}

  Status Prepare() override {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return Status::Io("cannot create " + EscapeForMessage(dir_) + ": " + ec.message());
    if (::access(dir_.c_str(), W_OK | X_OK) != 0)
      return Status::FromErrno(errno, "cannot write to " + EscapeForMessage(dir_));
    return Status::Ok();
  }

  Status Put(const ObjectName& name, const std::function<Status(BufferedSink*)>& produce) override {
    std::error_code ec;
    std::string folder = name.folder.empty() ? dir_ : dir_ + "/" + name.folder;
    fs::create_directories(folder, ec);
    if (ec) return Status::Io("cannot create " + EscapeForMessage(folder) + ": " + ec.message());
    std::string path = Path(name.RelativePath());
    PendingOutput pending;
    ASSIGN_OR_RETURN(UniqueFd fd, OpenOutput(path, &pending));
    BufferedSink sink(fd.get(), EscapeForMessage(path));
    RETURN_IF_ERROR(produce(&sink));
    RETURN_IF_ERROR(sink.Flush());
    if (::fsync(fd.get()) != 0) return Status::FromErrno(errno, "fsync " + EscapeForMessage(path));
    RETURN_IF_ERROR(fd.Close(EscapeForMessage(path)));
    return pending.Commit();
  }

  Status Get(const ObjectName& name,
             const std::function<Status(BufferedSource*)>& consume) override {
    std::string path = Path(name.RelativePath());
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      if (errno == ENOENT) return Status::Io(NotFound(EscapeForMessage(path)));
      return Status::FromErrno(errno, "cannot open " + EscapeForMessage(path));
    }
    BufferedSource source(fd.get(), EscapeForMessage(path));
    return consume(&source);
  }

  Status RemoveFolder(const std::string& folder) override {
    std::string path = Path(folder);
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(path, ec)))
      return Status::Io("no backup stored in " + EscapeForMessage(path));
    fs::remove_all(path, ec);
    if (ec) return Status::Io("cannot remove " + EscapeForMessage(path) + ": " + ec.message());
    fs::remove(fs::path(path).parent_path(), ec);  // the date folder, only if now empty
    return Status::Ok();
  }

  std::string Describe(const std::string& relative) const override { return Path(relative); }

 private:
  std::string Path(const std::string& relative) const { return dir_ + "/" + relative; }
  std::string dir_;
};

// A running `remote_command SCRIPT` whose stdin or stdout is our end of a pipe. Its stderr
// is ours: ssh's own messages are the best explanation of a failed connection.
class RemoteChild {
 public:
  RemoteChild() = default;
  RemoteChild(const RemoteChild&) = delete;
  RemoteChild& operator=(const RemoteChild&) = delete;
  ~RemoteChild() {
    if (pid_ > 0) {
      our_end_ = UniqueFd();
      ::kill(pid_, SIGTERM);
      (void)Wait();
    }
  }

  // `child_fd` 0: we write its stdin; 1: we read its stdout.
  Status Start(const std::vector<std::string>& argv, int child_fd) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Status::FromErrno(errno, "cannot create a pipe");
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    UniqueFd& theirs = child_fd == 0 ? read_end : write_end;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, theirs.get(), child_fd);
    posix_spawnattr_t attr;
    InitChildSpawnAttr(&attr);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int rc = posix_spawnp(&pid_, args[0], &actions, &attr, args.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      return Status::FromErrno(rc, "cannot run " + EscapeForMessage(argv[0]));
    }
    RegisterChild(pid_);
    our_end_ = std::move(child_fd == 0 ? write_end : read_end);
    return Status::Ok();
  }

  int fd() const { return our_end_.get(); }
  void CloseOurEnd() { our_end_ = UniqueFd(); }

  // The child's exit status (128 + signal when killed).
  Result<int> Wait() {
    int wstatus = 0;
    while (::waitpid(pid_, &wstatus, 0) < 0)
      if (errno != EINTR) return Status::FromErrno(errno, "waiting for the remote command");
    UnregisterChild(pid_);
    pid_ = -1;
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  }

 private:
  pid_t pid_ = -1;
  UniqueFd our_end_;
};

class RemoteStore : public ObjectStore {
 public:
  RemoteStore(std::string directory, const std::string& command) : dir_(std::move(directory)) {
    std::istringstream words(command);
    for (std::string w; words >> w;) command_.push_back(w);
  }

  Status Prepare() override {
    return Run("mkdir -p -- " + Q(dir_) + " && test -w " + Q(dir_), "prepare " + Describe(""));
  }

  Status Put(const ObjectName& name, const std::function<Status(BufferedSink*)>& produce) override {
    std::string folder = name.folder.empty() ? dir_ : dir_ + "/" + name.folder;
    std::string path = dir_ + "/" + name.RelativePath();
    std::string partial = path + "." + RandomSuffix() + ".partial";
    RemoteChild child;
    RETURN_IF_ERROR(child.Start(Argv("mkdir -p -- " + Q(folder) + " && cat > " + Q(partial)), 0));
    Status st;
    {
      BufferedSink sink(child.fd(), "the remote command");
      st = produce(&sink);
      if (st.ok()) st = sink.Flush();
    }
    if (!st.ok()) {
      // Nothing more is sent; the partial file is removed, best effort.
      child.CloseOurEnd();
      auto rc = child.Wait();
      (void)Run("rm -f -- " + Q(partial), "remove " + partial);
      // "Downstream closed" only says the command went away; its exit status says why.
      if (st.downstream_closed() && rc.ok() && *rc != 0) return UploadFailed(path, *rc);
      return st;
    }
    child.CloseOurEnd();
    ASSIGN_OR_RETURN(int rc, child.Wait());
    if (rc != 0) {
      (void)Run("rm -f -- " + Q(partial), "remove " + partial);
      return UploadFailed(path, rc);
    }
    return Run("mv -f -- " + Q(partial) + " " + Q(path), "rename into " + Where(path));
  }

  Status Get(const ObjectName& name,
             const std::function<Status(BufferedSource*)>& consume) override {
    std::string path = dir_ + "/" + name.RelativePath();
    RemoteChild child;
    RETURN_IF_ERROR(child.Start(Argv("test -f " + Q(path) + " || exit " +
                                     std::to_string(kRemoteMissing) + "; exec cat -- " + Q(path)),
                                1));
    Status st;
    {
      BufferedSource source(child.fd(), Where(path));
      st = consume(&source);
    }
    child.CloseOurEnd();
    ASSIGN_OR_RETURN(int rc, child.Wait());
    if (rc == kRemoteMissing) return Status::Io(NotFound(Where(path)));
    // A command that failed (a dropped connection) explains a short read better than the
    // reader's "truncated"; a closed stdout of ours explains the command's SIGPIPE.
    if (!st.ok() && (rc == 0 || st.downstream_closed())) return st;
    if (rc != 0)
      return Status::Io("reading " + Where(path) + " failed (remote command exit status " +
                        std::to_string(rc) + ")");
    return Status::Ok();
  }

  Status RemoveFolder(const std::string& folder) override {
    std::string path = dir_ + "/" + folder;
    std::string date = path.substr(0, path.rfind('/'));
    ASSIGN_OR_RETURN(int rc, RunStatus("test -d " + Q(path) + " || exit " +
                                       std::to_string(kRemoteMissing) + "; rm -rf -- " + Q(path) +
                                       " && { rmdir -- " + Q(date) + " 2>/dev/null; true; }"));
    if (rc == kRemoteMissing) return Status::Io("no backup stored in " + Where(path));
    if (rc != 0)
      return Status::Io("removing " + Where(path) + " failed (remote command exit status " +
                        std::to_string(rc) + ")");
    return Status::Ok();
  }

  std::string Describe(const std::string& relative) const override {
    return Where(dir_ + "/" + relative);
  }

 private:
  static std::string Q(const std::string& s) { return ShellQuote(s); }
  Status UploadFailed(const std::string& path, int rc) const {
    return Status::Io("upload to " + Where(path) + " failed (remote command exit status " +
                      std::to_string(rc) + ")");
  }
  std::string Where(const std::string& path) const {
    return EscapeForMessage(path) + " (through '" + EscapeForMessage(JoinCommand()) + "')";
  }
  std::string JoinCommand() const {
    std::string s;
    for (const auto& w : command_) s += (s.empty() ? "" : " ") + w;
    return s;
  }
  std::vector<std::string> Argv(const std::string& script) const {
    std::vector<std::string> argv = command_;
    argv.push_back(script);
    return argv;
  }
  static std::string RandomSuffix() {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    return buf;
  }
  Result<int> RunStatus(const std::string& script) {
    ChildSpec spec;
    spec.argv = Argv(script);
    spec.echo_stderr = true;
    ASSIGN_OR_RETURN(ChildResult r, RunChild(spec));
    return r.exit_status;
  }
  Status Run(const std::string& script, const std::string& what) {
    ASSIGN_OR_RETURN(int rc, RunStatus(script));
    if (rc != 0)
      return Status::Io("cannot " + what + " (remote command exit status " + std::to_string(rc) +
                        ")");
    return Status::Ok();
  }

  std::string dir_;
  std::vector<std::string> command_;
};

}  // namespace

std::unique_ptr<ObjectStore> MakeObjectStore(const PluginConfig& config) {
  if (config.remote_command.empty()) return std::make_unique<LocalStore>(config.directory);
  return std::make_unique<RemoteStore>(config.directory, config.remote_command);
}

}  // namespace segstream::plugin
