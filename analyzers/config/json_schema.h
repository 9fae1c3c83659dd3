#pragma once
// JsonSchema: a JSON Schema validator over nlohmann::json. A schema is compiled once
// (references resolved, regexes compiled) and then validates any number of instances;
// a compiled schema is immutable, cheap to copy (copies share the compiled form) and
// safe to use from many threads at once.
//
// Drafts: 2020-12 (the default), 2019-09, draft-07, draft-06 and draft-04, chosen by
// the root's `$schema` (or JsonSchemaOptions::defaultDraft when it has none). The
// supported keywords, what differs between drafts and what is left out are listed in
// analyzers/config/README.md ("JSON Schema support"). In short: everything except
// unevaluatedProperties / unevaluatedItems and $dynamicRef / $recursiveRef, which
// make compile() throw; remote references resolve only to the documents handed over
// in JsonSchemaOptions::documents. No schema or instance overflows the stack: deep
// schemas fail to compile, deep instances and runaway $ref recursion give errors.

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace ddd::analyzers {

// A schema that can't be compiled: "<schema name>: <schema pointer>: <what is wrong>".
class SchemaCompileError : public std::runtime_error {
 public:
  explicit SchemaCompileError(const std::string& what) : std::runtime_error(what) {}
};

// One reason an instance is invalid.
struct SchemaError {
  std::string instancePointer;  // JSON pointer into the instance, "" = the whole document
  std::string keyword;          // the failing keyword: "enum", "additionalProperties", ...
  std::string message;          // "must be one of: pack, rule, all"
};

enum class SchemaDraft { Draft4, Draft6, Draft7, Draft2019_09, Draft2020_12 };

struct JsonSchemaOptions {
  // The draft of a schema whose root has no `$schema` (or an unknown one).
  SchemaDraft defaultDraft = SchemaDraft::Draft2020_12;
  // Check `format` for date-time, date, time, email, ipv4, ipv6, uuid and uri (see the
  // README for how strictly). Off: `format` is an annotation, as the drafts require.
  bool assertFormats = false;
  // Instances nested deeper than this (objects/arrays) are reported as an error
  // instead of being walked further.
  std::size_t maxInstanceDepth = 128;
  // Further schema documents by absolute URI (without fragment), for `$ref`s to other
  // documents. Nothing is ever fetched.
  std::map<std::string, nlohmann::json> documents;
};

class JsonSchema {
 public:
  // Compiles `schema`; `name` names it in error messages (a file name). Throws
  // SchemaCompileError for an invalid schema, an unresolvable `$ref`, a bad regex or an
  // unsupported keyword.
  static JsonSchema compile(const nlohmann::json& schema, std::string name);
  static JsonSchema compile(const nlohmann::json& schema, std::string name,
                            const JsonSchemaOptions& options);

  // Every violation found, in document order of the instance (empty = valid). Inside
  // anyOf / oneOf / not / if / contains only the verdict is reported, not why each
  // alternative failed.
  std::vector<SchemaError> validate(const nlohmann::json& instance) const;
  // The same verdict as validate().empty(), stopping at the first violation.
  bool isValid(const nlohmann::json& instance) const;

  const std::string& name() const;

  struct Compiled;  // detail, in json_schema.cpp

 private:
  explicit JsonSchema(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace ddd::analyzers
