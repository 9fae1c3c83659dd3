#pragma once
// Keeps a claimed job's lease alive while a worker runs it: a thread that renews the
// lease every third of its length on its own store connection (a JobStore is one per
// thread), so a long analysis is not taken over by another worker while its owner is
// alive, and a worker killed mid-job still leaves a lease that expires within
// leaseSeconds. When a renewal finds the lease gone (the job was taken over after a stall
// longer than the lease), it says so once and stops; the owner's complete() then reports
// false and the effects, being idempotent, do no harm.

#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "bot/jobs/job_store.h"

namespace ddd::bot {

class LeaseKeeper {
 public:
  struct Options {
    int64_t leaseSeconds = 300;
    std::function<std::time_t()> now = [] { return std::time(nullptr); };
    std::function<void(const std::string&)> log;
  };
  // Starts renewing job `id` of `owner` on `store`, which only the keeper's thread uses
  // until the keeper is destroyed (a worker keeps one such connection for all its jobs).
  LeaseKeeper(JobStore& store, int64_t id, std::string owner, Options options);
  // Stops the thread (waking it at once) and joins it.
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // Renewals made so far, and whether the lease was found lost.
  int renewals() const;
  bool lost() const;

 private:
  void run();
  JobStore& store_;
  int64_t id_;
  std::string owner_;
  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int renewals_ = 0;
  bool lost_ = false;
  std::thread thread_;
};

}  // namespace ddd::bot
