// `ddd setup github`: the manifest from deploy/github-app.yml with this host's URLs, an
// escaped form page, and the code exchange storing id, key and secret with mode 0600.
#include "bot/setup_github.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "forges/forge.h"
#include "tests/support/fake_github.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

SetupGithubOptions options(const std::filesystem::path& out) {
  SetupGithubOptions o;
  o.githubUrl = "https://github.example";
  o.apiUrl = "https://api.github.example";
  o.webhookUrl = "https://ddd.example.org/webhooks/github";
  o.manifestFile = ddd::testing::sourceDir() / "deploy" / "github-app.yml";
  o.outDir = out;
  return o;
}

TEST(SetupGithub, ManifestCarriesThisHostsUrlsAndThePermissions) {
  ddd::testing::TempDir dir;
  auto m = appManifest(options(dir.path()), "http://127.0.0.1:3000/callback");
  EXPECT_EQ(m["hook_attributes"]["url"], "https://ddd.example.org/webhooks/github");
  EXPECT_EQ(m["url"], "https://ddd.example.org");
  EXPECT_EQ(m["redirect_url"], "http://127.0.0.1:3000/callback");
  EXPECT_EQ(m["default_permissions"]["pull_requests"], "write");
  EXPECT_EQ(m["hook_attributes"]["active"], true);
  const std::string page = manifestFormPage(m, "https://github.example", "abc");
  EXPECT_NE(page.find("action=\"https://github.example/settings/apps/new?state=abc\""),
            std::string::npos);
  EXPECT_EQ(page.find("\"hook_attributes\""), std::string::npos);  // quotes are escaped
  EXPECT_NE(page.find("&quot;hook_attributes&quot;"), std::string::npos);
}

TEST(SetupGithub, ExchangesTheCodeAndStoresSecretsOwnerOnly) {
  ddd::testing::FakeGithub github("octo", "hello");
  ddd::testing::TempDir dir;
  forges::HttpClient http;
  auto app = exchangeManifestCode(http, github.apiUrl(), "a1b2c3", dir.path() / "secrets");
  EXPECT_EQ(app.appId, "424242");
  EXPECT_EQ(app.slug, "ddd-test");
  for (const auto& f : {app.keyFile, app.secretFile, app.idFile}) {
    struct stat st {};
    ASSERT_EQ(::stat(f.c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600) << f;
  }
  EXPECT_EQ(ddd::testing::readFile(app.secretFile), "whsec-from-github");
  EXPECT_NE(ddd::testing::readFile(app.keyFile).find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  EXPECT_TRUE(github.violations().empty());
  EXPECT_THROW(exchangeManifestCode(http, github.apiUrl(), "../../x", dir.path()),
               forges::ForgeError);
}

}  // namespace
}  // namespace ddd::bot
