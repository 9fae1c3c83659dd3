#include "analyzers/deprecations/glob.h"

#include <re2/re2.h>

namespace ddd::analyzers::deprecations {
namespace {

void appendLiteral(std::string& out, char c) {
  const auto u = static_cast<unsigned char>(c);
  const bool plain = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                     u == '_' || u == '/' || u == '-' || u >= 0x80;
  if (plain) {
    out += c;
  } else if (u < 0x20 || u == 0x7f) {
    static const char kHex[] = "0123456789abcdef";
    out += "\\x";
    out += kHex[u >> 4];
    out += kHex[u & 15];
  } else {
    out += '\\';
    out += c;
  }
}

// Translates glob[pos..] up to the end (depth 0) or to the '}' / ',' that closes the
// current brace alternative (depth > 0).
class GlobTranslator {
 public:
  explicit GlobTranslator(std::string_view glob) : glob_(glob) {}

  std::string run() {
    std::string out;
    translate(out, 0);
    if (pos_ != glob_.size()) fail("unexpected '}' without a matching '{'");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw GlobError("glob '" + std::string(glob_) + "': " + what);
  }

  bool atSegmentStart(std::size_t i) const { return i == 0 || glob_[i - 1] == '/'; }

  void translate(std::string& out, int depth) {
    while (pos_ < glob_.size()) {
      const char c = glob_[pos_];
      if (depth > 0 && (c == ',' || c == '}')) return;
      if (depth == 0 && c == '}') return;  // reported by run()
      switch (c) {
        case '*':
          star(out);
          break;
        case '?':
          out += "[^/]";
          ++pos_;
          break;
        case '[':
          charClass(out);
          break;
        case '{':
          braces(out, depth);
          break;
        case '\\':
          if (pos_ + 1 >= glob_.size()) fail("trailing backslash escapes nothing");
          appendLiteral(out, glob_[pos_ + 1]);
          pos_ += 2;
          break;
        default:
          appendLiteral(out, c);
          ++pos_;
      }
    }
  }

  void star(std::string& out) {
    const std::size_t start = pos_;
    std::size_t end = start;
    while (end < glob_.size() && glob_[end] == '*') ++end;
    pos_ = end;
    if (end - start == 1) {
      out += "[^/]*";
      return;
    }
    if (atSegmentStart(start) && end < glob_.size() && glob_[end] == '/') {
      out += "(?:.*/)?";  // "**/": zero or more directories
      ++pos_;
    } else {
      out += ".*";  // "dir/**" (everything below dir) or "a**b"
    }
  }

  void charClass(std::string& out) {
    std::size_t i = pos_ + 1;
    std::string body;
    bool negated = false;
    if (i < glob_.size() && (glob_[i] == '!' || glob_[i] == '^')) {
      negated = true;
      ++i;
    }
    bool first = true;
    for (;; ++i) {
      if (i >= glob_.size()) fail("unterminated '[' character class");
      const char c = glob_[i];
      if (c == ']' && !first) break;
      first = false;
      if (c == '\\') {
        if (i + 1 >= glob_.size()) fail("unterminated '[' character class");
        ++i;
        appendLiteral(body, glob_[i]);
      } else if (c == '-' && !body.empty() && i + 1 < glob_.size() && glob_[i + 1] != ']') {
        body += '-';
      } else {
        appendLiteral(body, c);
      }
    }
    pos_ = i + 1;
    out += negated ? "[^/" : "[";
    out += body;
    out += ']';
  }

  void braces(std::string& out, int depth) {
    if (depth > 32) fail("'{' nested too deeply");
    const std::size_t open = pos_;
    ++pos_;
    out += "(?:";
    for (;;) {
      translate(out, depth + 1);
      if (pos_ >= glob_.size()) {
        pos_ = open;
        fail("unterminated '{' (missing '}')");
      }
      if (glob_[pos_] == '}') {
        ++pos_;
        out += ')';
        return;
      }
      out += '|';  // ','
      ++pos_;
    }
  }

  std::string_view glob_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string globToRegex(std::string_view glob) {
  if (glob.empty()) throw GlobError("glob '': an empty glob matches nothing; remove it");
  const bool hasSlash = glob.find('/') != std::string_view::npos;
  if (glob.front() == '/') glob.remove_prefix(1);
  if (glob.empty()) throw GlobError("glob '/': names no file");
  std::string body = GlobTranslator(glob).run();
  return hasSlash ? body : "(?:.*/)?" + body;
}

GlobSet::GlobSet(const std::vector<std::string>& globs) : globs_(globs) {
  if (globs.empty()) return;
  std::string pattern;
  for (const std::string& g : globs) {
    if (!pattern.empty()) pattern += '|';
    pattern += "(?:" + globToRegex(g) + ")";
  }
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_dot_nl(true);
  options.set_never_capture(true);
  options.set_log_errors(false);
  auto regex = std::make_shared<const RE2>(pattern, options);
  if (!regex->ok()) {
    throw GlobError("globs [" + pattern + "]: cannot be compiled: " + regex->error());
  }
  regex_ = std::move(regex);
}

bool GlobSet::matches(std::string_view path) const {
  if (!regex_) return false;
  return RE2::FullMatch(re2::StringPiece(path.data(), path.size()), *regex_);
}

}  // namespace ddd::analyzers::deprecations
