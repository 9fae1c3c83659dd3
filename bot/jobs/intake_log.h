#pragma once
// The receiver's intake log, in front of a SQLite job store.
//
// A webhook is answered 202 only once its job is on disk. Committing each group of
// deliveries to SQLite costs a B-tree insert per job and, per commit, whole 16 KiB pages
// of the table and its indexes written to the WAL and copied back by the checkpointer:
// ~20 KB of disk writes and ~58 µs of CPU per job in groups of 16. The intake log instead
// appends the group's records (about the job's own size) to a preallocated file with one
// write and one fdatasync, answers, and a background thread moves the logged jobs into the
// jobs table in large batches (tens of milliseconds later), where workers claim them.
//
// File: `<database>.intake`, preallocated (zeros, written once, so an append changes no
// file metadata and fdatasync flushes just the data). A 4 KiB header holds a magic and a
// generation; records follow, each
//   u32 body length | u32 CRC-32 of the body | body: u64 generation, i64 runAt,
//   u32 lengths of kind, repo, dedupe key, payload, then those bytes
// (little-endian), and every write ends with a zero length, the end mark. Once every
// logged job is in SQLite the log starts over: a new generation in the header (synced
// first), records from the header on; older records left behind are of another
// generation and end a read. On start (one process owns the log: flock) the records of the
// current generation are put in SQLite (INSERT OR IGNORE: replaying twice is harmless);
// a damaged record (a write cut off by a crash: its group was never answered) ends the
// replay, and the file is copied aside for inspection.
//
// Deduplication answers as the plain store does: a key is a duplicate when it is logged
// and not yet moved (in memory), already in SQLite (a look-up on a reader connection:
// keys leave the in-memory set only after their batch committed), or earlier in the same
// group. Appends are serialized, so two deliveries of one key can't both be accepted.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/jobs/job_store.h"

namespace ddd::bot {

constexpr size_t kIntakeHeaderBytes = 4096;

std::string intakeHeader(uint64_t generation);
// Appends one record of `generation` to `out`.
void appendIntakeRecord(std::string& out, uint64_t generation, const NewJob& job);

// What a log holds: the header's generation and the records of that generation, in order.
struct IntakeContents {
  bool headerValid = false;
  uint64_t generation = 0;
  std::vector<NewJob> jobs;
  size_t end = 0;        // offset after the last record read
  bool damaged = false;  // a record failed its check (a torn write, or corruption)
  std::string problem;   // what, and at which offset
};
IntakeContents readIntakeLog(std::string_view bytes);

struct IntakeOptions {
  size_t capacityBytes = 16u << 20;  // the preallocated file
  size_t restartAfterBytes = 1u << 20;  // start over once drained and this much was used
  size_t drainBatch = 1024;             // jobs per SQLite transaction, at most
  std::chrono::milliseconds drainEvery{10};  // a logged job reaches SQLite within about this
  bool sync = true;                          // fdatasync each append (false: ?synchronous=off|normal)
  std::function<void(const std::string&)> log;  // notable events, one line each
  // Fault injection for tests: called before each append; an errno value (ENOSPC, EIO)
  // makes that append fail as the disk would, 0 lets it through.
  std::function<int()> appendFault;
};

// The SQLite store at `location` (a path, with an optional "?synchronous=..." suffix as
// openJobStore takes it) behind an intake log. When another process owns the log, the
// plain store (and a line on `options.log` saying so). Throws JobStoreError naming the
// file when the log can't be created.
std::unique_ptr<JobStore> openIntakeJobStore(const std::string& location,
                                             IntakeOptions options = {});

// The jobs a receiver's intake log holds that are not in the job table yet, oldest first:
// for `ddd jobs list` in another process (a running receiver moves them within
// milliseconds; after a crash they wait for its next start). Empty for PostgreSQL URLs and
// when there is no log; the log is only read (a record being written is left out).
std::vector<NewJob> loggedJobsNotInTable(const std::string& stateUrl);

// For the receiver: openIntakeJobStore for a SQLite URL, openJobStore for PostgreSQL
// (whose commits are not per-page WAL copies, and where several receivers share the queue).
std::unique_ptr<JobStore> openReceiverJobStore(const std::string& url,
                                               std::function<void(const std::string&)> log);

}  // namespace ddd::bot
