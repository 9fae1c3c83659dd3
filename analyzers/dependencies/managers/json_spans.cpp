#include "analyzers/dependencies/managers/json_spans.h"

#include <algorithm>

namespace ddd::analyzers::deps {
namespace {

constexpr int kMaxDepth = 64;

class Reader {
 public:
  Reader(std::string_view text, const std::string& what) : s_(text), what_(what) {}

  JsonNode document() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    skipBlanks();
    JsonNode n = value(0);
    skipBlanks();
    if (pos_ != s_.size()) fail("unexpected text after the JSON document");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw ManifestError(what_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " +
                        problem + " (not valid JSON; fix the file)");
  }

  void skipBlanks() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  JsonNode value(int depth) {
    if (depth > kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    if (pos_ >= s_.size()) fail("unexpected end of the file");
    const char c = s_[pos_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    for (auto [word, kind] : {std::pair<const char*, JsonNode::Kind>{"true", JsonNode::Bool},
                              {"false", JsonNode::Bool},
                              {"null", JsonNode::Null}}) {
      const std::string_view w(word);
      if (s_.substr(pos_, w.size()) == w) {
        JsonNode n;
        n.kind = kind;
        n.text = std::string(w);
        n.span = {pos_, w.size()};
        pos_ += w.size();
        return n;
      }
    }
    fail(std::string("unexpected character '") + c + "'");
  }

  JsonNode object(int depth) {
    JsonNode n;
    n.kind = JsonNode::Object;
    const uint64_t start = pos_++;
    skipBlanks();
    if (!eat('}')) {
      while (true) {
        skipBlanks();
        if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a member name in double quotes");
        JsonNode key = string();
        skipBlanks();
        if (!eat(':')) fail("expected ':' after the member name");
        skipBlanks();
        JsonNode v = value(depth + 1);
        n.keySpans.push_back(key.span);
        n.keys.push_back(std::move(key.text));
        n.values.push_back(std::move(v));
        skipBlanks();
        if (eat(',')) continue;
        if (eat('}')) break;
        fail("expected ',' or '}' in an object");
      }
    }
    n.span = {start, pos_ - start};
    return n;
  }

  JsonNode array(int depth) {
    JsonNode n;
    n.kind = JsonNode::Array;
    const uint64_t start = pos_++;
    skipBlanks();
    if (!eat(']')) {
      while (true) {
        skipBlanks();
        n.items.push_back(value(depth + 1));
        skipBlanks();
        if (eat(',')) continue;
        if (eat(']')) break;
        fail("expected ',' or ']' in an array");
      }
    }
    n.span = {start, pos_ - start};
    return n;
  }

  static void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t hex4() {
    if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        fail("bad \\u escape");
    }
    return v;
  }

  JsonNode string() {
    JsonNode n;
    n.kind = JsonNode::String;
    const uint64_t start = pos_++;
    while (true) {
      if (pos_ >= s_.size()) fail("unterminated string");
      const char c = s_[pos_];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) fail("unterminated string");
        const char e = s_[pos_++];
        switch (e) {
          case '"':
            n.text += '"';
            break;
          case '\\':
            n.text += '\\';
            break;
          case '/':
            n.text += '/';
            break;
          case 'b':
            n.text += '\b';
            break;
          case 'f':
            n.text += '\f';
            break;
          case 'n':
            n.text += '\n';
            break;
          case 'r':
            n.text += '\r';
            break;
          case 't':
            n.text += '\t';
            break;
          case 'u': {
            uint32_t cp = hex4();
            if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
              pos_ += 2;
              const uint32_t lo = hex4();
              if (lo >= 0xDC00 && lo <= 0xDFFF)
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            appendUtf8(n.text, cp);
            break;
          }
          default:
            fail(std::string("bad escape \\") + e);
        }
        continue;
      }
      n.text += c;
      ++pos_;
    }
    ++pos_;
    n.span = {start, pos_ - start};
    n.inner = {start + 1, pos_ - start - 2};
    return n;
  }

  JsonNode number() {
    JsonNode n;
    n.kind = JsonNode::Number;
    const uint64_t start = pos_;
    eat('-');
    if (eat('0')) {
    } else if (pos_ < s_.size() && s_[pos_] >= '1' && s_[pos_] <= '9') {
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    } else {
      fail("bad number");
    }
    if (eat('.')) {
      if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_])))
        fail("bad number");
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (!eat('+')) eat('-');
      if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_])))
        fail("bad number");
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    n.span = {start, pos_ - start};
    n.text = std::string(s_.substr(start, pos_ - start));
    return n;
  }

  std::string_view s_;
  const std::string& what_;
  uint64_t pos_ = 0;
};

}  // namespace

const JsonNode* JsonNode::get(std::string_view key) const {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &values[i];
  }
  return nullptr;
}

JsonNode parseJsonWithSpans(std::string_view text, const std::string& what) {
  return Reader(text, what).document();
}

uint32_t lineAt(std::string_view text, uint64_t offset) {
  offset = std::min<uint64_t>(offset, text.size());
  return 1 + static_cast<uint32_t>(
                 std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

}  // namespace ddd::analyzers::deps
