#pragma once
// ProgressLine: the one-line progress display of long scans on a terminal,
// "scanning 1234/50000 files, 45.6 MB/s", rewritten in place with '\r' at most about
// ten times a second and cleared by finish(). When the stream is not a terminal it
// prints nothing at all. update() may be called from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>

namespace ddd::bot {

class ProgressLine {
 public:
  // Enabled when `enabled` is true; forTerminal() decides that from isatty(fd).
  ProgressLine(std::FILE* out, bool enabled);
  static ProgressLine forStderr();
  ~ProgressLine();  // calls finish()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return enabled_; }
  void update(uint64_t filesDone, uint64_t filesTotal, uint64_t bytesRead);
  // Erases the line (if anything was drawn). Idempotent.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* out_;
  bool enabled_;
  Clock::time_point start_;
  std::atomic<int64_t> nextDrawNs_{0};
  std::mutex mutex_;
  size_t drawnWidth_ = 0;
};

}  // namespace ddd::bot
