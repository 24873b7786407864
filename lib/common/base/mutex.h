// Mutex and MutexLock: std::mutex and std::unique_lock with clang's thread-safety
// attributes, so that `make lint` (clang with -Wthread-safety) proves every member marked
// GUARDED_BY(mu_) is touched only with mu_ held, and every *Locked() helper marked
// REQUIRES(mu_) is called only so. libstdc++'s own types carry no attributes, which is why
// these thin wrappers exist. GCC, which builds the binaries, ignores the attributes.
//
// Waiting: MutexLock::Wait(cv) releases and retakes the lock as std::condition_variable
// does. Write waits as loops in the function that holds the lock,
//   while (!ready_) lock.Wait(cv_);
// not as predicate lambdas: the analysis checks a lambda's body on its own, without the
// lock its caller holds.
#pragma once

#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define SEGSTREAM_THREAD_ATTRIBUTE(x) __attribute__((x))
#else
#define SEGSTREAM_THREAD_ATTRIBUTE(x)
#endif

#define CAPABILITY(x) SEGSTREAM_THREAD_ATTRIBUTE(capability(x))
#define SCOPED_CAPABILITY SEGSTREAM_THREAD_ATTRIBUTE(scoped_lockable)
#define GUARDED_BY(x) SEGSTREAM_THREAD_ATTRIBUTE(guarded_by(x))
#define PT_GUARDED_BY(x) SEGSTREAM_THREAD_ATTRIBUTE(pt_guarded_by(x))
#define REQUIRES(...) SEGSTREAM_THREAD_ATTRIBUTE(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) SEGSTREAM_THREAD_ATTRIBUTE(acquire_capability(__VA_ARGS__))
#define RELEASE(...) SEGSTREAM_THREAD_ATTRIBUTE(release_capability(__VA_ARGS__))
#define EXCLUDES(...) SEGSTREAM_THREAD_ATTRIBUTE(locks_excluded(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS SEGSTREAM_THREAD_ATTRIBUTE(no_thread_safety_analysis)

namespace segstream {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }

 private:
  friend class MutexLock;
  std::mutex mu_;
};

// Holds a Mutex for its scope; Unlock()/Lock() release and retake it inside the scope (to
// run work without the lock), and Wait() waits on a condition variable.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : lock_(mu.mu_) {}
  ~MutexLock() RELEASE() {}
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() RELEASE() { lock_.unlock(); }
  void Lock() ACQUIRE() { lock_.lock(); }
  void Wait(std::condition_variable& cv) { cv.wait(lock_); }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace segstream
