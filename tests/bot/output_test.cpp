// Small output pieces: the atomic file writer and the terminal progress line.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cstdio>

#include "bot/atomic_file.h"
#include "bot/progress.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

namespace fs = std::filesystem;
using ddd::testing::TempDir;

size_t entriesIn(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFile, ReplacesTheTargetAndLeavesNoTemporaryFile) {
  TempDir dir;
  auto target = dir.path() / "report.json";
  writeFileAtomically(target, "old\n");
  writeFileAtomically(target, "new\n");
  EXPECT_EQ(ddd::testing::readFile(target), "new\n");
  EXPECT_EQ(entriesIn(dir.path()), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_NE(st.st_mode & 0044, 0u) << "the report should be readable like any new file";
}

TEST(AtomicFile, FailureNamesTheFileAndLeavesNothing) {
  TempDir dir;
  auto target = dir.path() / "missing" / "report.json";
  try {
    writeFileAtomically(target, "x");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(entriesIn(dir.path()), 0u);
}

std::string contentOf(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(ProgressLine, DrawsAtMostTenTimesASecondAndClearsAtTheEnd) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressLine line(f, true);
    for (uint64_t i = 1; i <= 1000; ++i) line.update(i, 1000, i * 1000);
    line.finish();
  }
  auto out = contentOf(f);
  std::fclose(f);
  EXPECT_EQ(out.rfind("\rscanning 1/1000 files, ", 0), 0u) << out;
  EXPECT_NE(out.find(" MB/s"), std::string::npos);
  // A tight loop of 1000 updates takes far less than 100 ms: one draw, then the clear.
  EXPECT_EQ(out.find("scanning 2/1000"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\r');
  EXPECT_EQ(out.find('\n'), std::string::npos);
}

TEST(ProgressLine, PrintsNothingWhenDisabled) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressLine line(f, false);
    line.update(1, 2, 3);
    line.finish();
  }
  EXPECT_EQ(contentOf(f), "");
  std::fclose(f);
}

}  // namespace
}  // namespace ddd::bot

namespace ddd::bot {
namespace {

// `--output /dev/null` (or a FIFO) must be written in place: renaming over it would turn
// the device into a plain file (as root, for the whole machine).
TEST(AtomicFile, WritesSpecialFilesInPlaceInsteadOfReplacingThem) {
  ddd::testing::TempDir dir;
  const auto fifo = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  writeFileAtomically(fifo, "through the pipe\n");
  char buf[64] = {};
  const ssize_t n = ::read(reader, buf, sizeof buf);
  ::close(reader);
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "through the pipe\n");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));  // still a FIFO, not a regular file
  // Secrets are never written into something that is not a regular file.
  EXPECT_THROW(writeSecretFileAtomically(fifo, "key"), std::runtime_error);
  if (std::filesystem::is_character_file("/dev/null")) {
    writeFileAtomically("/dev/null", "nothing\n");
    EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
  }
}

}  // namespace
}  // namespace ddd::bot
