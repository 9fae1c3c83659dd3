#include "bot/tech_debt_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace ddd::bot {
namespace {

std::string fmt(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string weekLabel(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%G-W%V", &tm);
  return buf;
}

std::string dateOf(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

double clamp100(double v) { return std::max(0.0, std::min(100.0, v)); }

std::string escapeCell(std::string s) {
  for (auto& c : s) {
    if (c == '|' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

std::string control(const std::string& id, const std::string& label) {
  return "- [ ] " + label + " <!-- ddd:control " + id + " -->\n";
}

// A section whose list may be cut: `head` always kept, then `items` while they fit.
struct Section {
  std::string head;
  std::vector<std::string> items;
  std::string tail;
  size_t kept = SIZE_MAX;  // how many items are rendered
  std::string render(const std::string& fullUrl) const {
    std::string out = head;
    const size_t n = std::min(kept, items.size());
    for (size_t i = 0; i < n; ++i) out += items[i];
    if (n < items.size()) {
      out += "\n… and " + std::to_string(items.size() - n) + " more" +
             (fullUrl.empty() ? std::string(" (run `ddd report` for the full list)")
                              : " in the [full report](" + fullUrl + ")") +
             ".\n";
    }
    return out + tail;
  }
};

std::string chart(const std::string& title, const std::string& axis,
                  const std::vector<std::string>& labels, const std::vector<double>& values,
                  double yMax) {
  std::string out = "```mermaid\nxychart-beta\n    title \"" + title + "\"\n    x-axis [";
  for (size_t i = 0; i < labels.size(); ++i) out += (i ? ", \"" : "\"") + labels[i] + "\"";
  out += "]\n    y-axis \"" + axis + "\" 0 --> " + fmt(yMax, 0) + "\n    line [";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + fmt(values[i]);
  return out + "]\n```\n";
}

}  // namespace

HealthScore healthScore(const HealthInputs& in, const HealthWeights& w) {
  HealthScore s;
  std::map<std::string, double> raw;
  if (in.libyears) {
    double part = 100.0 * std::max(0.0, 1.0 - *in.libyears / w.libyearsAtZero);
    part -= 5.0 * (in.deprecatedDependencies + in.yankedDependencies);
    s.parts["dependencies"] = clamp100(part);
    raw["dependencies"] = w.dependencies;
  }
  if (in.deprecatedApiUsages) {
    s.parts["deprecations"] =
        clamp100(100.0 * std::max(0.0, 1.0 - *in.deprecatedApiUsages / w.deprecationsAtZero));
    raw["deprecations"] = w.deprecations;
  }
  if (in.deadcodeFindings) {
    s.parts["deadcode"] =
        clamp100(100.0 * std::max(0.0, 1.0 - *in.deadcodeFindings / w.deadcodeAtZero));
    raw["deadcode"] = w.deadcode;
  }
  if (in.readiness) {
    s.parts["readiness"] = clamp100(*in.readiness);
    raw["readiness"] = w.readiness;
  }
  double sum = 0;
  for (const auto& [k, v] : raw) sum += v;
  double total = 0;
  for (const auto& [k, v] : raw) {
    s.weights[k] = sum > 0 ? v / sum : 0;
    total += s.weights[k] * s.parts[k];
  }
  s.total = static_cast<int>(std::lround(clamp100(total)));
  return s;
}

std::optional<Trend> fitTrend(const std::vector<double>& values) {
  const size_t n = values.size();
  if (n < 2) return std::nullopt;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < n; ++i) {
    sx += static_cast<double>(i);
    sy += values[i];
    sxx += static_cast<double>(i) * static_cast<double>(i);
    sxy += static_cast<double>(i) * values[i];
  }
  const double denom = static_cast<double>(n) * sxx - sx * sx;
  Trend t;
  t.points = n;
  t.slope = denom == 0 ? 0 : (static_cast<double>(n) * sxy - sx * sy) / denom;
  t.intercept = (sy - t.slope * sx) / static_cast<double>(n);
  return t;
}

std::string forecastSentence(const std::string& metric, const std::vector<double>& values,
                             double threshold, bool risingIsBad) {
  constexpr size_t kMinPoints = 4;
  if (values.size() < kMinPoints) {
    return "too little history to forecast " + metric + " (" + std::to_string(values.size()) +
           (values.size() == 1 ? " week" : " weeks") + "; needs " + std::to_string(kMinPoints) +
           ")";
  }
  const Trend t = *fitTrend(values);
  const double now = t.intercept + t.slope * static_cast<double>(values.size() - 1);
  const bool crossed = risingIsBad ? now >= threshold : now <= threshold;
  const std::string dir = risingIsBad ? "will pass" : "will fall below";
  if (crossed) {
    return metric + " is already past " + fmt(threshold, 0) + " (" + fmt(now) +
           " on the trend line)";
  }
  const bool worsening = risingIsBad ? t.slope > 1e-9 : t.slope < -1e-9;
  if (!worsening) {
    return metric +
           (std::abs(t.slope) < 1e-9 ? " is flat"
            : risingIsBad            ? " is falling"
                                     : " is rising") +
           ": no crossing of " + fmt(threshold, 0) + " ahead at the current trend (" +
           (t.slope >= 0 ? "+" : "") + fmt(t.slope, 2) + " a week)";
  }
  const double weeks = (threshold - now) / t.slope;
  const long rounded = std::max(1L, std::lround(std::ceil(weeks)));
  return "at the current trend, " + metric + " " + dir + " " + fmt(threshold, 0) + " in about " +
         std::to_string(rounded) + (rounded == 1 ? " week" : " weeks") + " (" +
         (t.slope >= 0 ? "+" : "") + fmt(t.slope, 2) + " a week)";
}

std::string reportMarker(const std::string& repo) {
  return "<!-- ddd:tech-debt-report repo=" + repo + " -->";
}

std::string reportTitle(const std::string& repo) {
  return "ddd: weekly tech-debt report for " + repo;
}

std::string renderTechDebtReport(const ReportInput& in) {
  const HealthScore score = healthScore(in.current, in.weights);
  std::string top = reportMarker(in.repo) + "\n# Tech-debt report: " + in.repo + "\n\n";
  top += "Updated " + dateOf(in.now) + " (" + weekLabel(in.now) +
         "). ddd edits this issue every week; tick a box below to act.\n\n";

  // Score and change.
  std::string change;
  if (!in.history.empty()) {
    const int delta = score.total - static_cast<int>(std::lround(in.history.back().score));
    change = delta == 0 ? " (unchanged since last week)"
                        : std::string(" (") + (delta > 0 ? "+" : "") + std::to_string(delta) +
                              " since last week)";
  }
  top += "## System health: **" + std::to_string(score.total) + " / 100**" + change + "\n\n";
  top += "| part | score | weight |\n|---|---|---|\n";
  for (const auto& [part, value] : score.parts) {
    top += "| " + part + " | " + fmt(value, 0) + " | " + fmt(score.weights.at(part) * 100, 0) +
           " % |\n";
  }
  if (score.parts.empty()) top += "| (no analyzer measured anything yet) | | |\n";
  top += "\n";

  // Controls, above the long lists.
  std::string controls = "## Controls\n\n";
  controls += control("rerun-all", "Rerun all analyzers");
  for (const auto& a : in.analyzers) controls += control("rerun:" + a, "Rerun " + a);
  controls += control("rebase-all", "Rebase all open ddd PRs");
  if (!in.heldBack.empty()) controls += control("create-held-back", "Create the held-back PRs now");
  controls += "\n";

  // Parts in detail.
  std::string parts = "## Details\n\n";
  const auto& c = in.current;
  if (c.libyears) {
    parts += "**Dependencies**: " + fmt(*c.libyears) + " libyears behind";
    std::string byType;
    for (const auto& [type, n] : c.updatesByType)
      byType += (byType.empty() ? "" : ", ") + std::to_string(n) + " " + type;
    if (!byType.empty()) parts += "; updates available: " + byType;
    if (c.deprecatedDependencies)
      parts += "; " + std::to_string(c.deprecatedDependencies) + " deprecated";
    if (c.yankedDependencies) parts += "; " + std::to_string(c.yankedDependencies) + " yanked";
    parts += ".\n\n";
  }
  if (c.deprecatedApiUsages) {
    parts += "**Deprecated APIs**: " + std::to_string(*c.deprecatedApiUsages) + " usages";
    std::string byPack;
    for (const auto& [pack, n] : c.deprecationsByPack)
      byPack += (byPack.empty() ? "" : ", ") + pack + " " + std::to_string(n);
    if (!byPack.empty()) parts += " (" + byPack + ")";
    parts += ".\n\n";
  }
  if (c.deadcodeFindings) {
    parts += "**Dead code**: " + std::to_string(*c.deadcodeFindings) + " findings";
    std::string byKind;
    for (const auto& [kind, n] : c.deadcodeByKind)
      byKind += (byKind.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
    if (!byKind.empty()) parts += " (" + byKind + ")";
    parts += ".\n\n";
  }
  if (c.readiness) {
    parts += "**Maintenance readiness**: " + fmt(*c.readiness, 0) + " / 100";
    std::string cad;
    for (const auto& [k, v] : c.readinessByCadence)
      cad += (cad.empty() ? "" : ", ") + k + " " + fmt(v, 0);
    if (!cad.empty()) parts += " (" + cad + ")";
    if (!c.weakestComponents.empty()) {
      parts += "; weakest:";
      for (size_t i = 0; i < c.weakestComponents.size() && i < 5; ++i) {
        parts += (i ? ", " : " ") + c.weakestComponents[i].first + " " +
                 fmt(c.weakestComponents[i].second, 0);
      }
    }
    parts += ".\n\n";
  }

  // Trends: the last 12 weeks including this one.
  std::vector<WeekPoint> points = in.history;
  points.push_back({in.now, static_cast<double>(score.total), c.libyears});
  if (points.size() > 12) points.erase(points.begin(), points.end() - 12);
  std::vector<std::string> labels;
  std::vector<double> scores, libyears;
  std::vector<std::string> libLabels;
  for (const auto& p : points) {
    labels.push_back(weekLabel(p.at).substr(5));
    scores.push_back(p.score);
    if (p.libyears) {
      libyears.push_back(*p.libyears);
      libLabels.push_back(weekLabel(p.at).substr(5));
    }
  }
  std::string trends = "## Trends (last " + std::to_string(points.size()) +
                       (points.size() == 1 ? " week" : " weeks") + ")\n\n";
  trends += chart("Health score", "score", labels, scores, 100);
  if (!libyears.empty()) {
    const double maxLib = *std::max_element(libyears.begin(), libyears.end());
    trends += chart("Libyears behind", "libyears", libLabels, libyears,
                    std::max(in.libyearsThreshold, std::ceil(maxLib * 1.2)));
  }
  trends += "\n**Forecast**\n\n";
  trends += "- " + forecastSentence("the health score", scores, in.scoreThreshold, false) + "\n";
  if (!libyears.empty()) {
    trends +=
        "- " + forecastSentence("total libyears", libyears, in.libyearsThreshold, true) + "\n";
  }
  trends += "\n";

  Section prs;
  prs.head = "## Open ddd pull requests (" + std::to_string(in.pullRequests.size()) + ")\n\n";
  if (in.pullRequests.empty()) {
    prs.head += "None.\n";
  } else {
    prs.head += "| PR | title | decision | state |\n|---|---|---|---|\n";
    for (const auto& p : in.pullRequests) {
      prs.items.push_back("| " +
                          (p.url.empty() ? "#" + std::to_string(p.number)
                                         : "[#" + std::to_string(p.number) + "](" + p.url + ")") +
                          " | " + escapeCell(p.title) + " | " + p.decision + " | " +
                          escapeCell(p.state) + " |\n");
    }
  }
  prs.tail = "\n";
  Section held;
  held.head = "## Held back (" + std::to_string(in.heldBack.size()) + ")\n\n";
  if (in.heldBack.empty()) {
    held.head += "Nothing is held back.\n";
  } else {
    held.head += "| change | why |\n|---|---|\n";
    for (const auto& h : in.heldBack) {
      held.items.push_back("| " + escapeCell(h.title.empty() ? h.changeId : h.title) + " | " +
                           escapeCell(h.reason) + " |\n");
    }
  }
  held.tail = "\n";
  const std::string footer =
      "---\nMade by ddd. Edit nothing above by hand except the boxes: ddd rewrites this issue "
      "every week.\n";

  auto assemble = [&] {
    return top + controls + parts + trends + prs.render(in.fullReportUrl) +
           held.render(in.fullReportUrl) + footer;
  };
  std::string body = assemble();
  // Over the limit: shorten the long lists, the longer first, then drop the charts.
  while (body.size() > in.bodyLimit &&
         (std::min(prs.kept, prs.items.size()) > 0 || std::min(held.kept, held.items.size()) > 0)) {
    Section& s =
        std::min(prs.kept, prs.items.size()) >= std::min(held.kept, held.items.size()) ? prs : held;
    const size_t n = std::min(s.kept, s.items.size());
    const size_t excess = body.size() - in.bodyLimit;
    size_t drop = 1, freed = 0;
    while (drop < n && freed + s.items[n - drop].size() < excess)
      freed += s.items[n - drop++].size();
    s.kept = n - drop;
    body = assemble();
  }
  if (body.size() > in.bodyLimit) {
    trends = "## Trends\n\nCharts left out: the report is over the size limit.\n\n";
    body = assemble();
  }
  if (body.size() > in.bodyLimit) {
    // Last resort: cut at a line boundary, keeping the marker.
    const std::string note =
        "\n\n… cut to the size limit" +
        (in.fullReportUrl.empty() ? std::string(".")
                                  : ": [full report](" + in.fullReportUrl + ")") +
        "\n";
    size_t cut = in.bodyLimit > note.size() ? in.bodyLimit - note.size() : 0;
    cut = body.rfind('\n', cut);
    body = body.substr(0, cut == std::string::npos ? 0 : cut) + note;
    if (body.size() > in.bodyLimit) body = reportMarker(in.repo).substr(0, in.bodyLimit);
  }
  return body;
}

std::vector<std::string> newlyCheckedControls(const std::string& before, const std::string& after) {
  auto checked = [](const std::string& body, bool wantChecked) {
    std::set<std::string> out;
    size_t pos = 0;
    const std::string tag = "<!-- ddd:control ";
    while ((pos = body.find(tag, pos)) != std::string::npos) {
      const size_t end = body.find(" -->", pos);
      if (end == std::string::npos) break;
      const std::string id = body.substr(pos + tag.size(), end - pos - tag.size());
      const size_t lineStart = body.rfind('\n', pos);
      const std::string line =
          body.substr(lineStart == std::string::npos ? 0 : lineStart + 1,
                      pos - (lineStart == std::string::npos ? 0 : lineStart + 1));
      const bool isChecked =
          line.find("- [x]") != std::string::npos || line.find("- [X]") != std::string::npos;
      if (isChecked == wantChecked) out.insert(id);
      pos = end;
    }
    return out;
  };
  const auto was = checked(before, true);
  const auto now = checked(after, true);
  std::vector<std::string> out;
  for (const auto& id : now) {
    if (!was.count(id)) out.push_back(id);
  }
  return out;
}

}  // namespace ddd::bot
