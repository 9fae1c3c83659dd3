#pragma once
// Languages of scanned files, decided from the path alone (RULES.md "Languages"): no
// content sniffing, so deciding costs a few byte comparisons per file. Stateless and
// thread-safe.

#include <cstddef>
#include <optional>
#include <string_view>

namespace ddd::analyzers::deprecations {

enum class Language : unsigned char {
  Python,
  JavaScript,
  TypeScript,
  Go,
  Cpp,
  C,
  Yaml,
  Dockerfile,
  Shell,
};
inline constexpr std::size_t kLanguageCount = 9;

// The language of a repository-relative, '/'-separated path; nullopt when the path is
// none of the languages rules can target.
std::optional<Language> languageOf(std::string_view path);

// The name used in rule packs ("python", "cpp", ...).
std::string_view languageName(Language language);
// The inverse of languageName; nullopt for an unknown name.
std::optional<Language> languageFromName(std::string_view name);

}  // namespace ddd::analyzers::deprecations
