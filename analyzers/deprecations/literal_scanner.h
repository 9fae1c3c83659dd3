#pragma once
// LiteralScanner: finds every occurrence of a fixed set of short literal strings in a
// text, in one pass. Each literal is represented by its rarest three-byte window (so
// "self.assertEquals(" is looked for at "tEq", not at the ubiquitous "sel"). A SIMD
// fingerprint of those windows (nibble shuffles over 16-byte blocks, with 16 buckets
// on AVX2 or 8 on SSSE3, picked at run time; a table-driven scalar loop elsewhere)
// proposes candidate positions; a hash of the three bytes then finds the literals to
// compare byte by byte. Case-sensitive. Immutable after construction; thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deprecations {

struct LiteralHit {
  uint32_t literal = 0;  // index into the constructor's list
  std::size_t offset = 0;
};

class LiteralScanner {
 public:
  // Every literal must be at least 3 bytes long (std::invalid_argument otherwise).
  explicit LiteralScanner(std::vector<std::string> literals);

  const std::vector<std::string>& literals() const { return literals_; }
  // Replaces `hits` with every occurrence (overlapping ones included), by offset.
  void findAll(std::string_view text, std::vector<LiteralHit>& hits) const;

  // The same with a given instruction set (tests compare them); one the CPU lacks
  // falls back to the next simpler one.
  enum class Simd { Best, Avx2, Ssse3, Scalar };
  void findAll(std::string_view text, std::vector<LiteralHit>& hits, Simd simd) const;

 private:
  static constexpr int kBuckets = 16;
  static constexpr std::size_t kFingerprint = 3;

  struct Window {
    uint32_t literal = 0;
    uint32_t offset = 0;  // where the window starts in the literal
  };

  void verify(std::string_view text, std::size_t at, std::vector<LiteralHit>& hits) const;
  void scanScalar(std::string_view text, std::size_t from, std::vector<LiteralHit>& hits) const;
  std::size_t scanSsse3(std::string_view text, std::vector<LiteralHit>& hits) const;
  std::size_t scanAvx2(std::string_view text, std::vector<LiteralHit>& hits) const;

  std::vector<std::string> literals_;
  // Windows grouped by their three bytes, found through a small open-addressing table
  // keyed by those bytes (key 0 = empty slot; keys are stored + 1).
  struct Slot {
    uint32_t key = 0;
    uint32_t first = 0;  // into windows_
    uint32_t count = 0;
  };
  std::vector<Window> windows_;
  std::vector<Slot> table_;
  uint32_t tableMask_ = 0;
  // Per fingerprint byte j: which buckets hold a window whose byte j is b.
  std::array<std::array<uint16_t, 256>, kFingerprint> byteMasks_{};
  // The same split into nibbles for the SIMD scans, as 32-byte rows: bytes 0-15 for
  // buckets 0-7 and bytes 16-31 for buckets 8-15 (AVX2); SSSE3 uses the OR of both
  // halves (buckets b and b + 8 merged).
  alignas(32) std::array<std::array<uint8_t, 32>, kFingerprint> lowNibble_{};
  alignas(32) std::array<std::array<uint8_t, 32>, kFingerprint> highNibble_{};
  alignas(16) std::array<std::array<uint8_t, 16>, kFingerprint> lowNibble8_{};
  alignas(16) std::array<std::array<uint8_t, 16>, kFingerprint> highNibble8_{};
};

}  // namespace ddd::analyzers::deprecations
