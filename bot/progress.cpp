#include "bot/progress.h"

#include <unistd.h>

#include <string>

namespace ddd::bot {
namespace {
constexpr int64_t kRedrawIntervalNs = 100'000'000;  // ten times a second at most
}

ProgressLine::ProgressLine(std::FILE* out, bool enabled)
    : out_(out), enabled_(enabled), start_(Clock::now()) {}

ProgressLine ProgressLine::forStderr() {
  return ProgressLine(stderr, ::isatty(STDERR_FILENO) == 1);
}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(uint64_t filesDone, uint64_t filesTotal, uint64_t bytesRead) {
  if (!enabled_) return;
  int64_t elapsedNs =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  int64_t next = nextDrawNs_.load(std::memory_order_relaxed);
  if (elapsedNs < next) return;
  // Only one caller draws per interval; the others return at once.
  if (!nextDrawNs_.compare_exchange_strong(next, elapsedNs + kRedrawIntervalNs)) return;
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock) return;
  double seconds = elapsedNs / 1e9;
  double mbPerSecond = seconds > 0 ? bytesRead / 1e6 / seconds : 0.0;
  char line[128];
  int n = std::snprintf(line, sizeof line, "scanning %llu/%llu files, %.1f MB/s",
                        static_cast<unsigned long long>(filesDone),
                        static_cast<unsigned long long>(filesTotal), mbPerSecond);
  if (n < 0) return;
  size_t width = static_cast<size_t>(n);
  std::string pad(drawnWidth_ > width ? drawnWidth_ - width : 0, ' ');
  std::fprintf(out_, "\r%s%s", line, pad.c_str());
  std::fflush(out_);
  drawnWidth_ = width;
}

void ProgressLine::finish() {
  std::lock_guard lock(mutex_);
  if (!enabled_ || drawnWidth_ == 0) return;
  std::fprintf(out_, "\r%s\r", std::string(drawnWidth_, ' ').c_str());
  std::fflush(out_);
  drawnWidth_ = 0;
}

}  // namespace ddd::bot
