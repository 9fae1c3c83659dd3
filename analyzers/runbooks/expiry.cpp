#include "analyzers/runbooks/expiry.h"

#include <re2/re2.h>

#include <cctype>
#include <cstdlib>
#include <set>

#include "analyzers/runbooks/cadence.h"

namespace ddd::analyzers::runbooks {
namespace {

constexpr int64_t kDay = 86400;

bool isLogrotate(const std::string& path) {
  const std::string base = text::baseName(path);
  return text::contains(path, "logrotate.d/") || base == "logrotate.conf" ||
         (base.size() > 10 && base.compare(base.size() - 10, 10, ".logrotate") == 0);
}

bool isConfigOrCode(const std::string& path) {
  static const std::set<std::string> kExt = {
      ".py", ".js", ".ts", ".go", ".rb", ".java", ".kt", ".yml", ".yaml", ".json", ".toml",
      ".ini", ".conf", ".cfg", ".env", ".properties", ".sh", ".tf", ".hcl", ".j2", ".service", ""};
  return kExt.count(text::extension(path)) != 0;
}

// Lower-case words of an identifier: "ttlSecondsAfterFinished" -> ttl seconds after finished.
std::vector<std::string> words(std::string_view id) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (std::isupper(static_cast<unsigned char>(c)) && !cur.empty() &&
        std::islower(static_cast<unsigned char>(id[i - 1]))) {
      out.push_back(std::move(cur));
      cur.clear();
    }
    cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Whether a setting's name says how long something is kept or lives, and the unit its
// name gives a bare number ("retention_days" -> "d", "ttlSeconds..." -> "s").
bool isRetentionName(std::string_view name, char& unit) {
  const auto ws = words(name);
  bool hit = false;
  for (size_t i = 0; i < ws.size(); ++i) {
    const std::string& w = ws[i];
    if (w == "retention" || w == "retain" || w == "ttl" || w == "expire" || w == "expires" ||
        w == "expiry" || w == "expiration" || w == "maxage" || w == "lifetime") {
      hit = true;
    }
    if (w == "max" && i + 1 < ws.size() && ws[i + 1] == "age") hit = true;
    if (w == "rotate" && i + 1 < ws.size() && (ws[i + 1] == "days" || ws[i + 1] == "count")) hit = true;
    if (w == "keep" && i + 1 < ws.size() &&
        (ws[i + 1] == "days" || ws[i + 1] == "hours" || ws[i + 1] == "weeks" || ws[i + 1] == "for")) {
      hit = true;
    }
    if (w == "seconds" || w == "secs" || w == "sec") unit = 's';
    if (w == "minutes" || w == "mins") unit = 'm';
    if (w == "hours") unit = 'h';
    if (w == "days") unit = 'd';
    if (w == "weeks") unit = 'w';
  }
  // "expires" alone is usually an HTTP header or a date, not a duration setting; keep it
  // only with a unit in the name or value.
  return hit;
}

// A non-negative integer of at most 12 digits, else -1 (never throws).
int64_t smallNumber(const std::string& digits) {
  if (digits.empty() || digits.size() > 12) return -1;
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string plainDuration(int64_t seconds) {
  auto unit = [](int64_t n, const char* one) { return std::to_string(n) + " " + one + (n == 1 ? "" : "s"); };
  if (seconds % kDay == 0) return unit(seconds / kDay, "day");
  if (seconds % 3600 == 0) return unit(seconds / 3600, "hour");
  if (seconds % 60 == 0) return unit(seconds / 60, "minute");
  return unit(seconds, "second");
}

void addFact(const FileInput& in, uint32_t line, const char* type, std::string subject, std::string value,
             std::vector<std::string> details, FileFacts& out) {
  Fact f;
  f.source = {in.path, line == 0 ? 1 : line};
  f.kind = FactKind::Signal;
  f.type = type;
  f.subject = std::move(subject);
  f.value = std::move(value);
  f.details = std::move(details);
  out.facts.push_back(std::move(f));
}

// A certificate valid for `seconds`: the fact, and its renewal schedule.
void addCertificate(const FileInput& in, uint32_t line, std::string subject, std::string value,
                    int64_t seconds, std::vector<std::string> details, FileFacts& out) {
  if (seconds > 0) details.insert(details.begin(), "valid " + plainDuration(seconds));
  if (seconds >= kDay) {
    Schedule s;
    s.source = {in.path, line == 0 ? 1 : line};
    s.origin = "certificate";
    s.expression = value;
    s.name = subject;
    s.description = "valid " + plainDuration(seconds) + " from issue: renew before it expires";
    s.timezone = "UTC";
    s.cadence = cadenceForInterval(static_cast<double>(seconds) / kDay);
    s.rrule = intervalRrule(seconds);
    out.schedules.push_back(std::move(s));
  }
  addFact(in, line, "cert-expiry", std::move(subject), std::move(value), std::move(details), out);
}

void certificateResources(const FileInput& in, FileFacts& out) {
  for (const YAML::Node& doc : in.yaml) {
    try {
      if (!doc.IsMap() || yaml::scalar(doc, "kind") != "Certificate" || !doc["spec"] || !doc["spec"].IsMap()) continue;
      const YAML::Node spec = doc["spec"];
      std::string name = doc["metadata"] ? yaml::scalar(doc["metadata"], "name") : "";
      if (name.empty()) name = yaml::scalar(spec, "secretName");
      const std::string duration = yaml::scalar(spec, "duration");
      const std::string renew = yaml::scalar(spec, "renewBefore");
      std::vector<std::string> details;
      if (!renew.empty()) details.push_back("renewBefore: " + renew);
      const std::string issuer = spec["issuerRef"] ? yaml::scalar(spec["issuerRef"], "name") : "";
      if (!issuer.empty()) details.push_back("issuer: " + issuer);
      const uint32_t line = yaml::lineOf(spec["duration"] ? spec["duration"] : spec);
      // cert-manager's default duration is 90 days; not written here, so not assumed.
      addCertificate(in, line, "Certificate " + name,
                     duration.empty() ? "cert-manager Certificate (duration not set)" : "duration: " + duration,
                     duration.empty() ? -1 : durationSeconds(duration), std::move(details), out);
    } catch (const YAML::Exception& e) {
      out.warnings.push_back(in.path + ": unexpected YAML shape (" + e.what() + "); skipped");
    }
  }
}

}  // namespace

int64_t durationSeconds(std::string_view value, std::string_view unitHint) {
  static const RE2 kPart(R"re(\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*,?)re");
  re2::StringPiece input(value.data(), value.size());
  double total = 0;
  int parts = 0;
  std::string number, unit;
  while (!input.empty() && RE2::Consume(&input, kPart, &number, &unit)) {
    std::string u = text::lower(unit);
    if (u.empty()) u = std::string(unitHint);
    double factor = -1;
    if (u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds") factor = 1;
    else if (u == "m" || u == "min" || u == "mins" || u == "minute" || u == "minutes") factor = 60;
    else if (u == "h" || u == "hr" || u == "hrs" || u == "hour" || u == "hours") factor = 3600;
    else if (u == "d" || u == "day" || u == "days") factor = kDay;
    else if (u == "w" || u == "week" || u == "weeks") factor = 7 * kDay;
    else if (u == "y" || u == "year" || u == "years") factor = 365 * kDay;
    else if (u == "ms") factor = 0.001;
    if (factor < 0) return -1;
    if (number.size() > 15) return -1;
    total += std::strtod(number.c_str(), nullptr) * factor;
    ++parts;
    if (parts > 8) return -1;
  }
  // Under a second (e.g. "1ms") is no maintenance duration: -1 like zero, never 0.
  if (parts == 0 || !input.empty() || total < 1 || total > 1e12) return -1;
  return static_cast<int64_t>(total);
}

namespace {

struct LinePatterns {
  RE2 hints{"(?m)" + ExpiryLines::pattern()};
  RE2 assign{R"re(([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?:=|:)\s*["']?(\d+(?:\.\d+)?(?:[a-zA-Z]+\d*)*))re"};
  RE2 logrotate{R"re(^\s*(rotate|maxage)\s+(\d+)\s*$)re"};
  RE2 opensslDays{R"re(\bopenssl\b.*\s-days\s+(\d+))re"};
  RE2 checkend{R"re(-checkend\s+(\d+))re"};
  RE2 certbot{R"re(\bcertbot\s+(renew|certonly)\b)re"};
  RE2 notAfter{R"re(\b([a-z_]*not_after):\s*["']?\+(\d+[smhdwy]))re"};
  RE2 validity{R"re(\bvalidity_period_hours\s*=\s*(\d+))re"};
  RE2 nginxCert{R"re(^\s*(ssl_certificate|SSLCertificateFile)\s+([^;\s]+))re"};
  RE2 path{R"re(^\s*-?\s*path:\s*["']?([^"'\s]+))re"};
};

const LinePatterns& patterns() {
  static const LinePatterns p;
  return p;
}

}  // namespace

const std::string& ExpiryLines::pattern() {
  static const std::string p =
      "(?i:retention|retain|(?:\\b|_)ttl|ttl(?:\\b|_)|expir|max[_-]?age|keep[_-]?(?:days|hours|weeks|for)|"
      "lifetime|openssl|checkend|certbot|not_after|validity_period|ssl_?certificate(?:file)?\\b)|"
      "^\\s*(?:rotate|maxage)\\s";
  return p;
}

ExpiryLines::ExpiryLines(const FileInput& in) : in_(in) {
  logrotate_ = isLogrotate(in.path);
  const std::string ext = text::extension(in.path);
  yaml_ = ext == ".yml" || ext == ".yaml";
  applies_ = in.text.size() <= (8u << 20) && (logrotate_ || isConfigOrCode(in.path));
}

void ExpiryLines::line(uint32_t n, std::string_view raw, FileFacts& out) const {
  if (!applies_ || raw.size() > 600) return;
  const LinePatterns& re = patterns();
  const FileInput& in = in_;
  const std::string_view line = text::trim(raw);
  if (line.empty() || line[0] == '#' || line.substr(0, 2) == "//") return;
  std::string a, b;
  if (logrotate_) {
    if (RE2::FullMatch(line, re.logrotate, &a, &b)) {
      std::vector<std::string> d;
      if (a == "maxage") d.push_back("rotated logs older than " + b + " days are removed");
      else d.push_back("keeps " + b + " rotated log files");
      addFact(in, n, "retention", "logrotate " + a, b, std::move(d), out);
    }
    return;
  }
  const std::string clipped = text::clip(line, 160);
  if (text::contains(line, "openssl") && RE2::PartialMatch(line, re.opensslDays, &a)) {
    const int64_t days = smallNumber(a);
    addCertificate(in, n, "openssl certificate", clipped, days > 0 && days < 100000 ? days * kDay : -1, {}, out);
    return;
  }
  if (text::contains(line, "-checkend") && RE2::PartialMatch(line, re.checkend, &a)) {
    const int64_t s = smallNumber(a);
    std::vector<std::string> d;
    if (s > 0) d.push_back("fails when the certificate expires within " + plainDuration(s));
    addFact(in, n, "cert-expiry", "expiry check", clipped, std::move(d), out);
    return;
  }
  if (text::contains(line, "certbot") && RE2::PartialMatch(line, re.certbot, &a)) {
    addFact(in, n, "cert-expiry", "certbot " + a, clipped, {}, out);
    return;
  }
  if (text::contains(line, "not_after") && RE2::PartialMatch(line, re.notAfter, &a, &b)) {
    // The `path:` of the Ansible task this line belongs to: up to 8 lines above.
    std::string path;
    uint32_t at = 0;
    const std::string_view all = in.text;
    const char* base = all.data();
    if (yaml_ && raw.data() >= base && raw.data() <= base + all.size()) {
      size_t end = static_cast<size_t>(raw.data() - base);  // start of this line
      for (uint32_t back = 1; back <= 8 && end > 0 && path.empty(); ++back) {
        const size_t nl = end - 1;  // the newline ending the line above
        const size_t prev = nl == 0 ? std::string_view::npos : all.rfind('\n', nl - 1);
        const size_t begin = prev == std::string_view::npos ? 0 : prev + 1;
        if (RE2::PartialMatch(all.substr(begin, nl - begin), re.path, &path)) at = n - back;
        end = begin;
      }
    }
    addCertificate(in, n, path.empty() ? a : path, clipped, durationSeconds(b),
                   path.empty() ? std::vector<std::string>{} : std::vector<std::string>{"path at line " + std::to_string(at)},
                   out);
    return;
  }
  if (text::contains(line, "validity_period_hours") && RE2::PartialMatch(line, re.validity, &a)) {
    const int64_t hours = smallNumber(a);
    addCertificate(in, n, "validity_period_hours", clipped, hours > 0 && hours < 100000 * 24 ? hours * 3600 : -1, {}, out);
    return;
  }
  if (text::containsIgnoreCase(line, "sslcertificate") || text::contains(line, "ssl_certificate")) {
    if (RE2::PartialMatch(line, re.nginxCert, &a, &b)) {
      if (b.find('$') == std::string::npos) addFact(in, n, "cert-expiry", b, a + " " + b, {"check its notAfter date"}, out);
      return;
    }
  }
  // cert-manager Certificates are read from their YAML (extractExpiryResources).
  if (yaml_ && (text::contains(line, "duration:") || text::contains(line, "renewBefore:"))) return;
  re2::StringPiece input(line.data(), line.size());
  std::string name, value;
  while (RE2::FindAndConsume(&input, re.assign, &name, &value)) {
    char unit = '\0';
    if (!isRetentionName(name, unit)) continue;
    std::vector<std::string> details;
    const int64_t s = durationSeconds(value, unit ? std::string_view(&unit, 1) : std::string_view());
    if (s > 0) details.push_back(plainDuration(s));
    details.push_back(clipped);
    addFact(in, n, "retention", name, value, std::move(details), out);
  }
}

void extractExpiryResources(const FileInput& in, FileFacts& out) {
  if (in.text.size() > (8u << 20)) return;
  certificateResources(in, out);
}

void extractExpiry(const FileInput& in, FileFacts& out) {
  extractExpiryResources(in, out);
  const ExpiryLines lines(in);
  if (!lines.applies()) return;
  text::forEachLineMatching(in.text, patterns().hints,
                            [&](uint32_t n, std::string_view raw) { lines.line(n, raw, out); });
}

}  // namespace ddd::analyzers::runbooks
