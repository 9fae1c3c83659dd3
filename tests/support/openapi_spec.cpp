#include "tests/support/openapi_spec.h"

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "analyzers/config/json_schema.h"
#include "tests/support/test_repo.h"

namespace ddd::testing {

using nlohmann::json;

struct OpenApiSpec::Operation {
  std::string method;  // upper case
  std::string pathTemplate;
  std::vector<std::string> segments;  // "{owner}" for parameters
  std::string operationId;
  const json* op = nullptr;
  std::vector<std::string> requiredQuery;
  bool bodyRequired = false;
  const json* bodySchema = nullptr;  // application/json schema, unresolved
  // Compiled on first use.
  mutable std::optional<analyzers::JsonSchema> compiled;
  mutable std::string compileError;
};

namespace {

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end;
  }
  return out;
}

bool isParam(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// OpenAPI 3.0 schema -> JSON Schema 2020-12: `nullable` becomes a null alternative,
// OpenAPI-only keywords are dropped, `$ref`s are collected for the closure.
json convertSchema(const json& s, std::set<std::string>& refs) {
  if (!s.is_object()) return s;
  json out = json::object();
  for (const auto& [k, v] : s.items()) {
    if (k == "nullable" || k == "example" || k == "discriminator" || k == "xml" ||
        k == "externalDocs" || k == "deprecated") {
      continue;
    }
    if (k == "$ref") {
      const std::string ref = v.get<std::string>();
      const std::string prefix = "#/components/schemas/";
      if (ref.rfind(prefix, 0) == 0) refs.insert(ref.substr(prefix.size()));
      out[k] = v;
    } else if (k == "properties" || k == "patternProperties") {
      json props = json::object();
      for (const auto& [name, sub] : v.items()) props[name] = convertSchema(sub, refs);
      out[k] = std::move(props);
    } else if (k == "items" || k == "not" || (k == "additionalProperties" && v.is_object())) {
      out[k] = convertSchema(v, refs);
    } else if (k == "oneOf" || k == "anyOf" || k == "allOf") {
      json arr = json::array();
      for (const auto& sub : v) arr.push_back(convertSchema(sub, refs));
      out[k] = std::move(arr);
    } else {
      out[k] = v;
    }
  }
  if (s.value("nullable", false)) {
    if (out.contains("type") && out["type"].is_string() && !out.contains("$ref")) {
      out["type"] = json::array({out["type"], "null"});
      if (out.contains("enum")) out["enum"].push_back(nullptr);
    } else {
      out = json{{"anyOf", json::array({out, json{{"type", "null"}}})}};
    }
  }
  return out;
}

}  // namespace

std::string percentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string OpenApiSpec::Match::describe() const {
  std::string out = operationId.empty() ? "no operation" : operationId + " (" + pathTemplate + ")";
  for (const auto& p : problems) out += "; " + p;
  return out;
}

OpenApiSpec::OpenApiSpec(json document) : doc_(std::move(document)) {
  if (!doc_.contains("paths") || !doc_["paths"].is_object()) {
    throw std::runtime_error("OpenAPI description has no paths object");
  }
  for (const auto& [path, item] : doc_["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      static const std::set<std::string> methods = {"get",   "put",  "post",   "delete",
                                                    "patch", "head", "options"};
      if (!methods.count(method)) continue;
      auto o = std::make_shared<Operation>();
      o->method = upper(method);
      o->pathTemplate = path;
      o->segments = splitPath(path);
      o->operationId = op.value("operationId", o->method + " " + path);
      o->op = &op;
      auto collect = [&](const json& params) {
        for (const auto& p : params) {
          const json& param = resolve(p);
          if (param.value("in", "") == "query" && param.value("required", false)) {
            o->requiredQuery.push_back(param.value("name", ""));
          }
        }
      };
      if (item.contains("parameters")) collect(item["parameters"]);
      if (op.contains("parameters")) collect(op["parameters"]);
      if (op.contains("requestBody")) {
        const json& body = resolve(op["requestBody"]);
        o->bodyRequired = body.value("required", false);
        if (body.contains("content") && body["content"].contains("application/json") &&
            body["content"]["application/json"].contains("schema")) {
          o->bodySchema = &body["content"]["application/json"]["schema"];
        }
      }
      byId_[o->operationId] = o;
      operations_.push_back(std::move(o));
    }
  }
}

const OpenApiSpec& OpenApiSpec::github() {
  static const OpenApiSpec spec = [] {
    const auto path = sharedFixtures() / "github" / "openapi" / "api.github.com.pruned.json";
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return OpenApiSpec(json::parse(in));
  }();
  return spec;
}

const json& OpenApiSpec::resolve(const json& maybeRef) const {
  const json* cur = &maybeRef;
  for (int hops = 0; hops < 16 && cur->is_object() && cur->contains("$ref"); ++hops) {
    const std::string ref = (*cur)["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) != 0) break;
    cur = &doc_.at(json::json_pointer(ref.substr(1)));
  }
  return *cur;
}

const OpenApiSpec::Operation* OpenApiSpec::find(std::string_view method,
                                                const std::vector<std::string>& segments,
                                                std::map<std::string, std::string>& params) const {
  const Operation* best = nullptr;
  int bestLiterals = -1;
  std::map<std::string, std::string> bestParams;
  for (const auto& op : operations_) {
    if (op->method != method) continue;
    const auto& t = op->segments;
    if (t.empty() ? !segments.empty() : segments.size() < t.size()) continue;
    // A trailing parameter named ref or path may hold slashes (git/ref/heads/a/b).
    const bool greedyTail =
        !t.empty() && isParam(t.back()) && (t.back() == "{ref}" || t.back() == "{path}");
    if (segments.size() != t.size() && !greedyTail) continue;
    int literals = 0;
    std::map<std::string, std::string> got;
    bool ok = true;
    for (size_t i = 0; i < t.size() && ok; ++i) {
      if (isParam(t[i])) {
        std::string value = segments[i];
        if (i + 1 == t.size() && greedyTail) {
          for (size_t k = i + 1; k < segments.size(); ++k) value += "/" + segments[k];
        }
        got[t[i].substr(1, t[i].size() - 2)] = percentDecode(value);
      } else if (t[i] == segments[i]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    // Prefer the template with more literal segments, then the exact length.
    const int score = literals * 2 + (segments.size() == t.size() ? 1 : 0);
    if (ok && score > bestLiterals) {
      best = op.get();
      bestLiterals = score;
      bestParams = std::move(got);
    }
  }
  params = std::move(bestParams);
  return best;
}

std::vector<std::string> OpenApiSpec::checkBody(const Operation& op,
                                                const std::string& body) const {
  std::vector<std::string> problems;
  const bool empty = body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (empty) {
    if (op.bodyRequired) problems.push_back("the operation requires a JSON body and got none");
    return problems;
  }
  if (!op.bodySchema) {
    if (!op.op->contains("requestBody")) {
      problems.push_back("the operation takes no request body, got " + std::to_string(body.size()) +
                         " bytes");
    }
    return problems;
  }
  json instance = json::parse(body, nullptr, false);
  if (instance.is_discarded()) {
    problems.push_back("the body is not valid JSON");
    return problems;
  }
  {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    if (!op.compiled && op.compileError.empty()) {
      // The schema plus the closure of the component schemas it references, under
      // the same pointers, so "#/components/schemas/x" resolves.
      std::set<std::string> refs;
      json root = convertSchema(*op.bodySchema, refs);
      json components = json::object();
      std::set<std::string> done;
      while (!refs.empty()) {
        const std::string name = *refs.begin();
        refs.erase(refs.begin());
        if (!done.insert(name).second) continue;
        components[name] = convertSchema(doc_["components"]["schemas"].at(name), refs);
      }
      if (!components.empty()) root["components"] = {{"schemas", components}};
      root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
      try {
        op.compiled = analyzers::JsonSchema::compile(root, op.operationId + " request body");
      } catch (const std::exception& e) {
        op.compileError = e.what();
      }
    }
  }
  if (!op.compiled) {
    problems.push_back("the request-body schema can't be compiled: " + op.compileError);
    return problems;
  }
  for (const auto& e : op.compiled->validate(instance)) {
    problems.push_back("body " +
                       (e.instancePointer.empty() ? std::string("(root)") : e.instancePointer) +
                       ": " + e.message);
  }
  return problems;
}

OpenApiSpec::Match OpenApiSpec::match(std::string_view method, std::string_view target,
                                      const std::string& body, std::string_view prefix) const {
  Match m;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view query = target.find('?') == std::string_view::npos
                               ? std::string_view()
                               : target.substr(target.find('?') + 1);
  if (!prefix.empty() && path.substr(0, prefix.size()) == prefix) path.remove_prefix(prefix.size());
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    m.queryParams[percentDecode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : percentDecode(pair.substr(eq + 1));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  const std::string verb = upper(std::string(method));
  const Operation* op = find(verb, splitPath(path), m.pathParams);
  if (!op) {
    bool pathKnown = false;
    for (const char* other : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      std::map<std::string, std::string> ignored;
      if (other != verb && find(other, splitPath(path), ignored)) pathKnown = true;
    }
    m.problems.push_back(
        std::string(pathKnown ? "the path exists but not for " : "no operation for ") + verb + " " +
        std::string(path));
    return m;
  }
  m.operationId = op->operationId;
  m.pathTemplate = op->pathTemplate;
  for (const auto& q : op->requiredQuery) {
    if (!m.queryParams.count(q)) m.problems.push_back("missing required query parameter " + q);
  }
  for (auto& p : checkBody(*op, body)) m.problems.push_back(std::move(p));
  return m;
}

json OpenApiSpec::exampleResponse(const std::string& operationId, int status) const {
  auto it = byId_.find(operationId);
  if (it == byId_.end()) return nullptr;
  const json& responses = (*it->second->op)["responses"];
  const std::string code = std::to_string(status);
  if (!responses.contains(code)) return nullptr;
  const json& response = resolve(responses[code]);
  if (!response.contains("content") || !response["content"].contains("application/json")) {
    return nullptr;
  }
  const json& media = response["content"]["application/json"];
  if (media.contains("examples") && !media["examples"].empty()) {
    const json& ex = resolve(media["examples"].begin().value());
    if (ex.contains("value")) return ex["value"];
  }
  if (media.contains("example")) return media["example"];
  return nullptr;
}

std::vector<std::string> OpenApiSpec::operationIds() const {
  std::vector<std::string> out;
  for (const auto& [id, op] : byId_) out.push_back(id);
  return out;
}

}  // namespace ddd::testing
