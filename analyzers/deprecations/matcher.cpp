#include "analyzers/deprecations/matcher.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cstring>

#include "analyzers/deprecations/k8s.h"
#include "analyzers/deprecations/lexer.h"

namespace ddd::analyzers::deprecations {

struct RuleMatcher::LanguageRules {
  Language language = Language::Python;
  std::unique_ptr<RE2::Set> set;    // every regex rule; null when it could not be built
  std::vector<uint32_t> setRules;   // set index -> rule index
  std::vector<uint32_t> k8sRules;   // rule indices
  std::vector<uint32_t> allRules;   // regex and k8s rule indices
  bool anyWithoutGlobs = false;     // some rule applies to every file of the language
};

namespace {

// Per-thread working memory, reused from file to file.
struct Scratch {
  std::vector<int> setHits;
  std::vector<uint32_t> candidates;
  std::vector<Region> regions;
  std::vector<K8sApiRef> refs;
  std::vector<re2::StringPiece> submatches;
  // Per k8s rule of the language, for the current file:
  std::vector<signed char> k8sApplies;  // globs accept the path: -1 unknown, 0 no, 1 yes
  std::vector<std::size_t> k8sReported;
  std::vector<uint64_t> k8sUnreported;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Line and column bookkeeping over offsets visited in increasing order: counts the
// newlines between consecutive offsets only, so a file is walked once in total.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : t_(text) {}

  void advanceTo(std::size_t offset) {
    while (pos_ < offset) {
      const void* nl = std::memchr(t_.data() + pos_, '\n', offset - pos_);
      if (nl == nullptr) {
        pos_ = offset;
        break;
      }
      ++line_;
      pos_ = static_cast<std::size_t>(static_cast<const char*>(nl) - t_.data()) + 1;
      lineStart_ = pos_;
    }
  }
  uint32_t line() const { return line_; }
  uint32_t columnOf(std::size_t offset) const { return static_cast<uint32_t>(offset - lineStart_ + 1); }

  // Position just past [begin, end) when begin is the current offset, without moving.
  void endOf(std::size_t begin, std::size_t end, uint32_t* line, uint32_t* column) const {
    uint32_t l = line_;
    std::size_t start = lineStart_;
    std::size_t p = begin;
    while (p < end) {
      const void* nl = std::memchr(t_.data() + p, '\n', end - p);
      if (nl == nullptr) break;
      ++l;
      p = static_cast<std::size_t>(static_cast<const char*>(nl) - t_.data()) + 1;
      start = p;
    }
    *line = l;
    *column = static_cast<uint32_t>(end - start + 1);
  }

 private:
  std::string_view t_;
  std::size_t pos_ = 0;
  std::size_t lineStart_ = 0;
  uint32_t line_ = 1;
};

void findRegexMatches(const Rule& rule, uint32_t order, std::string_view content,
                      const std::vector<Region>& regions, std::size_t cap, Scratch& s,
                      FileMatches& out) {
  const re2::StringPiece text(content.data(), content.size());
  const int n = rule.submatches;
  s.submatches.assign(static_cast<std::size_t>(n), re2::StringPiece());
  re2::StringPiece* sub = s.submatches.data();
  std::size_t region = 0;  // regions before this one end before the current match
  std::size_t reported = 0;
  uint64_t unreported = 0;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    if (!rule.regex->Match(text, pos, content.size(), RE2::UNANCHORED, sub, n)) break;
    const std::size_t begin = static_cast<std::size_t>(sub[0].data() - content.data());
    const std::size_t end = begin + sub[0].size();
    pos = end > begin ? end : end + 1;
    if (end == begin) continue;  // an empty match (\b, ^) is nothing to report
    while (region < regions.size() && regions[region].end <= begin) ++region;
    if (region < regions.size() && regions[region].begin <= begin) {
      if (regions[region].kind == RegionKind::Comment || !rule.inStrings) continue;
    }
    if (reported == cap) {
      ++unreported;
      continue;
    }
    ++reported;
    RuleMatch& m = out.matches.emplace_back();
    m.rule = &rule;
    m.ruleOrder = order;
    m.begin = begin;
    m.end = end;
    if (rule.replacement) {
      const re2::StringPiece& fix = sub[rule.fixGroup];
      if (fix.data() != nullptr) {
        m.hasEdit = true;
        m.editBegin = static_cast<std::size_t>(fix.data() - content.data());
        m.editEnd = m.editBegin + fix.size();
        rule.regex->Rewrite(&m.replacement, *rule.replacement, sub, n);
      }
    }
  }
  if (unreported > 0) out.overflows.push_back({&rule, unreported});
}

}  // namespace

RuleMatcher::RuleMatcher(std::vector<const Rule*> rules, MatchLimits limits)
    : rules_(std::move(rules)), limits_(limits) {
  for (std::size_t l = 0; l < kLanguageCount; ++l) {
    const auto language = static_cast<Language>(l);
    auto lr = std::make_unique<LanguageRules>();
    lr->language = language;
    std::vector<uint32_t> regexRules;
    for (uint32_t i = 0; i < rules_.size(); ++i) {
      const Rule& rule = *rules_[i];
      if (!rule.hasLanguage(language)) continue;
      lr->allRules.push_back(i);
      if (rule.paths.empty() && rule.excludePaths.empty()) lr->anyWithoutGlobs = true;
      (rule.type == RuleType::Regex ? regexRules : lr->k8sRules).push_back(i);
    }
    if (lr->allRules.empty()) continue;
    if (!regexRules.empty()) {
      RE2::Options options = rules_[regexRules.front()]->regex->options();
      options.set_never_capture(true);
      options.set_log_errors(false);
      options.set_max_mem(int64_t{256} << 20);
      auto set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
      bool ok = true;
      for (uint32_t i : regexRules) {
        std::string error;
        if (set->Add(rules_[i]->pattern, &error) < 0) {
          ok = false;
          break;
        }
      }
      if (ok && set->Compile()) lr->set = std::move(set);
      // Without a set every regex rule runs on every file: slower, still correct.
      lr->setRules = std::move(regexRules);
    }
    languages_[l] = std::move(lr);
  }
}

RuleMatcher::~RuleMatcher() = default;

bool RuleMatcher::hasRulesFor(Language language) const {
  return languages_[static_cast<std::size_t>(language)] != nullptr;
}

bool RuleMatcher::mayApply(std::string_view path, Language language) const {
  const LanguageRules* lr = languages_[static_cast<std::size_t>(language)].get();
  if (lr == nullptr) return false;
  if (lr->anyWithoutGlobs) return true;
  for (uint32_t i : lr->allRules) {
    if (rules_[i]->appliesToPath(path)) return true;
  }
  return false;
}

void RuleMatcher::scan(std::string_view path, Language language, std::string_view content,
                       FileMatches& out) const {
  out.matches.clear();
  out.overflows.clear();
  const LanguageRules* lr = languages_[static_cast<std::size_t>(language)].get();
  if (lr == nullptr) return;
  Scratch& s = scratch();

  // 1. Regex rules: the set says which can match anywhere in the file.
  s.candidates.clear();
  if (!lr->setRules.empty()) {
    bool useAll = lr->set == nullptr;
    if (!useAll) {
      s.setHits.clear();
      RE2::Set::ErrorInfo error{RE2::Set::kNoError};
      if (!lr->set->Match(re2::StringPiece(content.data(), content.size()), &s.setHits, &error)) {
        useAll = error.kind != RE2::Set::kNoError;  // e.g. the DFA ran out of memory
      }
      for (int hit : s.setHits) s.candidates.push_back(lr->setRules[static_cast<std::size_t>(hit)]);
    }
    if (useAll) s.candidates = lr->setRules;
    std::sort(s.candidates.begin(), s.candidates.end());
  }
  bool lexed = false;
  for (uint32_t index : s.candidates) {
    const Rule& rule = *rules_[index];
    if (!rule.appliesToPath(path)) continue;
    if (!lexed) {
      lexRegions(language, content, s.regions);
      lexed = true;
    }
    findRegexMatches(rule, index, content, s.regions, limits_.maxMatchesPerRule, s, out);
  }

  // 2. k8s-api rules: apiVersion/kind pairs.
  if (!lr->k8sRules.empty()) {
    findK8sApiRefs(content, s.refs);
    if (!s.refs.empty()) {
      s.k8sApplies.assign(lr->k8sRules.size(), -1);
      s.k8sReported.assign(lr->k8sRules.size(), 0);
      s.k8sUnreported.assign(lr->k8sRules.size(), 0);
      for (const K8sApiRef& ref : s.refs) {
        for (std::size_t k = 0; k < lr->k8sRules.size(); ++k) {
          const uint32_t index = lr->k8sRules[k];
          const Rule& rule = *rules_[index];
          if (rule.apiVersion != ref.apiVersion) continue;
          if (std::find(rule.kinds.begin(), rule.kinds.end(), ref.kind) == rule.kinds.end()) continue;
          if (s.k8sApplies[k] < 0) s.k8sApplies[k] = rule.appliesToPath(path) ? 1 : 0;
          if (s.k8sApplies[k] == 0) continue;
          if (s.k8sReported[k] == limits_.maxMatchesPerRule) {
            ++s.k8sUnreported[k];
            continue;
          }
          ++s.k8sReported[k];
          RuleMatch& m = out.matches.emplace_back();
          m.rule = &rule;
          m.ruleOrder = index;
          m.begin = ref.valueBegin;
          m.end = ref.valueEnd;
          if (rule.replacement) {
            m.hasEdit = true;
            m.editBegin = ref.valueBegin;
            m.editEnd = ref.valueEnd;
            m.replacement = *rule.replacement;
          }
        }
      }
      for (std::size_t k = 0; k < lr->k8sRules.size(); ++k) {
        if (s.k8sUnreported[k] > 0) {
          out.overflows.push_back({rules_[lr->k8sRules[k]], s.k8sUnreported[k]});
        }
      }
    }
  }

  // 3. Order and positions.
  if (out.matches.empty()) return;
  std::sort(out.matches.begin(), out.matches.end(), [](const RuleMatch& a, const RuleMatch& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.ruleOrder < b.ruleOrder;
  });
  LineCounter lines(content);
  for (RuleMatch& m : out.matches) {
    lines.advanceTo(m.begin);
    m.line = lines.line();
    m.column = lines.columnOf(m.begin);
    lines.endOf(m.begin, m.end, &m.endLine, &m.endColumn);
  }
}

}  // namespace ddd::analyzers::deprecations
