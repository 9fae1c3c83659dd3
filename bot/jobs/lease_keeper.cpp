#include "bot/jobs/lease_keeper.h"

#include <algorithm>
#include <chrono>

namespace ddd::bot {

LeaseKeeper::LeaseKeeper(JobStore& store, int64_t id, std::string owner,
                         Options options)
    : store_(store), id_(id), owner_(std::move(owner)), options_(std::move(options)) {
  thread_ = std::thread([this] { run(); });
}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int LeaseKeeper::renewals() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return renewals_;
}

bool LeaseKeeper::lost() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lost_;
}

void LeaseKeeper::run() {
  // A third of the lease: two renewals may fail (a database hiccup) before it lapses.
  const auto interval = std::chrono::milliseconds(std::max<int64_t>(options_.leaseSeconds * 1000 / 3, 100));
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_for(lock, interval, [this] { return stopping_; })) break;
    lock.unlock();
    bool kept = true;
    std::string error;
    try {
      kept = store_.renew(id_, owner_, options_.leaseSeconds,
                           static_cast<int64_t>(options_.now()));
    } catch (const std::exception& e) {
      error = e.what();  // try again at the next interval
    }
    lock.lock();
    if (!error.empty()) {
      if (options_.log) {
        options_.log("job " + std::to_string(id_) + ": renewing its lease failed (" + error +
                     "); trying again");
      }
      continue;
    }
    if (!kept) {
      lost_ = true;
      if (options_.log) {
        options_.log("job " + std::to_string(id_) + ": its lease was lost (another worker "
                     "took the job over); its effects are idempotent");
      }
      break;
    }
    ++renewals_;
  }
}

}  // namespace ddd::bot
