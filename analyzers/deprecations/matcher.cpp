#include "analyzers/deprecations/matcher.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "analyzers/deprecations/k8s.h"
#include "analyzers/deprecations/lexer.h"
#include "analyzers/deprecations/literal_scanner.h"
#include "analyzers/deprecations/pattern_literals.h"

namespace ddd::analyzers::deprecations {

namespace {

// How a regex rule is prefiltered (see matcher.h).
enum class Kind : unsigned char {
  LineLocal,  // run on the lines holding one of its literals
  Gated,      // run on the whole file when one of its literals occurs
  Unfiltered  // no literal known: the set decides
};

}  // namespace

struct RuleMatcher::LanguageRules {
  struct RegexRule {
    uint32_t index = 0;  // into RuleMatcher::rules_
    Kind kind = Kind::Unfiltered;
  };
  std::vector<RegexRule> regexRules;                  // by rule order
  std::unique_ptr<LiteralScanner> literals;           // every required literal of the language
  std::vector<std::vector<uint32_t>> rulesOfLiteral;  // literal -> slots in regexRules
  std::unique_ptr<RE2::Set> set;                      // the Gated and Unfiltered rules
  std::vector<uint32_t> setSlots;                     // set index -> slot
  bool anyUnfiltered = false;
  std::vector<uint32_t> k8sRules;  // rule indices
  std::vector<uint32_t> allRules;  // regex and k8s rule indices
  bool anyWithoutGlobs = false;    // some rule applies to every file of the language
};

namespace {

// Per-thread working memory, reused from file to file.
struct Scratch {
  std::vector<LiteralHit> hits;
  std::vector<int> setHits;
  std::vector<Kind> pending;  // per slot: is it to run, and how
  std::vector<char> isPending;
  std::vector<std::vector<std::size_t>> lineHits;  // per line-local slot: literal offsets
  std::vector<uint32_t> touched;                   // slots with lineHits this file
  std::vector<Region> regions;
  std::vector<K8sApiRef> refs;
  std::vector<re2::StringPiece> submatches;
  std::vector<signed char>
      k8sApplies;  // per k8s rule: globs accept the path: -1 unknown, 0 no, 1 yes
  std::vector<std::size_t> k8sReported;
  std::vector<uint64_t> k8sUnreported;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Lexes the file on first use.
class LazyRegions {
 public:
  LazyRegions(Language language, std::string_view content, std::vector<Region>& regions)
      : language_(language), content_(content), regions_(regions) {}
  const std::vector<Region>& get() {
    if (!done_) {
      lexRegions(language_, content_, regions_);
      done_ = true;
    }
    return regions_;
  }

 private:
  Language language_;
  std::string_view content_;
  std::vector<Region>& regions_;
  bool done_ = false;
};

// One rule's matches in one file, searched range by range in increasing order.
class RuleSearch {
 public:
  RuleSearch(const Rule& rule, uint32_t order, std::string_view content, LazyRegions& regions,
             std::size_t cap, Scratch& s, FileMatches& out)
      : rule_(rule), order_(order), content_(content), regions_(regions), cap_(cap), out_(out) {
    s.submatches.assign(static_cast<std::size_t>(rule.submatches), re2::StringPiece());
    sub_ = s.submatches.data();
  }
  ~RuleSearch() {
    if (unreported_ > 0) out_.overflows.push_back({&rule_, unreported_});
  }

  // Every match lying in [from, to); the whole file is the context (^, $, \b).
  void search(std::size_t from, std::size_t to) {
    const re2::StringPiece text(content_.data(), content_.size());
    const int n = rule_.submatches;
    std::size_t pos = from;
    while (pos <= to) {
      if (!rule_.regex->Match(text, pos, to, RE2::UNANCHORED, sub_, n)) break;
      const auto begin = static_cast<std::size_t>(sub_[0].data() - content_.data());
      const std::size_t end = begin + sub_[0].size();
      pos = end > begin ? end : end + 1;
      if (end == begin) continue;  // an empty match (\b, ^) is nothing to report
      if (insideSkippedRegion(begin)) continue;
      if (reported_ == cap_) {
        ++unreported_;
        continue;
      }
      ++reported_;
      record(begin, end);
    }
  }

 private:
  bool insideSkippedRegion(std::size_t begin) {
    const std::vector<Region>& regions = regions_.get();
    while (region_ < regions.size() && regions[region_].end <= begin) ++region_;
    if (region_ < regions.size() && regions[region_].begin <= begin) {
      return regions[region_].kind == RegionKind::Comment || !rule_.inStrings;
    }
    return false;
  }

  void record(std::size_t begin, std::size_t end) {
    RuleMatch& m = out_.matches.emplace_back();
    m.rule = &rule_;
    m.ruleOrder = order_;
    m.begin = begin;
    m.end = end;
    m.reportedBegin = begin;
    m.reportedEnd = end;
    const re2::StringPiece& fix = sub_[rule_.fixGroup];
    if (fix.data() == nullptr) return;  // the fix group did not take part in this match
    m.reportedBegin = static_cast<std::size_t>(fix.data() - content_.data());
    m.reportedEnd = m.reportedBegin + fix.size();
    if (!rule_.replacement) return;
    m.hasEdit = true;
    m.editBegin = m.reportedBegin;
    m.editEnd = m.reportedEnd;
    rule_.regex->Rewrite(&m.replacement, *rule_.replacement, sub_, rule_.submatches);
  }

  const Rule& rule_;
  const uint32_t order_;
  const std::string_view content_;
  LazyRegions& regions_;
  const std::size_t cap_;
  FileMatches& out_;
  re2::StringPiece* sub_ = nullptr;
  std::size_t region_ = 0;  // regions before this one end before the current match
  std::size_t reported_ = 0;
  uint64_t unreported_ = 0;
};

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
  uint32_t columnOf(std::size_t offset) const {
    return static_cast<uint32_t>(offset - lineStart_ + 1);
  }

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

std::size_t lineStartBefore(std::string_view text, std::size_t offset) {
  const void* nl = offset == 0 ? nullptr : memrchr(text.data(), '\n', offset);
  return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1 : 0;
}

std::size_t lineEndAfter(std::string_view text, std::size_t offset) {
  const void* nl = std::memchr(text.data() + offset, '\n', text.size() - offset);
  return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
}

}  // namespace

RuleMatcher::RuleMatcher(std::vector<const Rule*> rules, MatchOptions options)
    : rules_(std::move(rules)), options_(options) {
  for (std::size_t l = 0; l < kLanguageCount; ++l) {
    const auto language = static_cast<Language>(l);
    auto lr = std::make_unique<LanguageRules>();
    std::vector<std::string> literals;
    std::map<std::string, uint32_t> literalIndex;
    std::vector<std::vector<uint32_t>> rulesOfLiteral;
    for (uint32_t i = 0; i < rules_.size(); ++i) {
      const Rule& rule = *rules_[i];
      if (!rule.hasLanguage(language)) continue;
      lr->allRules.push_back(i);
      if (rule.paths.empty() && rule.excludePaths.empty()) lr->anyWithoutGlobs = true;
      if (rule.type != RuleType::Regex) {
        lr->k8sRules.push_back(i);
        continue;
      }
      const auto slot = static_cast<uint32_t>(lr->regexRules.size());
      LanguageRules::RegexRule rr{i, Kind::Unfiltered};
      if (options_.literalPrefilter) {
        const PatternLiterals pl = analyzePattern(rule.pattern);
        if (!pl.required.empty()) {
          rr.kind = pl.mayMatchNewline ? Kind::Gated : Kind::LineLocal;
          for (const std::string& lit : pl.required) {
            auto [it, added] = literalIndex.emplace(lit, static_cast<uint32_t>(literals.size()));
            if (added) {
              literals.push_back(lit);
              rulesOfLiteral.emplace_back();
            }
            rulesOfLiteral[it->second].push_back(slot);
          }
        }
      }
      lr->anyUnfiltered = lr->anyUnfiltered || rr.kind == Kind::Unfiltered;
      lr->regexRules.push_back(rr);
    }
    if (lr->allRules.empty()) continue;
    if (!literals.empty()) {
      lr->literals = std::make_unique<LiteralScanner>(std::move(literals));
      lr->rulesOfLiteral = std::move(rulesOfLiteral);
    }
    std::vector<uint32_t> setSlots;
    for (uint32_t slot = 0; slot < lr->regexRules.size(); ++slot) {
      if (lr->regexRules[slot].kind != Kind::LineLocal) setSlots.push_back(slot);
    }
    if (!setSlots.empty()) {
      RE2::Options re2Options = rules_[lr->regexRules[setSlots.front()].index]->regex->options();
      re2Options.set_never_capture(true);
      re2Options.set_log_errors(false);
      re2Options.set_max_mem(int64_t{256} << 20);
      auto set = std::make_unique<RE2::Set>(re2Options, RE2::UNANCHORED);
      bool ok = true;
      for (uint32_t slot : setSlots) {
        std::string error;
        if (set->Add(rules_[lr->regexRules[slot].index]->pattern, &error) < 0) {
          ok = false;
          break;
        }
      }
      // Without a set the whole-file rules all run on every file: slower, still correct.
      if (ok && set->Compile()) lr->set = std::move(set);
      lr->setSlots = std::move(setSlots);
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
  LazyRegions regions(language, content, s.regions);
  const std::size_t slots = lr->regexRules.size();

  if (slots > 0) {
    s.pending.assign(slots, Kind::Unfiltered);
    s.isPending.assign(slots, 0);
    if (s.lineHits.size() < slots) s.lineHits.resize(slots);
    s.touched.clear();
    bool wholeFile = lr->anyUnfiltered;

    // Stage 1: the literals.
    if (lr->literals) {
      lr->literals->findAll(content, s.hits);
      for (const LiteralHit& hit : s.hits) {
        for (uint32_t slot : lr->rulesOfLiteral[hit.literal]) {
          const Kind kind = lr->regexRules[slot].kind;
          if (kind == Kind::LineLocal) {
            std::vector<std::size_t>& offsets = s.lineHits[slot];
            if (offsets.empty()) s.touched.push_back(slot);
            offsets.push_back(hit.offset);
            s.isPending[slot] = 1;
            s.pending[slot] = Kind::LineLocal;
          } else if (!s.isPending[slot]) {
            s.isPending[slot] = 1;
            s.pending[slot] = Kind::Gated;
            wholeFile = true;
          }
        }
      }
    }

    // Stage 2: the set, over the whole file, for the rules that need whole-file runs.
    if (wholeFile) {
      bool runAll = lr->set == nullptr;
      if (!runAll) {
        s.setHits.clear();
        RE2::Set::ErrorInfo error{RE2::Set::kNoError};
        if (!lr->set->Match(re2::StringPiece(content.data(), content.size()), &s.setHits, &error)) {
          runAll = error.kind != RE2::Set::kNoError;  // e.g. the DFA ran out of memory
        }
        // Gated rules the set does not report cannot match after all.
        for (uint32_t slot : lr->setSlots) {
          if (lr->regexRules[slot].kind == Kind::Gated) s.isPending[slot] = 0;
        }
        if (!runAll) {
          for (int hit : s.setHits) {
            const uint32_t slot = lr->setSlots[static_cast<std::size_t>(hit)];
            s.isPending[slot] = 1;
            s.pending[slot] = Kind::Unfiltered;
          }
        }
      }
      if (runAll) {
        for (uint32_t slot : lr->setSlots) {
          const Kind kind = lr->regexRules[slot].kind;
          if (kind == Kind::Unfiltered || s.pending[slot] == Kind::Gated) {
            s.isPending[slot] = 1;
            s.pending[slot] = Kind::Unfiltered;
          }
        }
      }
    }

    // The candidates, in rule order.
    for (uint32_t slot = 0; slot < slots; ++slot) {
      if (!s.isPending[slot]) continue;
      const uint32_t index = lr->regexRules[slot].index;
      const Rule& rule = *rules_[index];
      if (!rule.appliesToPath(path)) continue;
      RuleSearch search(rule, index, content, regions, options_.maxMatchesPerRule, s, out);
      if (s.pending[slot] == Kind::LineLocal) {
        std::size_t lastLineEnd = 0;
        bool any = false;
        for (std::size_t offset : s.lineHits[slot]) {
          if (any && offset <= lastLineEnd) continue;  // same line as the previous hit
          const std::size_t from = lineStartBefore(content, offset);
          lastLineEnd = lineEndAfter(content, offset);
          any = true;
          search.search(from, lastLineEnd);
        }
      } else {
        search.search(0, content.size());
      }
    }
    for (uint32_t slot : s.touched) s.lineHits[slot].clear();
  }

  // k8s-api rules: apiVersion/kind pairs.
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
          if (std::find(rule.kinds.begin(), rule.kinds.end(), ref.kind) == rule.kinds.end())
            continue;
          if (s.k8sApplies[k] < 0) s.k8sApplies[k] = rule.appliesToPath(path) ? 1 : 0;
          if (s.k8sApplies[k] == 0) continue;
          if (s.k8sReported[k] == options_.maxMatchesPerRule) {
            ++s.k8sUnreported[k];
            continue;
          }
          ++s.k8sReported[k];
          RuleMatch& m = out.matches.emplace_back();
          m.rule = &rule;
          m.ruleOrder = index;
          m.begin = ref.valueBegin;
          m.end = ref.valueEnd;
          m.reportedBegin = ref.valueBegin;
          m.reportedEnd = ref.valueEnd;
          if (rule.replacement) {
            m.hasEdit = true;
            m.editBegin = ref.valueBegin;
            m.editEnd = ref.valueEnd;
            m.replacement = *rule.replacement;
          }
        }
      }
      for (std::size_t k = 0; k < lr->k8sRules.size(); ++k) {
        if (s.k8sUnreported[k] > 0)
          out.overflows.push_back({rules_[lr->k8sRules[k]], s.k8sUnreported[k]});
      }
    }
  }

  // Order and positions.
  if (out.matches.empty()) return;
  std::sort(out.matches.begin(), out.matches.end(), [](const RuleMatch& a, const RuleMatch& b) {
    return a.reportedBegin != b.reportedBegin ? a.reportedBegin < b.reportedBegin
                                              : a.ruleOrder < b.ruleOrder;
  });
  LineCounter lines(content);
  for (RuleMatch& m : out.matches) {
    lines.advanceTo(m.reportedBegin);
    m.line = lines.line();
    m.column = lines.columnOf(m.reportedBegin);
    lines.endOf(m.reportedBegin, m.reportedEnd, &m.endLine, &m.endColumn);
  }
}

}  // namespace ddd::analyzers::deprecations
