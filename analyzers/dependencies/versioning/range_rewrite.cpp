#include "analyzers/dependencies/versioning/range_rewrite.h"

#include <algorithm>

namespace ddd::analyzers::deps::detail {
namespace {

struct Edit {
  size_t begin, end;
  std::string text;
};

std::string applyEdits(std::string_view text, size_t from, size_t to, std::vector<Edit> edits) {
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  std::string out;
  size_t at = from;
  for (const auto& e : edits) {
    if (e.begin < at || e.end > to) continue;  // overlapping or outside: ignore
    out.append(text.substr(at, e.begin - at));
    out += e.text;
    at = e.end;
  }
  out.append(text.substr(at, to - at));
  return out;
}

std::string numbers(const std::vector<uint64_t>& release) {
  std::string out;
  for (size_t i = 0; i < release.size(); ++i) {
    if (i) out += '.';
    out += std::to_string(release[i]);
  }
  return out;
}

// The first release above the target at `level`, padded to `width` components.
std::vector<uint64_t> ceilingAbove(const TargetVersion& t, size_t level, size_t width) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i <= level; ++i) out.push_back(i < t.release.size() ? t.release[i] : 0);
  out[level] += 1;
  while (out.size() < width) out.push_back(0);
  return out;
}

// The text a ceiling clause gets so that it admits the target.
std::string raisedCeiling(const RangeClause& c, const TargetVersion& t) {
  const size_t p = std::max<size_t>(c.release.size(), 1);
  if (!c.strict) return formatAt(t, p);
  size_t level = 0;
  for (size_t i = 0; i < c.release.size(); ++i) {
    if (c.release[i] != 0) level = i;
  }
  return numbers(ceilingAbove(t, level, p));
}

std::string_view clauseText(std::string_view range, const RangeClause& c) {
  return range.substr(c.opBegin, c.clauseEnd - c.opBegin);
}

// Edits that raise a set's floors to the target (and its ceilings when they exclude it).
std::vector<Edit> bumpEdits(std::string_view range, const RangeSetClauses& set,
                            const TargetVersion& t, const RangeSyntax& syntax,
                            const std::function<bool(std::string_view)>& admits) {
  std::vector<Edit> edits;
  for (const auto& c : set.clauses) {
    switch (c.role) {
      case RangeClause::Role::Floor:
        if (c.release.empty()) break;
        edits.push_back({c.verBegin, c.verEnd, formatAt(t, c.release.size())});
        if (c.strict) edits.push_back({c.opBegin, c.opEnd, std::string(syntax.floorOperator)});
        break;
      case RangeClause::Role::Exact:
        edits.push_back({c.verBegin, c.verEnd, formatAt(t, t.fullPrecision)});
        break;
      case RangeClause::Role::Ceiling:
        if (!admits(clauseText(range, c))) {
          edits.push_back({c.verBegin, c.verEnd, raisedCeiling(c, t)});
        }
        break;
      case RangeClause::Role::Exclude:
      case RangeClause::Role::Any:
        break;
    }
  }
  return edits;
}

bool hasFloor(const RangeSetClauses& set) {
  return std::any_of(set.clauses.begin(), set.clauses.end(), [](const RangeClause& c) {
    return (c.role == RangeClause::Role::Floor && !c.release.empty()) ||
           c.role == RangeClause::Role::Exact;
  });
}

}  // namespace

std::string formatAt(const TargetVersion& target, size_t precision) {
  std::string out;
  for (size_t i = 0; i < precision; ++i) {
    if (i) out += '.';
    out += std::to_string(i < target.release.size() ? target.release[i] : 0);
  }
  if (precision >= target.fullPrecision) out += target.suffix;
  return out;
}

std::optional<std::string> rewriteRange(std::string_view range,
                                        const std::vector<RangeSetClauses>& sets,
                                        const TargetVersion& target, RangeStrategy strategy,
                                        const RangeSyntax& syntax,
                                        const std::function<bool(std::string_view)>& admits) {
  auto checked = [&](std::string out) -> std::optional<std::string> {
    if (!admits(out)) return std::nullopt;
    return out;
  };
  if (strategy == RangeStrategy::Pin) {
    return checked(std::string(syntax.exactOperator) + formatAt(target, target.fullPrecision));
  }
  if (sets.empty()) return std::nullopt;
  // One exact version follows the target under every strategy.
  if (sets.size() == 1 && sets[0].clauses.size() == 1 &&
      sets[0].clauses[0].role == RangeClause::Role::Exact) {
    const auto& c = sets[0].clauses[0];
    return checked(applyEdits(range, 0, range.size(),
                              {{c.verBegin, c.verEnd, formatAt(target, target.fullPrecision)}}));
  }
  const bool admitted = admits(range);
  if (admitted && strategy != RangeStrategy::Bump) return std::string(range);

  const bool unions = !syntax.unionSeparator.empty();
  auto appendBumpedLast = [&]() -> std::optional<std::string> {
    const auto& last = sets.back();
    if (!hasFloor(last)) return std::nullopt;
    std::string bumped =
        applyEdits(range, last.begin, last.end, bumpEdits(range, last, target, syntax, admits));
    // Trim the set's surrounding blanks.
    const size_t b = bumped.find_first_not_of(" \t");
    const size_t e = bumped.find_last_not_of(" \t");
    if (b == std::string::npos) return std::nullopt;
    bumped = bumped.substr(b, e - b + 1);
    std::string base(range);
    while (!base.empty() && (base.back() == ' ' || base.back() == '\t')) base.pop_back();
    return checked(base + std::string(syntax.unionSeparator) + bumped);
  };

  if (strategy == RangeStrategy::Widen) {
    std::vector<Edit> edits;
    bool impliedCeiling = false;
    for (const auto& set : sets) {
      for (const auto& c : set.clauses) {
        if (c.role == RangeClause::Role::Floor && c.impliedCeilingLevel >= 0) impliedCeiling = true;
      }
    }
    if (unions && (impliedCeiling || sets.size() > 1)) return appendBumpedLast();
    for (const auto& set : sets) {
      for (const auto& c : set.clauses) {
        if (c.role == RangeClause::Role::Ceiling && !admits(clauseText(range, c))) {
          edits.push_back({c.verBegin, c.verEnd, raisedCeiling(c, target)});
        } else if (c.role == RangeClause::Role::Floor && c.impliedCeilingLevel >= 0 &&
                   !c.release.empty()) {
          const size_t level = static_cast<size_t>(c.impliedCeilingLevel);
          std::string text = std::string(syntax.floorOperator) +
                             std::string(range.substr(c.verBegin, c.verEnd - c.verBegin)) +
                             std::string(syntax.clauseSeparator) +
                             std::string(syntax.ceilingOperator) +
                             numbers(ceilingAbove(target, level, level + 1));
          edits.push_back({c.opBegin, c.clauseEnd, std::move(text)});
        }
      }
    }
    if (edits.empty()) return std::nullopt;
    return checked(applyEdits(range, 0, range.size(), std::move(edits)));
  }

  // Bump (or Replace of a range that does not admit the target).
  if (sets.size() > 1) {
    for (const auto& set : sets) {
      if (admits(range.substr(set.begin, set.end - set.begin))) {
        if (!hasFloor(set)) return std::string(range);
        std::string before(range.substr(0, set.begin));
        std::string after(range.substr(set.end));
        return checked(
            before +
            applyEdits(range, set.begin, set.end, bumpEdits(range, set, target, syntax, admits)) +
            after);
      }
    }
    return appendBumpedLast();
  }
  const auto& set = sets.front();
  if (!hasFloor(set) && admitted) return std::string(range);
  auto edits = bumpEdits(range, set, target, syntax, admits);
  if (edits.empty())
    return admitted ? std::optional<std::string>(std::string(range)) : std::nullopt;
  return checked(applyEdits(range, 0, range.size(), std::move(edits)));
}

}  // namespace ddd::analyzers::deps::detail
