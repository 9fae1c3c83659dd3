#pragma once
// A body read the way the HTTP client streams it: a std::streambuf over a string that
// hands out pieces of the given sizes in turn (the client's are 64 KiB; a piece boundary
// may fall anywhere, inside a key, a number or an escape). Sizes must be at least 1.

#include <algorithm>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

namespace ddd::testing {

class PiecesStreambuf : public std::streambuf {
 public:
  PiecesStreambuf(const std::string& s, std::vector<size_t> sizes)
      : s_(s), sizes_(std::move(sizes)) {}

 protected:
  int_type underflow() override {
    if (at_ >= s_.size()) return traits_type::eof();
    const size_t n = std::min(sizes_[turn_++ % sizes_.size()], s_.size() - at_);
    buf_.assign(s_, at_, n);
    at_ += n;
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  const std::string& s_;
  std::vector<size_t> sizes_;
  size_t at_ = 0, turn_ = 0;
  std::string buf_;
};

}  // namespace ddd::testing
