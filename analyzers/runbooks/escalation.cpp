#include "analyzers/runbooks/escalation.h"

#include <re2/re2.h>

namespace ddd::analyzers::runbooks {
namespace {

void errorExits(const FileInput& in, const std::string& ext, FileFacts& out) {
  static const RE2 kFailJson(R"re(\bfail_json\s*\()re");
  static const RE2 kRaise(R"re(^\s*raise\s+([A-Za-z_][A-Za-z0-9_.]*))re");
  static const RE2 kSysExit(R"re(\bsys\.exit\(\s*([1-9][0-9]*)\s*\))re");
  static const RE2 kPyLog(R"re(\b(?:logger|logging|log|LOG|_logger|self\.logger|self\.log)\.(error|critical|exception|fatal)\s*\()re");
  static const RE2 kPanic(R"re(\bpanic\s*\()re");
  static const RE2 kFatal(R"re(\blog\.(Fatal|Fatalf|Fatalln|Panic|Panicf)\s*\()re");
  static const RE2 kGoLog(R"re(\b(?:logger|log|l|zap\.L\(\)|logrus)\.(Error|Errorf|Fatal|Fatalf|Critical)\s*\()re");
  static const RE2 kProcExit(R"re(\bprocess\.exit\(\s*([1-9][0-9]*)\s*\))re");
  static const RE2 kJsLog(R"re(\b(?:logger|log|console)\.(error)\s*\()re");
  static const RE2 kShExit(R"re(^\s*(?:.*(?:\|\||&&|;)\s*)?exit\s+([1-9][0-9]*)\b)re");
  const bool py = ext == ".py";
  const bool go = ext == ".go";
  const bool js = ext == ".js" || ext == ".ts" || ext == ".mjs" || ext == ".cjs";
  const bool sh = ext == ".sh" || ext == ".bash";
  if (!py && !go && !js && !sh) return;
  // One pass over the file finds the candidate lines of its language.
  static const RE2 kPyHints(R"re(fail_json|raise|sys\.exit|\.(?:error|critical|exception|fatal)\s*\()re");
  static const RE2 kGoHints(R"re(panic|log\.(?:Fatal|Panic)|\.(?:Error|Errorf|Fatal|Fatalf|Critical)\s*\()re");
  static const RE2 kJsHints(R"re(process\.exit|\.error\s*\()re");
  static const RE2 kShHints(R"re(\bexit\s+[1-9])re");
  const RE2& hints = py ? kPyHints : go ? kGoHints : js ? kJsHints : kShHints;
  text::forEachLineMatching(in.text, hints, [&](uint32_t number, std::string_view line) {
    if (line.size() > 600) return;
    const std::string_view t = text::trim(line);
    if (t.empty() || t[0] == '#' || t.substr(0, 2) == "//") return;
    std::string type, subject, arg;
    if (py) {
      if (RE2::PartialMatch(line, kFailJson)) subject = "fail_json";
      else if (RE2::PartialMatch(line, kRaise, &arg)) subject = "raise " + arg;
      else if (RE2::PartialMatch(line, kSysExit, &arg)) subject = "sys.exit(" + arg + ")";
      else if (RE2::PartialMatch(line, kPyLog, &arg)) subject = "logger." + arg;
    } else if (go) {
      if (RE2::PartialMatch(line, kFatal, &arg)) subject = "log." + arg;
      else if (RE2::PartialMatch(line, kPanic)) subject = "panic";
      else if (RE2::PartialMatch(line, kGoLog, &arg)) subject = "logger." + arg;
    } else if (js) {
      if (RE2::PartialMatch(line, kProcExit, &arg)) subject = "process.exit(" + arg + ")";
      else if (RE2::PartialMatch(line, kJsLog, &arg)) subject = "logger." + arg;
    } else if (sh) {
      if (RE2::PartialMatch(line, kShExit, &arg)) subject = "exit " + arg;
    }
    if (subject.empty()) return;
    Fact f;
    f.source = {in.path, number};
    f.kind = FactKind::Escalation;
    f.type = subject.rfind("logger.", 0) == 0 ? "error-log" : "error-exit";
    f.subject = subject;
    f.value = text::clip(text::firstStringLiteral(line), 160);
    out.facts.push_back(std::move(f));
  });
}

void alertmanager(const FileInput& in, const YAML::Node& doc, FileFacts& out) {
  const YAML::Node route = doc["route"];
  const YAML::Node receivers = doc["receivers"];
  if (!route || !route.IsMap() || !receivers || !receivers.IsSequence()) return;
  auto addRoute = [&](const YAML::Node& r, const std::string& scope, auto& self, int depth) -> void {
    if (!r.IsMap() || depth > 8) return;
    Fact f;
    f.source = {in.path, yaml::lineOf(r)};
    f.kind = FactKind::Escalation;
    f.type = "alertmanager-route";
    f.subject = yaml::scalar(r, "receiver");
    std::string match;
    for (const char* key : {"matchers", "match", "match_re"}) {
      const YAML::Node m = r[key];
      if (!m) continue;
      if (m.IsSequence()) match += yaml::joined(m);
      if (m.IsMap()) {
        for (const auto& kv : m) {
          if (kv.first.IsScalar() && kv.second.IsScalar()) {
            if (!match.empty()) match += ", ";
            match += kv.first.Scalar() + "=" + kv.second.Scalar();
          }
        }
      }
    }
    f.value = match.empty() ? scope : match;
    for (const char* k : {"group_wait", "group_interval", "repeat_interval"}) {
      if (auto v = yaml::scalar(r, k); !v.empty()) f.details.push_back(std::string(k) + ": " + v);
    }
    out.facts.push_back(std::move(f));
    const YAML::Node children = r["routes"];
    if (children && children.IsSequence()) {
      for (const auto& c : children) self(c, "sub-route", self, depth + 1);
    }
  };
  addRoute(route, "default route", addRoute, 0);
  for (const auto& rc : receivers) {
    if (!rc.IsMap()) continue;
    Fact f;
    f.source = {in.path, yaml::lineOf(rc)};
    f.kind = FactKind::Escalation;
    f.type = "alertmanager-receiver";
    f.subject = yaml::scalar(rc, "name");
    std::string channels;
    for (const auto& kv : rc) {
      if (!kv.first.IsScalar() || kv.first.Scalar() == "name") continue;
      if (!channels.empty()) channels += ", ";
      channels += kv.first.Scalar();
    }
    f.value = channels.empty() ? "no notification channel" : channels;
    out.facts.push_back(std::move(f));
  }
}

void codeowners(const FileInput& in, FileFacts& out) {
  text::forEachLine(in.text, [&](uint32_t number, std::string_view line) {
    const std::string_view t = text::trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '[' || t[0] == '^') return;
    const size_t space = t.find_first_of(" \t");
    if (space == std::string_view::npos) return;
    Fact f;
    f.source = {in.path, number};
    f.kind = FactKind::Escalation;
    f.type = "codeowners";
    f.subject = std::string(t.substr(0, space));
    f.value = std::string(text::trim(t.substr(space)));
    out.facts.push_back(std::move(f));
  });
}

}  // namespace

void extractEscalation(const FileInput& in, FileFacts& out) {
  const std::string base = text::baseName(in.path);
  if (base == "CODEOWNERS") {
    codeowners(in, out);
    return;
  }
  errorExits(in, text::extension(in.path), out);
  for (const YAML::Node& doc : in.yaml) {
    try {
      if (doc.IsMap()) alertmanager(in, doc, out);
    } catch (const YAML::Exception& e) {
      out.warnings.push_back(in.path + ": unexpected YAML shape (" + e.what() + "); skipped");
    }
  }
}

}  // namespace ddd::analyzers::runbooks
