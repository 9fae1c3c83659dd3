#pragma once
// What every extractor gets for one file: its path, its text and, for YAML files that
// parsed, their documents (parsed once by the driver, extract.cpp). Plus the small text
// helpers the extractors share. Extractors never throw for bad input: they skip what
// they cannot read and say so in FileFacts::warnings.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "analyzers/runbooks/facts.h"

namespace re2 {
class RE2;
}

namespace ddd::analyzers::runbooks {

struct FileInput {
  std::string path;
  std::string_view text;
  std::vector<YAML::Node> yaml;  // the documents of a YAML file that parsed; else empty
};

namespace text {

// Calls fn(lineNumber (1-based), line without its '\n' / "\r\n") for every line.
void forEachLine(std::string_view text, const std::function<void(uint32_t, std::string_view)>& fn);
// Like forEachLine, but only for the lines where `prefilter` matches, found by one pass
// of the regex over the whole text (much cheaper than a regex call per line).
void forEachLineMatching(std::string_view text, const re2::RE2& prefilter,
                         const std::function<void(uint32_t, std::string_view)>& fn);
std::string lower(std::string_view s);
std::string_view trim(std::string_view s);
std::string baseName(std::string_view path);        // "a/b/c.py" -> "c.py"
std::string dirName(std::string_view path);         // "a/b/c.py" -> "a/b"; "c.py" -> ""
std::string extension(std::string_view path);       // "a/b.tar.gz" -> ".gz", lower-case
bool contains(std::string_view haystack, std::string_view needle);
bool containsIgnoreCase(std::string_view haystack, std::string_view lowerNeedle);
// The first quoted string literal ('..', "..", `..`) on the line, without quotes; "".
std::string firstStringLiteral(std::string_view line);
// Shortens to at most `max` bytes on a UTF-8 boundary, adding "..." when cut.
std::string clip(std::string_view s, size_t max = 160);
// The text with every byte that is not part of a valid UTF-8 sequence replaced by '?'.
std::string validUtf8(std::string_view s);

}  // namespace text

namespace yaml {

uint32_t lineOf(const YAML::Node& n);  // 1-based line of a node (0 if unknown)
// The scalar at n[key] as text, "" when absent or not a scalar. Never throws.
std::string scalar(const YAML::Node& n, const char* key);
// A scalar or a sequence of scalars, joined with spaces ("CMD-SHELL curl -f ...").
std::string joined(const YAML::Node& n);
// Calls fn(key, value, map) for every key of every map under `root`, depth first.
void forEachEntry(const YAML::Node& root,
                  const std::function<void(const std::string&, const YAML::Node&,
                                           const YAML::Node&)>& fn);

}  // namespace yaml

}  // namespace ddd::analyzers::runbooks
