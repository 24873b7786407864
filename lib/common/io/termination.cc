#include "lib/common/io/termination.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <mutex>
#include <new>
#include <set>
#include <thread>

namespace segstream {
namespace {

struct TerminationState {
  std::mutex mu;  // guards the sets and the report
  std::set<std::string> paths;
  std::set<pid_t> children;
  std::function<void()> report;
  // Held by CommitScope (shared use is not needed: commits are short and rare).
  std::recursive_mutex commit;
  std::string tool;
};

TerminationState& State() {
  static TerminationState* state = new TerminationState;  // never destroyed: used at exit
  return *state;
}

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

// Steps 1 to 3 of the header's list, then `message` and the exit.
[[noreturn]] void EndProcess(const std::string& message, int exit_code) {
  TerminationState& s = State();
  s.commit.lock();  // never released: no commit starts from here on
  std::lock_guard<std::mutex> lock(s.mu);
  for (pid_t pid : s.children) ::kill(pid, SIGTERM);
  if (::isatty(2)) std::fputs("\r\033[K", stderr);  // past a progress line
  if (s.report) s.report();
  for (const auto& path : s.paths) ::unlink(path.c_str());
  std::fprintf(stderr, "%s: %s\n", s.tool.c_str(), message.c_str());
  std::fflush(stderr);
  ::_exit(exit_code);
}

[[noreturn]] void Terminate(int sig) {
  EndProcess(std::string("interrupted by SIG") + sigabbrev_np(sig), 128 + sig);
}

// An exception nothing caught (memory exhausted, a thread that could not start) ends the
// tool like an error, not with abort() and a core dump: one line, exit status 1, and the
// same clean-up as a signal.
[[noreturn]] void OnUncaughtException() {
  std::string what = "unknown exception";
  try {
    if (auto e = std::current_exception()) std::rethrow_exception(e);
  } catch (const std::bad_alloc&) {
    what = "out of memory";
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {}
  EndProcess("error: internal error: " + what, 1);
}

}  // namespace

void InstallTerminationHandling(const char* tool) {
  State().tool = tool;
  std::set_terminate(OnUncaughtException);
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set] {
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {}
    Terminate(sig);
  }).detach();
}

TerminationReport::TerminationReport(std::function<void()> report) {
  std::lock_guard<std::mutex> lock(State().mu);
  State().report = std::move(report);
}

TerminationReport::~TerminationReport() {
  std::lock_guard<std::mutex> lock(State().mu);
  State().report = nullptr;
}

void RegisterCleanupPath(const std::string& path) {
  std::lock_guard<std::mutex> lock(State().mu);
  State().paths.insert(path);
}

void UnregisterCleanupPath(const std::string& path) {
  std::lock_guard<std::mutex> lock(State().mu);
  State().paths.erase(path);
}

void RegisterChild(pid_t pid) {
  std::lock_guard<std::mutex> lock(State().mu);
  State().children.insert(pid);
}

void UnregisterChild(pid_t pid) {
  std::lock_guard<std::mutex> lock(State().mu);
  State().children.erase(pid);
}

CommitScope::CommitScope() { State().commit.lock(); }
CommitScope::~CommitScope() { State().commit.unlock(); }

}  // namespace segstream
