// The packument read in one walk over its bytes. A popular package's packument is
// megabytes of every version's whole manifest (readme, scripts, dependencies, ...) of
// which a look-up keeps a few fields per version; nlohmann's parser, even event by event,
// decodes every string it meets into a std::string and throws it away, which was 80 % of
// a look-up's CPU. Here strings and whole values nobody reads are only checked (many bytes
// at a time, nothing allocated), and only the members on these paths are decoded:
//
//   versions.<any>            the version's number (its key)
//   versions.<any>.deprecated        string or true
//   versions.<any>.dist.integrity    string
//   versions.<any>.engines.node      string
//   versions.<any>.repository[.url]  string
//   time.<any>, dist-tags.<any>      string
//   repository[.url], homepage       string
//
// and with lock entries (a package-lock.json next to the manifest), per version also
// dist.tarball and the fields a lock entry copies (isLockField: dependencies, bin,
// engines, ...; their text kept while the version is read, then made into
// Release::lockMetadata) and whether `scripts` has an install script.
//
// The text is checked as nlohmann::json's lexer and parser check it (the same texts are
// accepted and refused: escapes, surrogate pairs, UTF-8, numbers that overflow a double,
// a byte order mark, a NUL byte read as the end), and the facts follow the document's
// meaning: a repeated key's last value counts, a value of the wrong type counts as
// absent. The lexical rules are the ones filtered_json.cpp (webhook bodies) uses, shared
// in common/json_lex.h. The input is a whole text or a stream read in 64 KiB pieces
// (HttpRequest::bodyReader): a string, a number or an escape may straddle two pieces;
// nothing but the kept fields, the current piece and one byte per open container
// (skipped values are walked without recursion, to any depth) is held.
// tests/analyzers/dependencies/datasources/packument_scan_test.cpp and
// tests/fuzz/packument_npm.cpp compare it with the nlohmann reader it replaced.
#include "analyzers/dependencies/datasources/npm_packument.h"

#include <algorithm>
#include <map>
#include <streambuf>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_lex.h"

namespace ddd::analyzers::deps::detail {
namespace {

constexpr size_t kPiece = 64 * 1024;

class Scanner {
 public:
  Scanner(std::string_view text, bool lock)
      : lock_(lock), p_(text.data()), end_(text.data() + text.size()) {}
  Scanner(std::istream& in, bool lock) : lock_(lock), in_(in.rdbuf()), buf_(kPiece) {
    p_ = end_ = buf_.data();
  }

  // Whether the input is one JSON text whose value is an object (the facts are then read).
  bool run() {
    if (peek() == 0xEF) {  // a UTF-8 byte order mark is skipped; a lone 0xEF is an error
      ++p_;
      if (get() != 0xBB || get() != 0xBF) return false;
    }
    ws();
    if (peek() != '{') return false;  // not JSON, or JSON but not an object: one answer
    if (!object([this] { return topMember(); })) return false;
    ws();
    const int c = peek();
    return c < 0 || c == 0;  // nlohmann's lexer reads a NUL byte as the end of the input
  }

  ReleaseInfo finish(bool parsed, const std::string& what, const std::string& size) {
    if (!parsed) {
      throw RegistryError(what + ": the registry's answer is not a JSON object" + size +
                          "; is the URL an npm registry?");
    }
    if (!versionsIsObject_) throw RegistryError(what + ": the packument has no \"versions\" object");
    return detail::assembleReleases(versions_, times_, tags_, topRepository_, homepage_);
  }

 private:
  using Version = detail::PackumentVersion;
  // With lock entries, what a version's lockMetadata is made of while it is read.
  struct LockFields {
    std::map<std::string, std::string> raw;  // lock field -> the text of its last value
    bool installScript = false;
  };

  const bool lock_;
  LockFields lockFields_;

  // ---- input: a whole text, or pieces of a stream -------------------------------------
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  std::streambuf* in_ = nullptr;
  std::vector<char> buf_;

  bool refill() {
    if (!in_) return false;
    if (capture_) {
      capture_->append(captureFrom_, end_);
      captureFrom_ = end_;
    }
    const std::streamsize n = in_->sgetn(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    if (n <= 0) {
      in_ = nullptr;  // the end of the stream
      return false;
    }
    p_ = buf_.data();
    end_ = p_ + n;
    captureFrom_ = p_;
    return true;
  }
  // A value's text kept as it is read (across pieces): capture_ gets every byte from
  // captureFrom_ on.
  std::string* capture_ = nullptr;
  const char* captureFrom_ = nullptr;
  // The next value (p_ at its first byte), checked, its text into `out`.
  bool captureValue(std::string& out) {
    out.clear();
    if (peek() < 0) return false;
    capture_ = &out;
    captureFrom_ = p_;
    const bool ok = skipValue();
    out.append(captureFrom_, p_);
    capture_ = nullptr;
    return ok;
  }
  // The next byte, -1 at the end of the input.
  int peek() {
    if (p_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(*p_);
  }
  int get() {
    const int c = peek();
    if (c >= 0) ++p_;
    return c;
  }
  void ws() {
    while (true) {
      while (p_ < end_ && jsonlex::isSpace(static_cast<unsigned char>(*p_))) ++p_;
      if (p_ < end_ || !refill()) return;
    }
  }

  // ---- lexical ------------------------------------------------------------------------
  // p_ at the opening quote: the string checked and, when `out` is given, its text
  // appended to it; p_ after the closing quote.
  bool string(std::string* out) {
    ++p_;
    while (true) {
      const char* run = jsonlex::skipPlain(p_, end_);
      if (out) out->append(p_, run);
      p_ = run;
      if (p_ == end_) {
        if (!refill()) return false;  // no closing quote
        continue;
      }
      const auto c = static_cast<unsigned char>(*p_++);
      if (c == '"') return true;
      if (c < 0x20) return false;  // control characters (NUL included) must be escaped
      if (c == '\\') {
        if (!escape(out)) return false;
        continue;
      }
      unsigned char lo = 0, hi = 0;
      const int n = jsonlex::utf8Continuations(c, lo, hi);
      if (n == 0) return false;
      if (out) out->push_back(static_cast<char>(c));
      for (int i = 0; i < n; ++i) {
        const int d = get();
        if (d < (i == 0 ? lo : 0x80) || d > (i == 0 ? hi : 0xBF)) return false;
        if (out) out->push_back(static_cast<char>(d));
      }
    }
  }
  bool hex4(uint32_t& cp) {
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      const int c = get();
      const int h = c < 0 ? -1 : jsonlex::hexValue(static_cast<char>(c));
      if (h < 0) return false;
      cp = cp * 16 + static_cast<uint32_t>(h);
    }
    return true;
  }
  // After a backslash.
  bool escape(std::string* out) {
    const int e = get();
    if (e == 'u') {
      uint32_t cp = 0;
      if (!hex4(cp)) return false;
      if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate needs its low half
        uint32_t low = 0;
        if (get() != '\\' || get() != 'u' || !hex4(low) || low < 0xDC00 || low > 0xDFFF)
          return false;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return false;
      }
      if (out) jsonlex::appendUtf8(*out, cp);
      return true;
    }
    if (e < 0 || !jsonlex::isSimpleEscape(static_cast<char>(e))) return false;
    if (out) out->push_back(jsonlex::simpleEscapeValue(static_cast<char>(e)));
    return true;
  }
  bool literal(const char* word) {
    for (; *word; ++word) {
      if (get() != static_cast<unsigned char>(*word)) return false;
    }
    return true;
  }
  void take() { number_.push_back(*p_++); }  // after peek() found a byte
  bool digits() {
    const size_t before = number_.size();
    while (true) {
      const int c = peek();
      if (c < '0' || c > '9') break;
      take();
    }
    return number_.size() > before;
  }
  bool number() {
    number_.clear();
    int c = peek();
    if (c == '-') {
      take();
      c = peek();
    }
    if (c == '0') {
      take();
    } else if (c >= '1' && c <= '9') {
      digits();
    } else {
      return false;
    }
    bool isFloat = false;
    if (peek() == '.') {
      take();
      if (!digits()) return false;
      isFloat = true;
    }
    c = peek();
    if (c == 'e' || c == 'E') {
      take();
      c = peek();
      if (c == '+' || c == '-') take();
      if (!digits()) return false;
      isFloat = true;
    }
    return jsonlex::numberIsFinite(number_, isFloat);
  }
  // A value that is not a container, checked only; `c` is peek().
  bool scalar(int c) {
    switch (c) {
      case '"':
        return string(nullptr);
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  // ---- values nobody reads: checked, without recursion --------------------------------
  // A member's key and its colon, checked only (p_ after the colon).
  bool skipKey() {
    if (peek() != '"' || !string(nullptr)) return false;
    ws();
    if (peek() != ':') return false;
    ++p_;
    return true;
  }
  bool skipValue() {
    const size_t base = stack_.size();  // stack_: the closing bytes of the open containers
    bool wantValue = true;
    while (true) {
      if (wantValue) {
        ws();
        const int c = peek();
        if (c == '{' || c == '[') {
          const char close = c == '{' ? '}' : ']';
          ++p_;
          ws();
          if (peek() == close) {
            ++p_;
          } else {
            stack_.push_back(close);
            if (close == '}' && !skipKey()) return false;
            continue;  // its first value
          }
        } else if (!scalar(c)) {
          return false;
        }
        wantValue = false;
      }
      if (stack_.size() == base) return true;
      ws();
      const int c = peek();
      if (c == ',') {
        ++p_;
        if (stack_.back() == '}') {
          ws();
          if (!skipKey()) return false;
        }
        wantValue = true;
        continue;
      }
      if (c != stack_.back()) return false;
      ++p_;
      stack_.pop_back();
    }
  }

  // ---- the members read -----------------------------------------------------------
  // The key just read is `name` (lengths first: most keys are other fields).
  bool keyIs(std::string_view name) const { return std::string_view(key_) == name; }
  // p_ at '{': each member's key decoded into key_, then `member` reads its value (p_ at
  // the value's first byte).
  template <typename Member>
  bool object(Member&& member) {
    ++p_;
    ws();
    if (peek() == '}') {
      ++p_;
      return true;
    }
    while (true) {
      if (peek() != '"') return false;
      key_.clear();
      if (!string(&key_)) return false;
      ws();
      if (peek() != ':') return false;
      ++p_;
      ws();
      if (!member()) return false;
      ws();
      const int c = peek();
      if (c == ',') {
        ++p_;
        ws();
        continue;
      }
      if (c != '}') return false;
      ++p_;
      return true;
    }
  }
  // A string into `out`; any other value checked and `out` left empty.
  bool stringOrNothing(std::string& out) {
    out.clear();
    if (peek() == '"') return string(&out);
    return skipValue();
  }
  // A repository: a string, or an object whose `url` is one.
  bool repository(std::string& url) {
    url.clear();
    const int c = peek();
    if (c == '"') return string(&url);
    if (c != '{') return skipValue();
    return object([this, &url] { return keyIs("url") ? stringOrNothing(url) : skipValue(); });
  }
  bool topMember() {
    const int c = peek();
    if (keyIs("versions")) {
      versions_.clear();
      index_.clear();
      versionsIsObject_ = c == '{';
      if (!versionsIsObject_) return skipValue();
      return object([this] { return version(); });
    }
    if (keyIs("time")) {
      times_.clear();
      if (c != '{') return skipValue();
      return object([this] { return time(); });
    }
    if (keyIs("dist-tags")) {
      tags_.clear();
      if (c != '{') return skipValue();
      return object([this] { return tag(); });
    }
    if (keyIs("repository")) return repository(topRepository_);
    if (keyIs("homepage")) return stringOrNothing(homepage_);
    return skipValue();
  }
  bool version() {
    const auto [at, fresh] = index_.try_emplace(key_, versions_.size());
    if (fresh) {
      versions_.emplace_back();
    } else {
      versions_[at->second] = Version{};  // a repeated key: the last one counts
    }
    Version& v = versions_[at->second];  // no version is added while this one is read
    v.release.version = key_;
    if (peek() != '{') return skipValue();
    lockFields_.raw.clear();
    lockFields_.installScript = false;
    if (!object([this, &v] { return versionField(v); })) return false;
    if (lock_) v.release.lockMetadata = lockMetadata(v.release);
    return true;
  }
  // Release::lockMetadata from the lock fields read: compact JSON with sorted keys, empty
  // maps and lists and nulls left out, as the filtered document gave it.
  std::string lockMetadata(const Release& r) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [field, text] : lockFields_.raw) {
      nlohmann::json value = nlohmann::json::parse(text);  // checked already
      if (value.is_null()) continue;
      if ((value.is_object() || value.is_array()) && value.empty()) continue;
      out[field] = std::move(value);
    }
    if (!r.deprecationMessage.empty()) out["deprecated"] = r.deprecationMessage;
    if (lockFields_.installScript) out["hasInstallScript"] = true;
    return out.dump();
  }
  bool versionField(Version& v) {
    Release& r = v.release;
    if (keyIs("deprecated")) {
      // `deprecated: false` or "" means not deprecated.
      r.deprecated = false;
      r.deprecationMessage.clear();
      const int c = peek();
      if (c == '"') {
        if (!string(&r.deprecationMessage)) return false;
        r.deprecated = !r.deprecationMessage.empty();
        return true;
      }
      if (c == 't') {
        r.deprecated = literal("true");
        return r.deprecated;
      }
      return skipValue();
    }
    if (keyIs("dist")) {
      r.digest.clear();
      r.artifactUrl.clear();
      if (peek() != '{') return skipValue();
      return object([this, &r] {
        if (keyIs("integrity")) return stringOrNothing(r.digest);
        if (lock_ && keyIs("tarball")) return stringOrNothing(r.artifactUrl);
        return skipValue();
      });
    }
    if (keyIs("engines")) {
      r.enginesNode.clear();
      if (lock_) {
        // Both engines.node and the whole object (a lock field): read it as text once.
        std::string& text = lockFields_.raw["engines"];
        if (!captureValue(text)) return false;
        if (text.empty() || text[0] != '{') return true;
        const nlohmann::json engines = nlohmann::json::parse(text);
        const auto node = engines.find("node");
        if (node != engines.end() && node->is_string()) r.enginesNode = node->get<std::string>();
        return true;
      }
      if (peek() != '{') return skipValue();
      return object([this, &r] {
        return keyIs("node") ? stringOrNothing(r.enginesNode) : skipValue();
      });
    }
    if (lock_ && keyIs("scripts")) {
      lockFields_.installScript = false;
      if (peek() != '{') return skipValue();
      return object([this] {
        if (isInstallScript(key_)) lockFields_.installScript = true;
        return skipValue();
      });
    }
    if (lock_ && isLockField(key_)) return captureValue(lockFields_.raw[key_]);
    if (keyIs("repository")) return repository(v.repository);
    return skipValue();
  }
  bool time() {
    times_.erase(key_);
    if (peek() != '"') return skipValue();
    value_.clear();
    if (!string(&value_)) return false;
    if (const auto t = parseTimestamp(value_)) times_.emplace(key_, *t);
    return true;
  }
  bool tag() {
    tags_.erase(key_);
    if (peek() != '"') return skipValue();
    value_.clear();
    if (!string(&value_)) return false;
    tags_.emplace(key_, value_);
    return true;
  }

  std::string stack_;         // skipValue's open containers
  std::string number_;        // the number being checked
  std::string key_, value_;   // the member being read
  bool versionsIsObject_ = false;
  std::vector<Version> versions_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, std::time_t> times_;
  std::map<std::string, std::string> tags_;
  std::string topRepository_, homepage_;
};

}  // namespace

ReleaseInfo assembleReleases(std::vector<PackumentVersion>& versions,
                             const std::unordered_map<std::string, std::time_t>& times,
                             std::map<std::string, std::string>& tags,
                             const std::string& topRepository, std::string& homepage) {
  ReleaseInfo info;
  info.tags = std::move(tags);
  std::sort(versions.begin(), versions.end(),
            [](const PackumentVersion& a, const PackumentVersion& b) {
              return a.release.version < b.release.version;
            });
  const auto latest = info.tags.find("latest");
  std::string latestRepository;
  info.releases.reserve(versions.size());
  for (auto& v : versions) {
    const auto t = times.find(v.release.version);
    if (t != times.end()) v.release.released = t->second;
    if (latest != info.tags.end() && v.release.version == latest->second) {
      latestRepository = v.repository;
      if (v.release.deprecated) {
        info.deprecated = true;
        info.deprecationMessage = v.release.deprecationMessage;
      }
    }
    info.releases.push_back(std::move(v.release));
  }
  info.sourceUrl = normalizeRepositoryUrl(topRepository);
  if (info.sourceUrl.empty()) info.sourceUrl = normalizeRepositoryUrl(latestRepository);
  info.homepage = std::move(homepage);
  return info;
}

ReleaseInfo scanNpmPackument(std::string_view body, const std::string& what,
                             const std::string& size, bool lockEntries) {
  Scanner scanner(body, lockEntries);
  const bool parsed = scanner.run();
  return scanner.finish(parsed, what, size);
}

ReleaseInfo scanNpmPackument(std::istream& body, const std::string& what,
                             const std::string& size, bool lockEntries) {
  Scanner scanner(body, lockEntries);
  const bool parsed = scanner.run();
  return scanner.finish(parsed, what, size);
}

}  // namespace ddd::analyzers::deps::detail
