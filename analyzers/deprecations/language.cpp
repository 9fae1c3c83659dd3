#include "analyzers/deprecations/language.h"

#include <array>

namespace ddd::analyzers::deprecations {
namespace {

constexpr std::array<std::string_view, kLanguageCount> kNames = {
    "python", "javascript", "typescript", "go", "cpp", "c", "yaml", "dockerfile", "shell"};

struct ExtensionLanguage {
  std::string_view extension;  // without the dot
  Language language;
};

constexpr ExtensionLanguage kExtensions[] = {
    {"py", Language::Python},
    {"pyi", Language::Python},
    {"js", Language::JavaScript},
    {"mjs", Language::JavaScript},
    {"cjs", Language::JavaScript},
    {"jsx", Language::JavaScript},
    {"ts", Language::TypeScript},
    {"mts", Language::TypeScript},
    {"cts", Language::TypeScript},
    {"tsx", Language::TypeScript},
    {"go", Language::Go},
    {"cc", Language::Cpp},
    {"cpp", Language::Cpp},
    {"cxx", Language::Cpp},
    {"c++", Language::Cpp},
    {"h", Language::Cpp},
    {"hh", Language::Cpp},
    {"hpp", Language::Cpp},
    {"hxx", Language::Cpp},
    {"ipp", Language::Cpp},
    {"inl", Language::Cpp},
    {"c", Language::C},
    {"yml", Language::Yaml},
    {"yaml", Language::Yaml},
    {"sh", Language::Shell},
    {"bash", Language::Shell},
};

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Dockerfile, Dockerfile.*, Containerfile, Containerfile.*; the file name decides.
bool isDockerfileName(std::string_view base) {
  constexpr std::string_view kDockerfileNames[] = {"Dockerfile", "Containerfile"};
  for (std::string_view name : kDockerfileNames) {
    if (base.starts_with(name) && (base.size() == name.size() || base[name.size()] == '.')) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<Language> languageOf(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (isDockerfileName(base)) return Language::Dockerfile;
  const std::size_t dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;  // no extension, or ".bashrc"
  const std::string_view extension = base.substr(dot + 1);
  // api.Dockerfile, web.dockerfile: the one extension matched in any case.
  if (equalsIgnoringAsciiCase(extension, "dockerfile")) return Language::Dockerfile;
  for (const ExtensionLanguage& e : kExtensions) {
    if (e.extension == extension) return e.language;
  }
  return std::nullopt;
}

std::string_view languageName(Language language) {
  return kNames[static_cast<std::size_t>(language)];
}

std::optional<Language> languageFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Language>(i);
  }
  return std::nullopt;
}

}  // namespace ddd::analyzers::deprecations
