#include "bot/jobs/intake_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "forges/sqlite_db.h"

namespace ddd::bot {
namespace {

constexpr char kMagic[8] = {'D', 'D', 'D', 'I', 'N', 'T', 'K', '1'};
constexpr size_t kRecordHead = 8;        // length, CRC
constexpr size_t kBodyFixed = 8 + 8 + 16;  // generation, runAt, four lengths

uint32_t crc(const char* p, size_t n) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
}

void put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void put64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint32_t get32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}
uint64_t get64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}

std::string errnoText() { return std::strerror(errno); }

// Writes all of `bytes` at `offset` (pwrite may write less than asked).
bool writeAt(int fd, std::string_view bytes, off_t offset) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return true;
}

}  // namespace

std::string intakeHeader(uint64_t generation) {
  std::string h(kMagic, sizeof kMagic);
  put64(h, generation);
  put32(h, crc(h.data(), h.size()));
  h.resize(kIntakeHeaderBytes, '\0');
  return h;
}

void appendIntakeRecord(std::string& out, uint64_t generation, const NewJob& job) {
  const size_t bodyLength = kBodyFixed + job.kind.size() + job.repo.size() +
                            job.dedupeKey.size() + job.payload.size();
  const size_t start = out.size();
  put32(out, static_cast<uint32_t>(bodyLength));
  put32(out, 0);  // the CRC, once the body is there
  put64(out, generation);
  put64(out, static_cast<uint64_t>(job.runAt));
  for (const std::string* s : {&job.kind, &job.repo, &job.dedupeKey, &job.payload})
    put32(out, static_cast<uint32_t>(s->size()));
  for (const std::string* s : {&job.kind, &job.repo, &job.dedupeKey, &job.payload}) out += *s;
  const uint32_t c = crc(out.data() + start + kRecordHead, bodyLength);
  for (int i = 0; i < 4; ++i) out[start + 4 + i] = static_cast<char>(c >> (8 * i));
}

IntakeContents readIntakeLog(std::string_view bytes) {
  IntakeContents c;
  if (bytes.size() < 20 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0 ||
      get32(bytes.data() + 16) != crc(bytes.data(), 16)) {
    c.problem = bytes.empty() ? "" : "the header is not an intake log header";
    return c;
  }
  c.headerValid = true;
  c.generation = get64(bytes.data() + 8);
  size_t pos = kIntakeHeaderBytes;
  c.end = std::min(pos, bytes.size());  // a header alone (cut short) holds no record
  const auto damaged = [&](const std::string& what) {
    c.damaged = true;
    c.problem = "record at offset " + std::to_string(pos) + ": " + what;
  };
  while (pos + 4 <= bytes.size()) {
    const uint32_t length = get32(bytes.data() + pos);
    if (length == 0) break;  // the end mark
    if (length < kBodyFixed || pos + kRecordHead + length > bytes.size() ||
        length > bytes.size()) {
      damaged("its length (" + std::to_string(length) + ") runs past the end of the log");
      break;
    }
    const char* body = bytes.data() + pos + kRecordHead;
    if (get32(bytes.data() + pos + 4) != crc(body, length)) {
      damaged("its checksum does not match");
      break;
    }
    // A checked record of another generation was left by an earlier round: the end.
    if (get64(body) != c.generation) break;
    uint64_t lengths[4];
    uint64_t total = kBodyFixed;
    for (int i = 0; i < 4; ++i) total += lengths[i] = get32(body + 16 + 4 * i);
    if (total != length) {
      damaged("its field lengths do not add up to its length");
      break;
    }
    NewJob job;
    job.runAt = static_cast<int64_t>(get64(body + 8));
    const char* p = body + kBodyFixed;
    std::string* fields[4] = {&job.kind, &job.repo, &job.dedupeKey, &job.payload};
    for (int i = 0; i < 4; ++i) {
      fields[i]->assign(p, lengths[i]);
      p += lengths[i];
    }
    c.jobs.push_back(std::move(job));
    pos += kRecordHead + length;
    c.end = pos;
  }
  return c;
}

namespace {

// The dedupe look-up, on a connection that reads the table's pages through a memory map
// (no read() per page after the drain's commits invalidate its cache).
forges::Statement prepareLookup(forges::SqliteDb& db) {
  db.exec("PRAGMA mmap_size=268435456; PRAGMA query_only=1");
  return db.prepare("SELECT 1 FROM jobs WHERE dedupe_key = ?1");
}

class IntakeJobStore : public JobStore {
 public:
  IntakeJobStore(std::unique_ptr<JobStore> front, std::unique_ptr<JobStore> drainStore,
                 const std::filesystem::path& database, int fd, std::filesystem::path file,
                 IntakeOptions options)
      : front_(std::move(front)),
        drainStore_(std::move(drainStore)),
        lookupDb_(database),
        lookup_(prepareLookup(lookupDb_)),
        fd_(fd),
        file_(std::move(file)),
        options_(std::move(options)) {}

  ~IntakeJobStore() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    if (drainer_.joinable()) drainer_.join();
    ::close(fd_);  // releases the flock
  }

  // Replays what a previous process left, sizes the file, starts generation + 1 and the
  // drain. Throws JobStoreError naming the file.
  void start() {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail("cannot read its size: " + errnoText());
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    for (size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::pread(fd_, bytes.data() + done, bytes.size() - done, done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("cannot read it: " + errnoText());
      done += static_cast<size_t>(n);
    }
    const IntakeContents c = readIntakeLog(bytes);
    if (!c.jobs.empty()) {
      size_t stored = 0;
      for (size_t i = 0; i < c.jobs.size(); i += options_.drainBatch) {
        const std::vector<NewJob> part(
            c.jobs.begin() + i, c.jobs.begin() + std::min(c.jobs.size(), i + options_.drainBatch));
        for (bool b : drainStore_->enqueueMany(part)) stored += b;
      }
      say("intake log " + file_.string() + ": " + std::to_string(c.jobs.size()) +
          " logged job(s) moved to the job table on start (" + std::to_string(stored) +
          " new, the rest were there already)");
    }
    if (c.damaged || (!c.headerValid && !c.problem.empty())) {
      const std::string aside =
          file_.string() + ".damaged-" + std::to_string(static_cast<long long>(std::time(nullptr)));
      std::error_code ec;
      std::filesystem::copy_file(file_, aside, std::filesystem::copy_options::overwrite_existing,
                                 ec);
      say("intake log " + file_.string() + ": " + c.problem +
          (c.damaged ? " (a write cut off by a crash leaves this; its deliveries were never "
                       "answered, and the forge delivers them again)"
                     : "") +
          "; the replay stopped there and the file was copied to " +
          (ec ? "nowhere (" + ec.message() + ")" : aside) + " for inspection");
    }
    // Preallocate: zeros written once, so appends never change the file's size.
    if (static_cast<size_t>(st.st_size) < options_.capacityBytes) {
      const std::string zeros(1u << 20, '\0');
      for (size_t at = static_cast<size_t>(st.st_size); at < options_.capacityBytes;) {
        const size_t n = std::min(zeros.size(), options_.capacityBytes - at);
        if (!writeAt(fd_, std::string_view(zeros).substr(0, n), static_cast<off_t>(at)))
          fail("cannot preallocate it: " + errnoText());
        at += n;
      }
      if (::fsync(fd_) != 0) fail("cannot sync it: " + errnoText());
      syncDirectory();
    }
    capacity_ = std::max(options_.capacityBytes, static_cast<size_t>(st.st_size));
    generation_ = c.headerValid ? c.generation : 0;
    restart();
    drainer_ = std::thread([this] { drainLoop(); });
  }

  std::vector<bool> enqueueMany(const std::vector<NewJob>& jobs) override {
    std::lock_guard<std::mutex> append(appendMutex_);
    std::vector<bool> stored(jobs.size(), false);
    std::vector<size_t> fresh;
    if (broken_) {
      // Straight to SQLite; what is still logged (not yet moved) remains a duplicate.
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (size_t i = 0; i < jobs.size(); ++i) {
          if (!pendingKeys_.count(jobs[i].dedupeKey)) fresh.push_back(i);
        }
      }
      return storeDirectly(jobs, fresh, std::move(stored));
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      std::unordered_set<std::string_view> group;
      for (size_t i = 0; i < jobs.size(); ++i) {
        const std::string& key = jobs[i].dedupeKey;
        if (pendingKeys_.count(key) || !group.insert(key).second) continue;
        fresh.push_back(i);
      }
    }
    // Not logged now: in SQLite already? (A key leaves pendingKeys_ only once committed.)
    // One read transaction for the group: one lock round, one snapshot.
    size_t kept = 0;
    if (!fresh.empty()) {
      lookupDb_.exec("BEGIN");
      try {
        for (size_t i : fresh) {
          lookup_.reset();
          lookup_.bind(1, jobs[i].dedupeKey);
          if (!lookup_.step()) fresh[kept++] = i;
        }
      } catch (...) {
        lookup_.reset();
        lookupDb_.exec("ROLLBACK");
        throw;
      }
      lookup_.reset();
      lookupDb_.exec("COMMIT");
    }
    fresh.resize(kept);
    if (fresh.empty()) return stored;
    size_t needed = 4;  // the records and the end mark
    for (size_t i : fresh) {
      const NewJob& j = jobs[i];
      needed += kRecordHead + kBodyFixed + j.kind.size() + j.repo.size() + j.dedupeKey.size() +
                j.payload.size();
    }
    // Start over when everything logged is in SQLite and a good part of the log is used;
    // when it is full, wait (a bounded time) for the drain first.
    const auto fits = [&] { return tail_ + needed <= capacity_; };
    if (tail_ > kIntakeHeaderBytes + options_.restartAfterBytes || !fits()) {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!fits()) {
        cv_.notify_all();
        drained_.wait_for(lock, std::chrono::seconds(5),
                          [&] { return (queue_.empty() && draining_ == 0) || stop_; });
      }
      if (queue_.empty() && draining_ == 0) {
        lock.unlock();
        try {
          restart();
        } catch (const JobStoreError& e) {
          broken_ = true;
          say(std::string(e.what()) + "; this receiver stores deliveries in SQLite directly from now on");
          throw;
        }
      }
    }
    if (!fits()) {
      // A group larger than the whole log, or a drain that can't keep up: straight to SQLite.
      return storeDirectly(jobs, fresh, std::move(stored));
    }
    buffer_.clear();
    for (size_t i : fresh) appendIntakeRecord(buffer_, generation_, jobs[i]);
    put32(buffer_, 0);  // the end mark, overwritten by the next append
    const int fault = options_.appendFault ? options_.appendFault() : 0;
    if (fault != 0) errno = fault;
    if (fault != 0 || !writeAt(fd_, buffer_, static_cast<off_t>(tail_)) ||
        (options_.sync && ::fdatasync(fd_) != 0)) {
      const std::string why = errnoText();
      // After a failed fsync the file's state is unknown: not used again by this process.
      broken_ = true;
      say("intake log " + file_.string() + ": writing failed (" + why +
          "); this receiver stores deliveries in SQLite directly from now on");
      throw JobStoreError("intake log " + file_.string() + ": cannot write (" + why +
                          "): the deliveries are not stored");
    }
    tail_ += buffer_.size() - 4;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (size_t i : fresh) {
        queue_.push_back(jobs[i]);
        pendingKeys_.insert(queue_.back().dedupeKey);
        stored[i] = true;
      }
    }
    cv_.notify_all();
    return stored;
  }

  bool enqueue(const std::string& kind, const std::string& repo, const std::string& payload,
               const std::string& dedupeKey, int64_t runAt) override {
    return enqueueMany({NewJob{kind, repo, payload, dedupeKey, runAt}})[0];
  }
  int64_t pruneDone(int64_t createdBefore) override { return front_->pruneDone(createdBefore); }
  int64_t depth() override {
    int64_t logged = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      logged = static_cast<int64_t>(queue_.size() + draining_);
    }
    return front_->depth() + logged;
  }

  // The rest is the job table's.
  std::optional<Job> claim(const std::string& owner, int64_t leaseSeconds, int64_t now) override {
    return front_->claim(owner, leaseSeconds, now);
  }
  bool renew(int64_t id, const std::string& owner, int64_t leaseSeconds, int64_t now) override {
    return front_->renew(id, owner, leaseSeconds, now);
  }
  bool complete(int64_t id, const std::string& owner) override {
    return front_->complete(id, owner);
  }
  bool moveToRepository(int64_t id, const std::string& owner, const std::string& repo,
                        int64_t now) override {
    return front_->moveToRepository(id, owner, repo, now);
  }
  bool fail(int64_t id, const std::string& owner, const std::string& error, int64_t now) override {
    return front_->fail(id, owner, error, now);
  }
  std::vector<Job> list(bool failedOnly, size_t limit) override {
    return front_->list(failedOnly, limit);
  }
  bool retry(int64_t id, int64_t now) override { return front_->retry(id, now); }
  void upsertRepository(const RepositoryRecord& r) override { front_->upsertRepository(r); }
  bool deactivateRepository(const std::string& repo, int64_t now) override {
    return front_->deactivateRepository(repo, now);
  }
  std::vector<RepositoryRecord> repositories(bool activeOnly) override {
    return front_->repositories(activeOnly);
  }
  void setIgnore(const std::string& repo, const std::string& dependency, const std::string& rule,
                 int64_t now) override {
    front_->setIgnore(repo, dependency, rule, now);
  }
  bool removeIgnore(const std::string& repo, const std::string& dependency) override {
    return front_->removeIgnore(repo, dependency);
  }
  std::vector<std::pair<std::string, std::string>> ignores(const std::string& repo) override {
    return front_->ignores(repo);
  }
  bool reachable() override { return front_->reachable(); }
  std::optional<RegistryCacheRow> loadRegistryResponse(const std::string& key) override {
    return front_->loadRegistryResponse(key);
  }
  void saveRegistryResponse(const RegistryCacheRow& row) override {
    front_->saveRegistryResponse(row);
  }
  void touchRegistryResponse(const std::string& key, int64_t now) override {
    front_->touchRegistryResponse(key, now);
  }
  void dropRegistryResponse(const std::string& key) override { front_->dropRegistryResponse(key); }
  void pruneRegistryResponses(int64_t maxRows, int64_t maxBytes, int64_t unusedBefore) override {
    front_->pruneRegistryResponses(maxRows, maxBytes, unusedBefore);
  }
  int64_t registryResponseCount() override { return front_->registryResponseCount(); }

 private:
  // jobs[i] for i in `fresh` inserted into the table now (INSERT OR IGNORE decides).
  std::vector<bool> storeDirectly(const std::vector<NewJob>& jobs, const std::vector<size_t>& fresh,
                                  std::vector<bool> stored) {
    std::vector<NewJob> direct;
    direct.reserve(fresh.size());
    for (size_t i : fresh) direct.push_back(jobs[i]);
    const auto flags = front_->enqueueMany(direct);
    for (size_t k = 0; k < fresh.size(); ++k) stored[fresh[k]] = flags[k];
    return stored;
  }

  [[noreturn]] void fail(const std::string& what) {
    throw JobStoreError("intake log " + file_.string() + ": " + what);
  }
  void say(const std::string& line) {
    if (options_.log) options_.log(line);
  }
  void syncDirectory() {
    const int dir = ::open(file_.parent_path().empty() ? "." : file_.parent_path().c_str(),
                           O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }

  // The next generation in the header, synced before anything of it is appended, and the
  // end mark right after it. Called with appendMutex_ held (or before the drain starts),
  // when every logged job is in SQLite.
  void restart() {
    std::string head = intakeHeader(generation_ + 1);
    put32(head, 0);
    if (!writeAt(fd_, head, 0) || (options_.sync && ::fdatasync(fd_) != 0))
      fail("cannot write its header: " + errnoText());
    ++generation_;
    tail_ = kIntakeHeaderBytes;
  }

  void drainLoop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty() && stop_) return;
      if (!stop_ && queue_.size() < options_.drainBatch) {
        cv_.wait_for(lock, options_.drainEvery,
                     [&] { return stop_ || queue_.size() >= options_.drainBatch; });
      }
      const size_t n = std::min(queue_.size(), options_.drainBatch);
      std::vector<NewJob> batch;
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      draining_ = n;
      lock.unlock();
      bool ok = true;
      try {
        drainStore_->enqueueMany(batch);
      } catch (const std::exception& e) {
        ok = false;
        say("intake log " + file_.string() + ": moving " + std::to_string(n) +
            " job(s) to the job table failed (" + e.what() + "); trying again in a second");
      }
      lock.lock();
      draining_ = 0;
      if (!ok) {
        // Back to the front, in order; they stay in the log meanwhile.
        for (size_t i = batch.size(); i-- > 0;) queue_.push_front(std::move(batch[i]));
        cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; });
        if (stop_) return;  // still in the log: the next start moves them
        continue;
      }
      for (const auto& j : batch) pendingKeys_.erase(j.dedupeKey);
      drained_.notify_all();
    }
  }

  std::unique_ptr<JobStore> front_;       // the job table, for everything but appends
  std::unique_ptr<JobStore> drainStore_;  // the drain's own connection
  forges::SqliteDb lookupDb_;             // dedupe look-ups (appendMutex_)
  forges::Statement lookup_;
  const int fd_;
  const std::filesystem::path file_;
  const IntakeOptions options_;

  std::mutex appendMutex_;  // one append (or restart) at a time
  size_t capacity_ = 0;
  size_t tail_ = 0;
  uint64_t generation_ = 0;  // the header's: records are of this generation
  bool broken_ = false;
  std::string buffer_;

  std::mutex mutex_;  // queue_, pendingKeys_, draining_, stop_
  std::condition_variable cv_;       // the drain waits for jobs
  std::condition_variable drained_;  // a full log waits for the drain
  std::deque<NewJob> queue_;         // logged, not yet moved
  std::unordered_set<std::string> pendingKeys_;
  size_t draining_ = 0;
  bool stop_ = false;
  std::thread drainer_;
};

}  // namespace

std::unique_ptr<JobStore> openIntakeJobStore(const std::string& location, IntakeOptions options) {
  const auto q = location.rfind("?synchronous=");
  const std::filesystem::path database(sqliteDatabasePath(location));
  if (q != std::string::npos) {
    std::string mode = location.substr(q + 13);
    for (auto& ch : mode) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (mode != "full") options.sync = false;
  }
  // The plain store first: it checks the URL, creates the directory and the schema.
  auto front = openJobStore("sqlite://" + location);
  const std::filesystem::path file = database.string() + ".intake";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw JobStoreError("intake log " + file.string() + ": cannot open it: " + errnoText());
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string why = errno == EWOULDBLOCK ? "another ddd process owns it" : errnoText();
    ::close(fd);
    if (options.log)
      options.log("intake log " + file.string() + ": not used (" + why +
                  "); this receiver stores deliveries in SQLite directly");
    return front;
  }
  std::unique_ptr<IntakeJobStore> store;
  try {
    store = std::make_unique<IntakeJobStore>(std::move(front), openJobStore("sqlite://" + location),
                                             database, fd, file, std::move(options));
  } catch (const forges::SqliteError& e) {
    ::close(fd);
    throw JobStoreError("intake log " + file.string() + ": " + e.what());
  } catch (...) {
    ::close(fd);
    throw;
  }
  store->start();
  return store;
}

std::vector<NewJob> loggedJobsNotInTable(const std::string& stateUrl) {
  const auto location = sqliteLocation(stateUrl);
  if (!location) return {};
  const std::string database = sqliteDatabasePath(*location);
  std::ifstream in(database + ".intake", std::ios::binary);
  if (!in) return {};
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  IntakeContents c = readIntakeLog(bytes);
  if (c.jobs.empty()) return {};
  forges::SqliteDb db(database);
  auto lookup = prepareLookup(db);
  std::vector<NewJob> waiting;
  for (auto& j : c.jobs) {
    lookup.reset();
    lookup.bind(1, j.dedupeKey);
    if (!lookup.step()) waiting.push_back(std::move(j));
  }
  lookup.reset();
  return waiting;
}

std::unique_ptr<JobStore> openReceiverJobStore(const std::string& url,
                                               std::function<void(const std::string&)> log) {
  const auto location = sqliteLocation(url);
  if (!location) return openJobStore(url);
  IntakeOptions options;
  options.log = std::move(log);
  return openIntakeJobStore(*location, options);
}

}  // namespace ddd::bot
