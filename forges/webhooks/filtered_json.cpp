#include "forges/webhooks/filtered_json.h"

#include "common/json_lex.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace ddd::forges {

namespace {

using json = nlohmann::json;

// Nesting past this is handed to nlohmann's parser (iterative, any depth) rather than
// recursed into here.
constexpr int kMaxNesting = 200;

using jsonlex::hexValue;

class Scanner {
 public:
  // `text` (optional): receives the kept document as compact JSON, built from the input's
  // own bytes.
  Scanner(std::string_view text, const KeptKeys& keep, std::string* out = nullptr)
      : p_(text.data()), end_(text.data() + text.size()), keep_(keep), text_(out) {}

  enum class Outcome { Ok, Malformed, TooDeep };

  Outcome run(json& out) {
    // A UTF-8 byte order mark is skipped at the very start; a lone 0xEF is an error.
    if (p_ < end_ && static_cast<unsigned char>(*p_) == 0xEF) {
      if (end_ - p_ < 3 || static_cast<unsigned char>(p_[1]) != 0xBB ||
          static_cast<unsigned char>(p_[2]) != 0xBF)
        return Outcome::Malformed;
      p_ += 3;
    }
    ws();
    if (!value(&out, 0)) return tooDeep_ ? Outcome::TooDeep : Outcome::Malformed;
    ws();
    // nlohmann's lexer reads a NUL byte as the end of the input: what follows is not read.
    return peek() == 0 ? Outcome::Ok : Outcome::Malformed;
  }

 private:
  const char* p_;
  const char* end_;
  const KeptKeys& keep_;
  std::string* text_;
  bool tooDeep_ = false;

  void emit(const char* from, const char* to) {
    if (text_) text_->append(from, static_cast<size_t>(to - from));
  }
  void emit(char c) {
    if (text_) text_->push_back(c);
  }

  unsigned char peek() const { return p_ < end_ ? static_cast<unsigned char>(*p_) : 0; }

  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // A value nobody keeps, at p_ (`depth`: the containers open around it): checked as
  // value() checks it, without recursion and without building anything. Most of a
  // delivery is read here. Containers open inside it are remembered by their closing
  // byte; nesting past kMaxNesting is handed to nlohmann as in container().
  bool skip(int depth) {
    char closers[kMaxNesting + 1];
    int open = 0;
    while (true) {
      // A value starts at p_.
      switch (peek()) {
        case '"':
          if (!skipString()) return false;
          break;
        case '{':
        case '[': {
          const char close = peek() == '{' ? '}' : ']';
          if (depth + open + 1 > kMaxNesting) {
            tooDeep_ = true;
            return false;
          }
          ++p_;
          ws();
          if (peek() == static_cast<unsigned char>(close)) {
            ++p_;
            break;
          }
          closers[open++] = close;
          if (close == '}' && !skipKey()) return false;
          continue;  // its first member's value or its first element
        }
        case 't':
          if (!literal("true", 4, nullptr)) return false;
          break;
        case 'f':
          if (!literal("false", 5, nullptr)) return false;
          break;
        case 'n':
          if (!literal("null", 4, nullptr)) return false;
          break;
        default:
          if (!number(nullptr)) return false;
          break;
      }
      // A value ended: close what it ends, or go on to the next member or element.
      while (true) {
        if (open == 0) return true;
        ws();
        const unsigned char c = peek();
        if (c == ',') {
          ++p_;
          ws();
          if (closers[open - 1] == '}' && !skipKey()) return false;
          break;
        }
        if (c != static_cast<unsigned char>(closers[open - 1])) return false;
        ++p_;
        --open;
      }
    }
  }

  // A member's name and its colon, leaving p_ at its value.
  bool skipKey() {
    if (peek() != '"' || !skipString()) return false;
    ws();
    if (peek() != ':') return false;
    ++p_;
    ws();
    return true;
  }

  bool skipString() {
    std::string_view raw;
    bool escaped = false;
    return string(raw, escaped);
  }

  // `out` null: validate only. `depth`: the containers open around this value.
  bool value(json* out, int depth) {
    switch (peek()) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"': {
        std::string_view raw;
        bool escaped = false;
        if (!string(raw, escaped)) return false;
        if (out) {
          *out = decode(raw, escaped);
          emit(raw.data() - 1, raw.data() + raw.size() + 1);  // with its quotes, as written
        }
        return true;
      }
      case 't':
        return literal("true", 4, out) && (!out || (*out = true, true));
      case 'f':
        return literal("false", 5, out) && (!out || (*out = false, true));
      case 'n':
        return literal("null", 4, out) && (!out || (*out = nullptr, true));
      default:
        return number(out);
    }
  }

  bool literal(const char* word, size_t n, const json* out) {
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    if (out) emit(word, word + n);
    p_ += n;
    return true;
  }

  // `{` or `[` at p_: the members or elements, each read by `member`, separated by commas,
  // up to `close`.
  template <typename Member>
  bool container(int depth, char close, Member member) {
    if (depth + 1 > kMaxNesting) {
      tooDeep_ = true;
      return false;
    }
    ++p_;
    ws();
    if (peek() == close) {
      ++p_;
      return true;
    }
    while (true) {
      if (!member()) return false;
      ws();
      const unsigned char c = peek();
      if (c == ',') {
        ++p_;
        ws();
        continue;
      }
      if (c != close) return false;
      ++p_;
      return true;
    }
  }

  bool object(json* out, int depth) {
    if (out) {
      *out = json::object();
      emit('{');
    }
    const bool keysMatter = out && depth + 1 <= keep_.maxDepth();
    bool first = true;
    const bool ok = container(depth, '}', [&] {
      if (peek() != '"') return false;
      std::string_view raw;
      bool escaped = false;
      if (!string(raw, escaped)) return false;
      std::string key;
      bool kept = false;
      if (keysMatter) {
        if (escaped) {
          key = decode(raw, true);
          kept = keep_.contains(key);
        } else if (keep_.contains(raw)) {
          kept = true;
          key.assign(raw);
        }
      }
      ws();
      if (peek() != ':') return false;
      ++p_;
      ws();
      if (!kept) return skip(depth + 1);
      if (!first) emit(',');
      first = false;
      emit(raw.data() - 1, raw.data() + raw.size() + 1);  // the key as written
      emit(':');
      json v;
      if (!value(&v, depth + 1)) return false;
      // A repeated key: the last one wins, as in nlohmann (and in a parse of the text).
      (*out)[key] = std::move(v);
      return true;
    });
    if (ok && out) emit('}');
    return ok;
  }

  bool array(json* out, int depth) {
    if (out) {
      *out = json::array();
      emit('[');
    }
    bool first = true;
    const bool ok = container(depth, ']', [&] {
      if (!out) return skip(depth + 1);
      if (!first) emit(',');
      first = false;
      json v;
      if (!value(&v, depth + 1)) return false;
      out->push_back(std::move(v));
      return true;
    });
    if (ok && out) emit(']');
    return ok;
  }

  bool continuation(int n, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    if (end_ - p_ < n) return false;
    const auto* u = reinterpret_cast<const unsigned char*>(p_);
    if (u[0] < lo || u[0] > hi) return false;
    for (int i = 1; i < n; ++i) {
      if (u[i] < 0x80 || u[i] > 0xBF) return false;
    }
    p_ += n;
    return true;
  }

  bool hex4(uint32_t& cp) {
    if (end_ - p_ < 4) return false;
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hexValue(p_[i]);
      if (h < 0) return false;
      cp = cp * 16 + static_cast<uint32_t>(h);
    }
    p_ += 4;
    return true;
  }

  // The text of a string checked by string(): escapes are rare in the members a receiver
  // keeps, and nlohmann decodes them (the text is valid JSON by then).
  static std::string decode(std::string_view raw, bool escaped) {
    if (!escaped) return std::string(raw);
    std::string quoted;
    quoted.reserve(raw.size() + 2);
    quoted.append(1, '"').append(raw).append(1, '"');
    return json::parse(quoted).get<std::string>();
  }

  // p_ at the opening quote: checks the string as nlohmann's lexer does (escapes, surrogate
  // pairs, control characters, UTF-8) and leaves p_ after the closing quote. `raw` is the
  // text between the quotes, `escaped` whether it holds an escape.
  bool string(std::string_view& raw, bool& escaped) {
    ++p_;
    const char* start = p_;
    escaped = false;
    while (true) {
      // The common case: printable ASCII, many bytes at a time.
      p_ = jsonlex::skipPlain(p_, end_);
      if (p_ >= end_) return false;  // no closing quote
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        raw = std::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c < 0x20) return false;  // control characters (NUL included) must be escaped
      if (c == '\\') {
        escaped = true;
        ++p_;
        if (p_ >= end_) return false;
        const char e = *p_++;
        if (e == 'u') {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate needs its low half
            uint32_t low = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
        } else if (!jsonlex::isSimpleEscape(e)) {
          return false;
        }
        continue;
      }
      // A multi-byte UTF-8 sequence, checked as RFC 3629 defines it.
      ++p_;
      unsigned char lo = 0, hi = 0;
      const int n = jsonlex::utf8Continuations(c, lo, hi);
      const bool ok = n > 0 && continuation(n, lo, hi);
      if (!ok) return false;
    }
  }

  bool digits() {
    const char* s = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ > s;
  }

  bool number(json* out) {
    const char* start = p_;
    if (peek() == '-') ++p_;
    if (peek() == '0') {
      ++p_;
    } else if (peek() >= '1' && peek() <= '9') {
      digits();
    } else {
      return false;
    }
    bool isFloat = false;
    if (peek() == '.') {
      ++p_;
      if (!digits()) return false;
      isFloat = true;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++p_;
      if (peek() == '+' || peek() == '-') ++p_;
      if (!digits()) return false;
      isFloat = true;
    }
    const std::string_view token(start, static_cast<size_t>(p_ - start));
    if (!out) return jsonlex::numberIsFinite(token, isFloat);
    emit(start, p_);
    if (!isFloat) {
      // Integers that fit 64 bits stay integers; larger ones become doubles (nlohmann).
      if (token[0] == '-') {
        int64_t v = 0;
        auto r = std::from_chars(token.data(), token.data() + token.size(), v);
        if (r.ec == std::errc()) {
          *out = v;
          return true;
        }
      } else {
        uint64_t v = 0;
        auto r = std::from_chars(token.data(), token.data() + token.size(), v);
        if (r.ec == std::errc()) {
          *out = v;
          return true;
        }
      }
    }
    // nlohmann reads doubles with strtod and refuses a result that is not finite.
    const std::string text(token);
    const double d = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(d)) return false;
    *out = d;
    return true;
  }
};

}  // namespace

KeptKeys::KeptKeys(std::initializer_list<std::string_view> names, int maxDepth)
    : maxDepth_(maxDepth) {
  for (std::string_view n : names) {
    const auto first = static_cast<unsigned char>(n.empty() ? 0 : n[0]);
    auto& same = byFirst_[first];
    if (std::find(same.begin(), same.end(), n) != same.end()) continue;
    same.push_back(n);
    if (n.size() < 64) lengths_[first] |= 1ULL << n.size();
  }
}

std::optional<nlohmann::json> parseFilteredJsonReference(std::string_view body,
                                                         const KeptKeys& keep) {
  const nlohmann::json::parser_callback_t cb = [&keep](int depth,
                                                       nlohmann::json::parse_event_t event,
                                                       nlohmann::json& parsed) {
    if (event != nlohmann::json::parse_event_t::key) return true;
    return depth <= keep.maxDepth() && keep.contains(parsed.get_ref<const std::string&>());
  };
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), cb, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::optional<nlohmann::json> parseFilteredJson(std::string_view body, const KeptKeys& keep,
                                                std::string* text) {
  nlohmann::json out;
  if (text) text->clear();
  Scanner scanner(body, keep, text);
  switch (scanner.run(out)) {
    case Scanner::Outcome::Ok:
      return out;
    case Scanner::Outcome::Malformed:
      if (text) text->clear();
      return std::nullopt;
    case Scanner::Outcome::TooDeep:
      break;
  }
  auto reference = parseFilteredJsonReference(body, keep);
  if (text) *text = reference ? reference->dump() : std::string();
  return reference;
}

}  // namespace ddd::forges
