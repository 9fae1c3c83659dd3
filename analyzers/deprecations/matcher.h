#pragma once
// RuleMatcher: finds every match of a set of rules in one file. Built once per scan,
// per language, in two prefilter stages so most files cost one fast pass:
//  1. A literal scan (SIMD) for the literals each pattern's matches must contain
//     (pattern_literals.h). A rule whose matches never span lines is then run only on
//     the lines holding one of its literals; a rule whose matches may span lines is
//     run on the whole file, and only when one of its literals occurs.
//  2. The rules that need whole-file runs (those, plus rules with no known literal) are
//     compiled into one RE2::Set that prefilters the whole file in a single pass; only
//     the rules the set reports are run one by one.
// A file is lexed (comments, strings) only once a rule has matched in it. Immutable
// after construction; scan() is thread-safe (scratch memory is per thread).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/deprecations/language.h"
#include "analyzers/deprecations/rule_pack.h"

namespace ddd::analyzers::deprecations {

struct MatchOptions {
  // Matches reported per rule and file; the rest are only counted (RuleOverflow).
  std::size_t maxMatchesPerRule = 10000;
  // Stage 1 above; off, every regex rule goes through the RE2::Set (same results).
  bool literalPrefilter = true;
};

// One match of a rule. The reported span is what a finding points at: the rule's fix
// group when it names one and the group took part in the match (the deprecated token,
// not the context the pattern needs around it), else the whole match. Lines and
// columns are those of the reported span: 1-based, columns count bytes, the end
// position is just past its last byte.
struct RuleMatch {
  const Rule* rule = nullptr;
  uint32_t ruleOrder = 0;  // the rule's index in the matcher's list (ties sort by it)
  std::size_t begin = 0;   // the matched bytes
  std::size_t end = 0;
  std::size_t reportedBegin = 0;  // the reported span (see above)
  std::size_t reportedEnd = 0;
  bool hasEdit = false;       // the rule has a replacement and the edited span is known
  std::size_t editBegin = 0;  // the span the fix replaces
  std::size_t editEnd = 0;
  std::string replacement;  // new text of the span (when hasEdit)
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t endLine = 0;
  uint32_t endColumn = 0;
};

// Matches of a rule in a file beyond MatchOptions::maxMatchesPerRule: counted only.
struct RuleOverflow {
  const Rule* rule = nullptr;
  uint64_t unreported = 0;
};

struct FileMatches {
  std::vector<RuleMatch> matches;  // sorted by (reportedBegin, ruleOrder)
  std::vector<RuleOverflow> overflows;
};

class RuleMatcher {
 public:
  // `rules` (any languages and types) must outlive the matcher; their order is the
  // tie-break order of matches starting at the same byte.
  explicit RuleMatcher(std::vector<const Rule*> rules, MatchOptions options = {});
  ~RuleMatcher();
  RuleMatcher(const RuleMatcher&) = delete;
  RuleMatcher& operator=(const RuleMatcher&) = delete;

  const std::vector<const Rule*>& rules() const { return rules_; }
  bool hasRulesFor(Language language) const;
  // Whether some rule of `language` accepts `path` by its globs: decides, before a
  // file is read, whether it is worth reading.
  bool mayApply(std::string_view path, Language language) const;
  // Replaces `out` with the matches in `content` (the file at `path`, of `language`).
  // Matches starting in a comment are dropped, and in a string literal unless the rule
  // says inStrings (k8s-api rules skip comment lines themselves).
  void scan(std::string_view path, Language language, std::string_view content,
            FileMatches& out) const;

 private:
  struct LanguageRules;
  std::vector<const Rule*> rules_;
  MatchOptions options_;
  std::array<std::unique_ptr<LanguageRules>, kLanguageCount> languages_;
};

}  // namespace ddd::analyzers::deprecations
