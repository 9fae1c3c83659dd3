// libFuzzer target for the npm packument readers (datasources/npm.cpp,
// npm_packument.cpp): any input is a ReleaseInfo or a RegistryError, never a crash or
// hang; the one-pass reader (no lock entries) gives exactly what the nlohmann SAX reader
// it replaced gives (the same facts, or the same error message), read whole and read as
// a stream in pieces of sizes taken from the input; and what the filtered document (lock
// entries) finds: the same versions, dates, deprecations, digests, engines.node, tags and
// repository; with lock entries, the one-pass reader gives what the filtered document it
// replaced gives (lockMetadata and tarball URLs included), whole and in pieces.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <streambuf>
#include <string>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/npm_packument.h"
#include "tests/support/pieces_streambuf.h"

namespace {


using ddd::analyzers::deps::ReleaseInfo;

// "" when the text is refused, else a canonical rendering of what was read.
// `full`: with the lock-entry facts (tarball URL, lockMetadata) too.
std::string render(const ReleaseInfo& info, bool full = false) {
  std::string out = info.sourceUrl + "\n" + info.homepage + "\n" +
                    (info.deprecated ? "D:" + info.deprecationMessage : "") + "\n";
  for (const auto& [tag, v] : info.tags) out += tag + "=" + v + "\n";
  for (const auto& r : info.releases) {
    out += r.version + "|" + (r.released ? std::to_string(*r.released) : "-") + "|" +
           (r.deprecated ? "D:" + r.deprecationMessage : "") + "|" + r.digest + "|" +
           r.enginesNode + (full ? "|" + r.artifactUrl + "|" + r.lockMetadata : "") + "\n";
  }
  return out;
}

template <typename Parse>
std::string attempt(Parse&& parse, bool withMessage = false) {
  try {
    return "ok\n" + render(parse(), withMessage);
  } catch (const ddd::analyzers::deps::RegistryError& e) {
    return withMessage ? std::string("error: ") + e.what() : "error";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ddd::analyzers::deps::parseNpmPackument;
  using ddd::analyzers::deps::parseNpmPackumentReference;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Piece sizes from the input itself: 1-8 bytes, then 1-256.
  const size_t a = size ? 1 + data[0] % 8 : 1, b = size ? 1 + data[size / 2] : 1;
  const std::string fast = attempt([&] { return parseNpmPackument(text, "x"); }, true);
  const std::string reference =
      attempt([&] { return parseNpmPackumentReference(text, "x"); }, true);
  if (fast != reference) __builtin_trap();
  const std::string fastStreamed = attempt(
      [&] {
        ddd::testing::PiecesStreambuf buf(text, {a, b});
        std::istream in(&buf);
        return parseNpmPackument(in, "x");
      },
      true);
  const std::string referenceStreamed = attempt(
      [&] {
        ddd::testing::PiecesStreambuf buf(text, {4096, 4096});
        std::istream in(&buf);
        return parseNpmPackumentReference(in, "x");
      },
      true);
  if (fastStreamed != referenceStreamed) __builtin_trap();
  // With lock entries: the one-pass reader against the filtered document it replaced.
  const std::string fastLock =
      attempt([&] { return parseNpmPackument(text, "x", true); }, true);
  if (fastLock != attempt([&] { return parseNpmPackumentReference(text, "x", true); }, true))
    __builtin_trap();
  const std::string fastLockStreamed = attempt(
      [&] {
        ddd::testing::PiecesStreambuf buf(text, {b, a});
        std::istream in(&buf);
        return parseNpmPackument(in, "x", true);
      },
      true);
  const std::string referenceLockStreamed = attempt(
      [&] {
        ddd::testing::PiecesStreambuf buf(text, {4096, 4096});
        std::istream in(&buf);
        return parseNpmPackumentReference(in, "x", true);
      },
      true);
  if (fastLockStreamed != referenceLockStreamed) __builtin_trap();
  const std::string events = attempt([&] { return parseNpmPackument(text, "x"); });
  const std::string document = attempt([&] { return parseNpmPackument(text, "x", true); });
  if (events != document) __builtin_trap();
  return 0;
}
