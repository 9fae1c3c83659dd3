#include "bot/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ddd::bot {
namespace {

// Owns the temporary file until it is renamed: the destructor closes and removes it.
class TempFile {
 public:
  explicit TempFile(const std::filesystem::path& target) {
    path_ = target.string() + ".tmp.XXXXXX";
    fd_ = ::mkstemp(path_.data());
    if (fd_ < 0) {
      throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno) +
                               " (check that the directory exists and is writable)");
    }
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!renamed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(std::string_view content, const std::filesystem::path& target, bool secret = false) {
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail(target);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    // mkstemp creates 0600: secrets keep it; other files get the usual mode.
    if (!secret) {
      mode_t mask = ::umask(0);
      ::umask(mask);
      ::fchmod(fd_, 0666 & ~mask);
    }
    if (::fsync(fd_) != 0) fail(target);
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail(target);
  }

  void renameTo(const std::filesystem::path& target) {
    if (::rename(path_.c_str(), target.c_str()) != 0) fail(target);
    renamed_ = true;
  }

 private:
  [[noreturn]] void fail(const std::filesystem::path& target) {
    throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
  }
  std::string path_;
  int fd_ = -1;
  bool renamed_ = false;
};

// A target that exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is
// written in place: renaming over it would replace the device with a plain file (as root,
// `--output /dev/null` would break /dev/null for the whole machine). True when done.
bool writeToSpecialFile(const std::filesystem::path& target, std::string_view content) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return false;
  const int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
  }
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(err));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  ::close(fd);
  return true;
}

}  // namespace

void writeFileAtomically(const std::filesystem::path& target, std::string_view content) {
  if (writeToSpecialFile(target, content)) return;
  TempFile tmp(target);
  tmp.write(content, target);
  tmp.renameTo(target);
}

void writeSecretFileAtomically(const std::filesystem::path& target, std::string_view content) {
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    throw std::runtime_error("cannot write the secret " + target.string() +
                             ": it exists and is not a regular file; give a file path");
  }
  TempFile tmp(target);
  tmp.write(content, target, /*secret=*/true);
  tmp.renameTo(target);
}

}  // namespace ddd::bot
