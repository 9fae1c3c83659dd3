#pragma once
// An OpenAPI 3.0 description as a request checker for fake servers: given a request
// (method, target, JSON body), find the operation it calls (path templates, literal
// segments before parameters, a trailing {ref}/{path} parameter may hold slashes) and
// list every way the request breaks the description: unknown path or method, missing
// required query parameters, a body that is missing, not JSON, or invalid against the
// operation's request-body schema (OpenAPI's `nullable` and `$ref`s to components
// handled). Fake forges fail the test on any problem, so our clients can only speak
// the real API. Loading takes a moment (the description is over 1 MB): load once per
// process with github(). Immutable after loading; match() is thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::testing {

class OpenApiSpec {
 public:
  explicit OpenApiSpec(nlohmann::json document);
  // GitHub's REST description (tests/fixtures/shared/github/openapi, pruned to the
  // operations a maintenance bot calls), loaded on first use.
  static const OpenApiSpec& github();

  struct Match {
    std::string operationId;   // "pulls/create"; empty when no operation matched
    std::string pathTemplate;  // "/repos/{owner}/{repo}/pulls"
    std::map<std::string, std::string> pathParams;   // decoded
    std::map<std::string, std::string> queryParams;  // decoded
    std::vector<std::string> problems;               // empty = the request is valid
    bool ok() const { return !operationId.empty() && problems.empty(); }
    std::string describe() const;  // "POST /repos/o/r/pulls (pulls/create): <problems>"
  };

  // `target` is the request target ("/repos/o/r/pulls?state=open"); `prefix` is cut
  // from its path first (GitHub Enterprise's "/api/v3").
  Match match(std::string_view method, std::string_view target, const std::string& body,
              std::string_view prefix = "") const;

  // The first example response of an operation for `status` (resolving $refs), or null.
  nlohmann::json exampleResponse(const std::string& operationId, int status) const;

  // Every operation id, for coverage reports.
  std::vector<std::string> operationIds() const;

 private:
  struct Operation;
  const nlohmann::json& resolve(const nlohmann::json& maybeRef) const;
  const Operation* find(std::string_view method, const std::vector<std::string>& segments,
                        std::map<std::string, std::string>& params) const;
  std::vector<std::string> checkBody(const Operation& op, const std::string& body) const;

  nlohmann::json doc_;
  std::vector<std::shared_ptr<Operation>> operations_;
  std::map<std::string, std::shared_ptr<Operation>> byId_;
  mutable std::mutex cacheMutex_;  // guards the lazily compiled body schemas
};

// Percent-decodes one URL component ("%2F" -> "/"); '+' stays '+'.
std::string percentDecode(std::string_view s);

}  // namespace ddd::testing
