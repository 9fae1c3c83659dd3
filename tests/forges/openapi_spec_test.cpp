// The request checker the fake forges use: GitHub's real OpenAPI description decides
// which requests exist and what their bodies may hold.
#include "tests/support/openapi_spec.h"

#include <gtest/gtest.h>

namespace ddd::testing {
namespace {

const OpenApiSpec& gh() { return OpenApiSpec::github(); }

bool mentions(const OpenApiSpec::Match& m, const std::string& text) {
  for (const auto& p : m.problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(OpenApiSpec, MatchesAValidPullRequestCreation) {
  auto m = gh().match("POST", "/repos/octo/hello/pulls",
                      R"({"title":"Update lodash","head":"ddd/deps/lodash","base":"main",
                          "body":"text","draft":false})");
  EXPECT_TRUE(m.ok()) << m.describe();
  EXPECT_EQ(m.operationId, "pulls/create");
  EXPECT_EQ(m.pathParams.at("owner"), "octo");
  EXPECT_EQ(m.pathParams.at("repo"), "hello");
}

TEST(OpenApiSpec, RejectsABodyOfTheWrongShape) {
  auto m = gh().match("POST", "/repos/octo/hello/pulls",
                      R"({"title":"x","head":"a","base":"b","draft":"yes"})");
  EXPECT_FALSE(m.ok());
  EXPECT_TRUE(mentions(m, "/draft")) << m.describe();
  m = gh().match("PUT", "/repos/octo/hello/pulls/7/merge",
                 R"({"sha":"abc","merge_method":"fast"})");
  EXPECT_EQ(m.operationId, "pulls/merge");
  EXPECT_TRUE(mentions(m, "/merge_method")) << m.describe();
  m = gh().match("POST", "/repos/octo/hello/pulls", "{not json");
  EXPECT_TRUE(mentions(m, "not valid JSON"));
  m = gh().match("POST", "/repos/octo/hello/pulls", "");
  EXPECT_TRUE(mentions(m, "requires a JSON body"));
}

TEST(OpenApiSpec, AcceptsNullableFields) {
  // milestone is nullable in issues/update.
  auto m =
      gh().match("PATCH", "/repos/octo/hello/issues/12", R"({"body":"report","milestone":null})");
  EXPECT_TRUE(m.ok()) << m.describe();
  EXPECT_EQ(m.operationId, "issues/update");
}

TEST(OpenApiSpec, RefParametersMayHoldSlashes) {
  auto m = gh().match("GET", "/repos/octo/hello/git/ref/heads/ddd/deps/npm-lodash", "");
  EXPECT_TRUE(m.ok()) << m.describe();
  EXPECT_EQ(m.operationId, "git/get-ref");
  EXPECT_EQ(m.pathParams.at("ref"), "heads/ddd/deps/npm-lodash");
  m = gh().match("PATCH", "/repos/octo/hello/git/refs/heads/ddd%2Fx",
                 R"({"sha":"abc","force":false})");
  EXPECT_TRUE(m.ok()) << m.describe();
  EXPECT_EQ(m.pathParams.at("ref"), "heads/ddd/x");
}

TEST(OpenApiSpec, LiteralSegmentsWinOverParameters) {
  auto m = gh().match("GET", "/repos/octo/hello/pulls/comments", "");
  EXPECT_EQ(m.operationId, "pulls/list-review-comments-for-repo") << m.describe();
  m = gh().match("GET", "/repos/octo/hello/pulls/5", "");
  EXPECT_EQ(m.operationId, "pulls/get");
}

TEST(OpenApiSpec, UnknownPathsAndMethodsAreProblems) {
  auto m = gh().match("GET", "/repos/octo/hello/not-an-endpoint/1/2/3/4", "");
  EXPECT_FALSE(m.ok());
  EXPECT_TRUE(mentions(m, "no operation for GET"));
  m = gh().match("DELETE", "/repos/octo/hello/pulls", "");
  EXPECT_TRUE(mentions(m, "the path exists but not for DELETE"));
  m = gh().match("GET", "/repos/octo/hello/pulls", R"({"x":1})");
  EXPECT_TRUE(mentions(m, "takes no request body"));
}

TEST(OpenApiSpec, QueryParametersAreDecodedAndEnterprisePrefixCut) {
  auto m = gh().match("GET", "/api/v3/repos/octo/hello/pulls?state=open&head=octo%3Addd%2Fx", "",
                      "/api/v3");
  EXPECT_TRUE(m.ok()) << m.describe();
  EXPECT_EQ(m.queryParams.at("head"), "octo:ddd/x");
}

TEST(OpenApiSpec, ServesTheSpecsExamples) {
  auto pr = gh().exampleResponse("pulls/create", 201);
  ASSERT_TRUE(pr.is_object());
  EXPECT_TRUE(pr["number"].is_number());
  EXPECT_TRUE(pr["head"]["sha"].is_string());
  EXPECT_TRUE(gh().exampleResponse("pulls/create", 299).is_null());
  EXPECT_GT(gh().operationIds().size(), 200u);
}

}  // namespace
}  // namespace ddd::testing
