#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <string_view>

#include "bot/report.h"
#include "bot/version.h"

namespace ddd::bot {
namespace {

constexpr const char* kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const char* sarifLevel(analyzers::Severity s) {
  switch (s) {
    case analyzers::Severity::Error:
      return "error";
    case analyzers::Severity::Warning:
      return "warning";
    case analyzers::Severity::Note:
    case analyzers::Severity::Info:
      return "note";
  }
  return "warning";
}

// Percent-encodes everything but unreserved characters and '/', so a repository path
// becomes a relative URI reference.
std::string uriEncodePath(std::string_view path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string fileUri(const std::filesystem::path& dir) {
  std::string p = dir.string();
  if (p.empty() || p.back() != '/') p += '/';
  return "file://" + uriEncodePath(p);
}

// A URI for versionControlProvenance: the origin URL when it is one, an scp-like
// "user@host:path" rewritten as ssh://, else the repository's file URI.
std::string repositoryUri(const ScanReport& report) {
  const std::string& url = report.remoteUrl;
  if (url.find("://") != std::string::npos) return url;
  auto colon = url.find(':');
  if (!url.empty() && colon != std::string::npos && url.find('/') > colon) {
    return "ssh://" + url.substr(0, colon) + "/" + url.substr(colon + 1);
  }
  return fileUri(report.repoPath);
}

uint64_t fnv1a(std::string_view data, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Lines of the files that have findings, read once per file from the scanned tree.
class LineSource {
 public:
  explicit LineSource(const analyzers::SourceTree* tree) : tree_(tree) {}

  std::string_view line(const std::string& path, uint32_t number) {
    if (!tree_ || number == 0) return {};
    if (path != currentPath_) load(path);
    if (number > lineStarts_.size()) return {};
    size_t begin = lineStarts_[number - 1];
    size_t end = content_.find('\n', begin);
    if (end == std::string::npos) end = content_.size();
    return std::string_view(content_).substr(begin, end - begin);
  }

 private:
  void load(const std::string& path) {
    currentPath_ = path;
    content_.clear();
    lineStarts_.clear();
    const auto& files = tree_->files();
    auto it = std::lower_bound(
        files.begin(), files.end(), path,
        [](const analyzers::SourceFile& f, const std::string& p) { return f.path < p; });
    if (it == files.end() || it->path != path) return;
    auto content = tree_->read(*it);
    if (!content) return;
    content_ = std::move(*content);
    lineStarts_.push_back(0);
    for (size_t i = 0; i < content_.size(); ++i) {
      if (content_[i] == '\n' && i + 1 < content_.size()) lineStarts_.push_back(i + 1);
    }
  }

  const analyzers::SourceTree* tree_;
  std::string currentPath_;
  std::string content_;
  std::vector<size_t> lineStarts_;
};

// "PythonDatetimeUtcnow" from "python.datetime-utcnow".
std::string ruleName(const std::string& id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    if (c == '.' || c == '-' || c == '_' || c == '/') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out.empty() ? "Rule" : out;
}

std::string firstSentence(const std::string& message) {
  auto end = message.find(". ");
  return end == std::string::npos ? message : message.substr(0, end + 1);
}

nlohmann::json ruleToSarif(const analyzers::Finding& f) {
  std::vector<std::string> tags = {f.analyzer, "maintainability"};
  if (f.analyzer == "deprecations") tags.push_back("deprecated-api");
  return {{"id", f.rule},
          {"name", ruleName(f.rule)},
          {"shortDescription", {{"text", firstSentence(f.message)}}},
          {"fullDescription", {{"text", f.message}}},
          {"helpUri", f.docs.empty() ? std::string(kHomepage) : f.docs},
          {"help", {{"text", f.message + (f.docs.empty() ? "" : " See " + f.docs)}}},
          {"defaultConfiguration", {{"level", sarifLevel(f.severity)}}},
          {"properties", {{"tags", tags}}}};
}

}  // namespace

nlohmann::json scanToSarif(const ScanReport& report) {
  const auto& findings = report.result.findings;

  std::map<std::string, size_t> ruleIndex;
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& f : findings) {
    if (f.path.empty() || ruleIndex.count(f.rule)) continue;
    ruleIndex[f.rule] = rules.size();
    rules.push_back(ruleToSarif(f));
  }

  LineSource lines(report.tree.get());
  std::map<std::string, int> fingerprintCount;
  nlohmann::json results = nlohmann::json::array();
  // Findings about no file (an analyzer that failed) are tool notifications: code
  // scanning requires a location on every result.
  nlohmann::json notifications = nlohmann::json::array();
  for (const auto& f : findings) {
    if (f.path.empty()) {
      notifications.push_back({{"level", sarifLevel(f.severity)},
                               {"message", {{"text", f.message}}},
                               {"descriptor", {{"id", f.rule}}}});
    }
  }
  for (const auto& f : findings) {
    if (f.path.empty()) continue;
    nlohmann::json result = {{"ruleId", f.rule},
                             {"ruleIndex", ruleIndex[f.rule]},
                             {"level", sarifLevel(f.severity)},
                             {"message", {{"text", f.message}}}};
    {
      nlohmann::json region = {{"startLine", std::max<uint32_t>(f.line, 1)}};
      if (f.column) region["startColumn"] = f.column;
      if (f.endLine >= f.line && f.endLine) region["endLine"] = f.endLine;
      if (f.endColumn && f.column && (f.endLine > f.line || f.endColumn > f.column)) {
        region["endColumn"] = f.endColumn;
      }
      result["locations"] = nlohmann::json::array(
          {{{"physicalLocation",
             {{"artifactLocation", {{"uri", uriEncodePath(f.path)}, {"uriBaseId", "%SRCROOT%"}}},
              {"region", std::move(region)}}}}});
    }
    // Stable across unrelated edits: the rule, the path and the text of the line (not
    // its number), plus a counter for identical lines.
    uint64_t h = fnv1a(f.rule);
    h = fnv1a(std::string_view("\0", 1), h);
    h = fnv1a(f.path, h);
    h = fnv1a(std::string_view("\0", 1), h);
    h = fnv1a(trimmed(lines.line(f.path, f.line)), h);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    int occurrence = ++fingerprintCount[hex];
    result["partialFingerprints"] = {
        {"primaryLocationLineHash", std::string(hex) + ":" + std::to_string(occurrence)}};
    results.push_back(std::move(result));
  }

  nlohmann::json run = {
      {"tool",
       {{"driver",
         {{"name", "ddd"},
          {"version", kVersion},
          {"semanticVersion", kVersion},
          {"informationUri", kHomepage},
          {"rules", std::move(rules)}}}}},
      {"originalUriBaseIds", {{"%SRCROOT%", {{"uri", fileUri(report.repoPath)}}}}},
      {"versionControlProvenance",
       nlohmann::json::array({{{"repositoryUri", repositoryUri(report)},
                               {"revisionId", report.commit.hex()},
                               {"mappedTo", {{"uriBaseId", "%SRCROOT%"}}}}})},
      {"invocations",
       nlohmann::json::array({{{"executionSuccessful", true},
                               {"toolExecutionNotifications", std::move(notifications)}}})},
      {"results", std::move(results)}};
  return {{"$schema", kSarifSchema}, {"version", "2.1.0"}, {"runs", nlohmann::json::array({run})}};
}

std::string renderSarif(const ScanReport& report) {
  return scanToSarif(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace ddd::bot
