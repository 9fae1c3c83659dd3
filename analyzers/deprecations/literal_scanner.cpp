#include "analyzers/deprecations/literal_scanner.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DDD_HAVE_X86 1
#endif

namespace ddd::analyzers::deprecations {
namespace {

#ifdef DDD_HAVE_X86
bool cpuHasSsse3() {
  static const bool has = __builtin_cpu_supports("ssse3");
  return has;
}
bool cpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

// A rough cost of a byte appearing in source code: common letters, blanks and
// everyday punctuation are frequent; capitals, digits and rarer punctuation less so.
int frequency(unsigned char c) {
  if (c == ' ' || c == '\n' || c == '\t') return 12;
  if (std::strchr("etaoinsrl", c) != nullptr && c != 0) return 10;
  if (c >= 'a' && c <= 'z') return 7;
  if (std::strchr("._(),:=\"'", c) != nullptr && c != 0) return 7;
  if (c >= '0' && c <= '9') return 5;
  if (c >= 'A' && c <= 'Z') return 4;
  if (c >= 0x80) return 2;
  return 4;
}

uint32_t windowKey(const unsigned char* p) { return p[0] | (p[1] << 8) | (p[2] << 16); }
uint32_t hashKey(uint32_t key) { return (key * 2654435761u) >> 12; }

}  // namespace

LiteralScanner::LiteralScanner(std::vector<std::string> literals) : literals_(std::move(literals)) {
  // Each literal's rarest window; literals with the same window share a bucket, so one
  // candidate checks them together.
  std::map<std::string, std::vector<Window>> byWindow;
  for (uint32_t i = 0; i < literals_.size(); ++i) {
    const std::string& lit = literals_[i];
    if (lit.size() < kFingerprint)
      throw std::invalid_argument("literal '" + lit + "' is shorter than 3 bytes");
    uint32_t best = 0;
    int bestCost = 1 << 30;
    for (uint32_t k = 0; k + kFingerprint <= lit.size(); ++k) {
      int cost = 0;
      for (std::size_t j = 0; j < kFingerprint; ++j)
        cost += frequency(static_cast<unsigned char>(lit[k + j]));
      if (cost < bestCost) {
        bestCost = cost;
        best = k;
      }
    }
    Window w;
    w.literal = i;
    w.offset = best;
    byWindow[lit.substr(best, kFingerprint)].push_back(w);
  }
  // Neighbouring windows (sorted, so similar first bytes) share a bucket: its nibble
  // masks stay narrow and fewer positions pass the SIMD stage by accident.
  const std::size_t distinct = byWindow.size();
  std::size_t size = 16;
  while (size < distinct * 4) size *= 2;
  table_.assign(size, Slot{});
  tableMask_ = static_cast<uint32_t>(size - 1);
  std::size_t rank = 0;
  for (const auto& [window, members] : byWindow) {
    const auto bucket = static_cast<unsigned>(rank++ * kBuckets / distinct);
    const std::size_t half = bucket < 8 ? 0 : 16;
    const auto bit8 = static_cast<uint8_t>(1u << (bucket % 8));
    for (std::size_t j = 0; j < kFingerprint; ++j) {
      const auto b = static_cast<unsigned char>(window[j]);
      byteMasks_[j][b] |= static_cast<uint16_t>(1u << bucket);
      lowNibble_[j][half + (b & 15)] |= bit8;
      highNibble_[j][half + (b >> 4)] |= bit8;
      lowNibble8_[j][b & 15] |= bit8;
      highNibble8_[j][b >> 4] |= bit8;
    }
    const uint32_t key = windowKey(reinterpret_cast<const unsigned char*>(window.data()));
    uint32_t slot = hashKey(key) & tableMask_;
    while (table_[slot].key != 0) slot = (slot + 1) & tableMask_;
    table_[slot] = {key + 1, static_cast<uint32_t>(windows_.size()),
                    static_cast<uint32_t>(members.size())};
    windows_.insert(windows_.end(), members.begin(), members.end());
  }
}

void LiteralScanner::verify(std::string_view text, std::size_t at,
                            std::vector<LiteralHit>& hits) const {
  const uint32_t key = windowKey(reinterpret_cast<const unsigned char*>(text.data()) + at);
  for (uint32_t slot = hashKey(key) & tableMask_;; slot = (slot + 1) & tableMask_) {
    const Slot& s = table_[slot];
    if (s.key == 0) return;  // no window has these bytes
    if (s.key != key + 1) continue;
    for (uint32_t k = s.first; k < s.first + s.count; ++k) {
      const Window& w = windows_[k];
      if (at < w.offset) continue;
      const std::size_t start = at - w.offset;
      const std::string& lit = literals_[w.literal];
      if (lit.size() > text.size() - start) continue;
      if (std::memcmp(text.data() + start, lit.data(), lit.size()) == 0)
        hits.push_back({w.literal, start});
    }
    return;
  }
}

void LiteralScanner::scanScalar(std::string_view text, std::size_t from,
                                std::vector<LiteralHit>& hits) const {
  if (text.size() < kFingerprint) return;
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t last = text.size() - kFingerprint;
  for (std::size_t i = from; i <= last; ++i) {
    const unsigned m = byteMasks_[0][t[i]] & byteMasks_[1][t[i + 1]] & byteMasks_[2][t[i + 2]];
    if (m != 0) verify(text, i, hits);
  }
}

#ifdef DDD_HAVE_X86
__attribute__((target("ssse3"))) std::size_t LiteralScanner::scanSsse3(
    std::string_view text, std::vector<LiteralHit>& hits) const {
  // Blocks of 16 candidate positions; a block reads 16 + 2 bytes.
  if (text.size() < 16 + kFingerprint - 1) return 0;
  const std::size_t end = text.size() - (16 + kFingerprint - 1);
  const __m128i nibble = _mm_set1_epi8(0x0f);
  const __m128i zero = _mm_setzero_si128();
  __m128i lo[kFingerprint];
  __m128i hi[kFingerprint];
  for (std::size_t j = 0; j < kFingerprint; ++j) {
    lo[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(lowNibble8_[j].data()));
    hi[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(highNibble8_[j].data()));
  }
  const char* base = text.data();
  std::size_t p = 0;
  for (; p <= end; p += 16) {
    __m128i candidates = _mm_set1_epi8(-1);
    for (std::size_t j = 0; j < kFingerprint; ++j) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + p + j));
      const __m128i low = _mm_and_si128(bytes, nibble);
      const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), nibble);
      const __m128i match =
          _mm_and_si128(_mm_shuffle_epi8(lo[j], low), _mm_shuffle_epi8(hi[j], high));
      candidates = _mm_and_si128(candidates, match);
    }
    unsigned lanes =
        ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(candidates, zero))) & 0xffffu;
    if (lanes == 0) continue;
    while (lanes != 0) {
      const int lane = __builtin_ctz(lanes);
      lanes &= lanes - 1;
      verify(text, p + static_cast<std::size_t>(lane), hits);
    }
  }
  return p;
}

__attribute__((target("avx2"))) std::size_t LiteralScanner::scanAvx2(
    std::string_view text, std::vector<LiteralHit>& hits) const {
  // Each 16-byte block is broadcast to both 128-bit lanes; the low lane is matched
  // against buckets 0-7, the high lane against buckets 8-15.
  if (text.size() < 16 + kFingerprint - 1) return 0;
  const std::size_t end = text.size() - (16 + kFingerprint - 1);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m128i zero = _mm_setzero_si128();
  __m256i lo[kFingerprint];
  __m256i hi[kFingerprint];
  for (std::size_t j = 0; j < kFingerprint; ++j) {
    lo[j] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lowNibble_[j].data()));
    hi[j] = _mm256_load_si256(reinterpret_cast<const __m256i*>(highNibble_[j].data()));
  }
  const char* base = text.data();
  std::size_t p = 0;
  for (; p <= end; p += 16) {
    __m256i candidates = _mm256_set1_epi8(-1);
    for (std::size_t j = 0; j < kFingerprint; ++j) {
      const __m256i bytes = _mm256_broadcastsi128_si256(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + p + j)));
      const __m256i low = _mm256_and_si256(bytes, nibble);
      const __m256i high = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), nibble);
      const __m256i match =
          _mm256_and_si256(_mm256_shuffle_epi8(lo[j], low), _mm256_shuffle_epi8(hi[j], high));
      candidates = _mm256_and_si256(candidates, match);
    }
    const __m128i any =
        _mm_or_si128(_mm256_castsi256_si128(candidates), _mm256_extracti128_si256(candidates, 1));
    unsigned lanes = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(any, zero))) & 0xffffu;
    while (lanes != 0) {
      const int lane = __builtin_ctz(lanes);
      lanes &= lanes - 1;
      verify(text, p + static_cast<std::size_t>(lane), hits);
    }
  }
  return p;
}
#else
std::size_t LiteralScanner::scanSsse3(std::string_view, std::vector<LiteralHit>&) const {
  return 0;
}
std::size_t LiteralScanner::scanAvx2(std::string_view, std::vector<LiteralHit>&) const { return 0; }
#endif

void LiteralScanner::findAll(std::string_view text, std::vector<LiteralHit>& hits) const {
  findAll(text, hits, Simd::Best);
}

void LiteralScanner::findAll(std::string_view text, std::vector<LiteralHit>& hits,
                             Simd simd) const {
  hits.clear();
  if (literals_.empty()) return;
  std::size_t done = 0;
#ifdef DDD_HAVE_X86
  if ((simd == Simd::Best || simd == Simd::Avx2) && cpuHasAvx2()) {
    done = scanAvx2(text, hits);
  } else if (simd != Simd::Scalar && cpuHasSsse3()) {
    done = scanSsse3(text, hits);
  }
#else
  (void)simd;
#endif
  scanScalar(text, done, hits);
  // Windows sit at different offsets in their literals: order the hits by start.
  std::sort(hits.begin(), hits.end(), [](const LiteralHit& a, const LiteralHit& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.literal < b.literal;
  });
}

}  // namespace ddd::analyzers::deprecations
