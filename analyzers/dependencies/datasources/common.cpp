#include <algorithm>
#include <cctype>
#include <streambuf>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"
#include "analyzers/dependencies/datasources/registry_settings.h"

namespace ddd::analyzers::deps {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return "";
}

std::optional<std::string> Datasource::getDigest(const LookupRequest& request,
                                                 const std::string& version, RegistryHttp&) const {
  throw RegistryError(std::string(name()) + " package " + request.packageName + ": the " +
                      std::string(name()) + " registry has no digests (asked for " + version + ")");
}

std::optional<std::time_t> parseTimestamp(std::string_view s) {
  // YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|+HH:MM|-HH:MM]
  auto num = [&](size_t pos, size_t len, int& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!num(0, 4, y) || s.size() < 10 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' ||
      !num(8, 2, d)) {
    return std::nullopt;
  }
  size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    if (!num(pos + 1, 2, h) || s.size() < pos + 9 || s[pos + 3] != ':' || !num(pos + 4, 2, mi) ||
        s[pos + 6] != ':' || !num(pos + 7, 2, sec)) {
      return std::nullopt;
    }
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    }
  }
  long offset = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!num(pos + 1, 2, oh) || s.size() < pos + 6 || s[pos + 3] != ':' || !num(pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  // Days from the civil date (proleptic Gregorian), no time zone database needed.
  const int yy = y - (mo <= 2);
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long days = era * 146097L + static_cast<long>(doe) - 719468L;
  return static_cast<std::time_t>(days * 86400L + h * 3600L + mi * 60L + sec - offset);
}

std::string escapeGoModulePath(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c >= 'A' && c <= 'Z') {
      out += '!';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

std::string cratesIndexPath(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), ::tolower);
  if (n.size() == 1) return "1/" + n;
  if (n.size() == 2) return "2/" + n;
  if (n.size() == 3) return "3/" + n.substr(0, 1) + "/" + n;
  return n.substr(0, 2) + "/" + n.substr(2, 2) + "/" + n;
}

std::string normalizeRepositoryUrl(std::string_view url) {
  std::string u(url);
  if (u.rfind("github:", 0) == 0) u = "https://github.com/" + u.substr(7);
  if (u.rfind("git+", 0) == 0) u = u.substr(4);
  if (u.rfind("git://", 0) == 0) u = "https://" + u.substr(6);
  if (u.rfind("ssh://git@", 0) == 0) u = "https://" + u.substr(10);
  if (u.rfind("git@", 0) == 0) {
    u = "https://" + u.substr(4);
    const size_t colon = u.find(':', 8);
    if (colon != std::string::npos) u[colon] = '/';
  }
  // "owner/repo" shorthand (npm): GitHub.
  if (u.find("://") == std::string::npos) {
    const size_t slash = u.find('/');
    if (slash != std::string::npos && slash > 0 && u.find('/', slash + 1) == std::string::npos &&
        u.find(':') == std::string::npos) {
      u = "https://github.com/" + u;
    } else {
      return "";
    }
  }
  if (u.size() > 4 && u.compare(u.size() - 4, 4, ".git") == 0) u.resize(u.size() - 4);
  const size_t hash = u.find('#');
  if (hash != std::string::npos) u.resize(hash);
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (u.rfind("https://", 0) != 0 && u.rfind("http://", 0) != 0) return "";
  return u;
}

namespace detail {

std::string urlEncodeComponent(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

namespace {

// A read-only stream over bytes already in memory (no copy, unlike std::istringstream).
class MemoryBuf : public std::streambuf {
 public:
  explicit MemoryBuf(std::string& s) { setg(s.data(), s.data(), s.data() + s.size()); }
};

std::optional<HttpResponse> fetchWith(RegistryHttp& http, const LookupRequest& request,
                                      const std::string& url, const std::string& what,
                                      const std::string& accept, bool head,
                                      const std::function<void(std::istream&)>* reader) {
  HttpRequest req;
  req.url = url;
  req.head = head;
  if (!accept.empty()) req.headers.emplace_back("Accept", accept);
  for (const auto& h : request.authHeaders) req.headers.push_back(h);
  bool streamed = false;
  if (reader) {
    req.bodyReader = [reader, &streamed](std::istream& in) {
      streamed = true;
      (*reader)(in);
    };
  }
  HttpResponse resp = http.get(req);
  if (resp.status >= 200 && resp.status < 300) {
    if (reader && !streamed) {
      MemoryBuf buf(resp.body);
      std::istream in(&buf);
      (*reader)(in);
      resp.body.clear();
      resp.body.shrink_to_fit();
    }
    return resp;
  }
  if (resp.status == 404 || resp.status == 410) return std::nullopt;
  std::string hint;
  if (resp.status == 401 || resp.status == 403) {
    hint = ": access denied; give the bot a token for this registry in its environment";
  } else if (resp.status == 429) {
    hint = ": rate limited; ddd will try again on the next run";
  } else if (resp.status >= 500) {
    hint = ": the registry failed; ddd will try again on the next run";
  } else {
    hint = ": unexpected answer";
  }
  throw RegistryError(what + ": " + redactUrl(url) + " answered HTTP " +
                      std::to_string(resp.status) + hint);
}

}  // namespace

std::optional<HttpResponse> fetch(RegistryHttp& http, const LookupRequest& request,
                                  const std::string& url, const std::string& what,
                                  const std::string& accept, bool head) {
  return fetchWith(http, request, url, what, accept, head, nullptr);
}

std::optional<HttpResponse> fetchStreamed(RegistryHttp& http, const LookupRequest& request,
                                          const std::string& url, const std::string& what,
                                          const std::function<void(std::istream&)>& reader,
                                          const std::string& accept) {
  return fetchWith(http, request, url, what, accept, false, &reader);
}

}  // namespace detail
}  // namespace ddd::analyzers::deps
