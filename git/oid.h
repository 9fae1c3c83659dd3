#pragma once
// A git object id (SHA-1) as a small value type. Comparable and hashable.

#include <git2/oid.h>

#include <cstring>
#include <functional>
#include <string>

namespace ddd::git {

class Oid {
 public:
  Oid() { std::memset(&raw_, 0, sizeof raw_); }
  explicit Oid(const git_oid& raw) : raw_(raw) {}
  // Throws GitError when `hex` is not 40 hex digits.
  static Oid fromHex(const std::string& hex);

  const git_oid* raw() const { return &raw_; }
  std::string hex() const;
  std::string shortHex(size_t n = 7) const { return hex().substr(0, n); }
  bool isZero() const;

  friend bool operator==(const Oid& a, const Oid& b) { return git_oid_cmp(&a.raw_, &b.raw_) == 0; }
  friend bool operator<(const Oid& a, const Oid& b) { return git_oid_cmp(&a.raw_, &b.raw_) < 0; }

 private:
  git_oid raw_;
};

}  // namespace ddd::git

template <>
struct std::hash<ddd::git::Oid> {
  size_t operator()(const ddd::git::Oid& o) const noexcept {
    size_t h;
    std::memcpy(&h, o.raw()->id, sizeof h);
    return h;
  }
};
