// libFuzzer target for the npm packument readers (datasources/npm.cpp): any input is a
// ReleaseInfo or a RegistryError, never a crash or hang; the event reader (no lock
// entries: the document is never built) and the filtered document (lock entries) find
// the same versions, dates, deprecations, digests, engines.node, tags and repository;
// the same text read as a stream in 3-byte pieces gives the same answer as read whole.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <streambuf>
#include <string>

#include "analyzers/dependencies/datasources/datasource.h"

namespace {

class Pieces : public std::streambuf {
 public:
  explicit Pieces(const std::string& s) : s_(s) {}

 protected:
  int_type underflow() override {
    if (at_ >= s_.size()) return traits_type::eof();
    const size_t n = s_.size() - at_ < 3 ? s_.size() - at_ : 3;
    buf_.assign(s_, at_, n);
    at_ += n;
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  const std::string& s_;
  size_t at_ = 0;
  std::string buf_;
};

using ddd::analyzers::deps::ReleaseInfo;

// "" when the text is refused, else a canonical rendering of what was read.
std::string render(const ReleaseInfo& info) {
  std::string out = info.sourceUrl + "\n" + info.homepage + "\n" +
                    (info.deprecated ? "D:" + info.deprecationMessage : "") + "\n";
  for (const auto& [tag, v] : info.tags) out += tag + "=" + v + "\n";
  for (const auto& r : info.releases) {
    out += r.version + "|" + (r.released ? std::to_string(*r.released) : "-") + "|" +
           (r.deprecated ? "D:" + r.deprecationMessage : "") + "|" + r.digest + "|" +
           r.enginesNode + "\n";
  }
  return out;
}

template <typename Parse>
std::string attempt(Parse&& parse) {
  try {
    return "ok\n" + render(parse());
  } catch (const ddd::analyzers::deps::RegistryError&) {
    return "error";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ddd::analyzers::deps::parseNpmPackument;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string events = attempt([&] { return parseNpmPackument(text, "x"); });
  const std::string document = attempt([&] { return parseNpmPackument(text, "x", true); });
  const std::string streamed = attempt([&] {
    Pieces buf(text);
    std::istream in(&buf);
    return parseNpmPackument(in, "x");
  });
  if (events != document || events != streamed) __builtin_trap();
  return 0;
}
