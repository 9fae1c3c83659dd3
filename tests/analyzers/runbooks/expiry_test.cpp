// Retention / TTL settings and certificate-expiry hints (analyzers/runbooks/expiry.h) on
// real file contents: each with its path:line and its duration in words, the renewal
// schedule a known validity implies, and lines that only look similar left alone.

#include <gtest/gtest.h>

#include <algorithm>

#include "analyzers/runbooks/expiry.h"
#include "analyzers/runbooks/extract.h"

namespace ddd::analyzers::runbooks {
namespace {

std::vector<const Fact*> ofType(const FileFacts& f, const std::string& type) {
  std::vector<const Fact*> out;
  for (const auto& x : f.facts) {
    if (x.type == type) out.push_back(&x);
  }
  return out;
}

bool hasDetail(const Fact& f, const std::string& d) {
  return std::find(f.details.begin(), f.details.end(), d) != f.details.end();
}

TEST(RunbooksExpiry, RetentionAndTtlSettingsWithTheirDurations) {
  const auto f = extractFile("app/settings.py",
                             "LOG_RETENTION_DAYS = 90\n"
                             "SESSION_TTL_SECONDS = 1800\n"
                             "CACHE = {'max_age': '15m'}\n"
                             "# retention_days = 5 (a comment)\n"
                             "TIMEOUT = 30\n");
  const auto r = ofType(f, "retention");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0]->subject, "LOG_RETENTION_DAYS");
  EXPECT_EQ(r[0]->value, "90");
  EXPECT_EQ(r[0]->source.cite(), "app/settings.py:1");
  EXPECT_TRUE(hasDetail(*r[0], "90 days"));
  EXPECT_EQ(r[1]->subject, "SESSION_TTL_SECONDS");
  EXPECT_TRUE(hasDetail(*r[1], "30 minutes"));
  EXPECT_EQ(r[2]->subject, "max_age");
  EXPECT_EQ(r[2]->value, "15m");
  EXPECT_TRUE(hasDetail(*r[2], "15 minutes"));
  EXPECT_TRUE(f.schedules.empty()) << "retention implies no schedule";
}

TEST(RunbooksExpiry, FlagsTerraformAndKubernetesRetention) {
  const auto prom = extractFile("deploy/prometheus.service",
                                "[Service]\nExecStart=/usr/bin/prometheus --storage.tsdb.retention.time=15d\n");
  const auto p = ofType(prom, "retention");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]->subject, "storage.tsdb.retention.time");
  EXPECT_TRUE(hasDetail(*p[0], "15 days"));
  EXPECT_EQ(p[0]->source.line, 2u);
  const auto tf = extractFile("infra/logs.tf", "resource \"aws_cloudwatch_log_group\" \"app\" {\n  retention_in_days = 30\n}\n");
  ASSERT_EQ(ofType(tf, "retention").size(), 1u);
  EXPECT_TRUE(hasDetail(*ofType(tf, "retention")[0], "30 days"));
  const auto job = extractFile("k8s/job.yaml", "kind: Job\nspec:\n  ttlSecondsAfterFinished: 600\n");
  ASSERT_EQ(ofType(job, "retention").size(), 1u);
  EXPECT_TRUE(hasDetail(*ofType(job, "retention")[0], "10 minutes"));
}

TEST(RunbooksExpiry, LogrotateKeepsRotations) {
  const auto f = extractFile("etc/logrotate.d/app", "/var/log/app/*.log {\n  daily\n  rotate 14\n  maxage 30\n}\n");
  const auto r = ofType(f, "retention");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]->subject, "logrotate rotate");
  EXPECT_TRUE(hasDetail(*r[0], "keeps 14 rotated log files"));
  EXPECT_EQ(r[1]->source.cite(), "etc/logrotate.d/app:4");
  EXPECT_TRUE(hasDetail(*r[1], "rotated logs older than 30 days are removed"));
}

TEST(RunbooksExpiry, CertificatesWithAKnownValidityImplyARenewalSchedule) {
  const auto cm = extractFile("k8s/tls.yaml",
                              "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: api-tls\n"
                              "spec:\n  secretName: api-tls\n  duration: 2160h\n  renewBefore: 360h\n");
  const auto c = ofType(cm, "cert-expiry");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]->subject, "Certificate api-tls");
  EXPECT_EQ(c[0]->value, "duration: 2160h");
  EXPECT_EQ(c[0]->source.cite(), "k8s/tls.yaml:7");
  EXPECT_TRUE(hasDetail(*c[0], "valid 90 days"));
  EXPECT_TRUE(hasDetail(*c[0], "renewBefore: 360h"));
  EXPECT_TRUE(ofType(cm, "retention").empty()) << "duration / renewBefore of a Certificate are not retention";
  ASSERT_EQ(cm.schedules.size(), 1u);
  EXPECT_EQ(cm.schedules[0].origin, "certificate");
  EXPECT_EQ(cm.schedules[0].cadence, Cadence::Quarterly);
  EXPECT_EQ(cm.schedules[0].rrule, "FREQ=DAILY;INTERVAL=90");

  const auto sh = extractFile("ops/tls.sh",
                              "openssl req -x509 -newkey rsa:4096 -days 365 -nodes -out c.pem\n"
                              "openssl x509 -checkend 2592000 -noout -in c.pem || certbot renew\n");
  const auto s = ofType(sh, "cert-expiry");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(hasDetail(*s[0], "valid 365 days"));
  EXPECT_TRUE(hasDetail(*s[1], "fails when the certificate expires within 30 days"));
  ASSERT_EQ(sh.schedules.size(), 1u);
  EXPECT_EQ(sh.schedules[0].cadence, Cadence::Annual);

  const auto ansible = extractFile("roles/tls/tasks/main.yml",
                                   "- name: cert\n  community.crypto.x509_certificate:\n"
                                   "    path: /etc/ssl/app.pem\n    provider: selfsigned\n"
                                   "    selfsigned_not_after: \"+825d\"\n");
  const auto a = ofType(ansible, "cert-expiry");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0]->subject, "/etc/ssl/app.pem");
  EXPECT_EQ(a[0]->source.line, 5u);
  const auto tf = extractFile("infra/ca.tf", "resource \"tls_self_signed_cert\" \"ca\" {\n  validity_period_hours = 8760\n}\n");
  ASSERT_EQ(ofType(tf, "cert-expiry").size(), 1u);
  EXPECT_TRUE(hasDetail(*ofType(tf, "cert-expiry")[0], "valid 365 days"));
  const auto nginx = extractFile("etc/nginx/site.conf",
                                 "ssl_certificate /etc/ssl/certs/api.pem;\nssl_certificate_key /etc/ssl/k.pem;\n"
                                 "ssl_certificate $cert_path;\n");
  const auto n = ofType(nginx, "cert-expiry");
  ASSERT_EQ(n.size(), 1u) << "the key and a variable path are not certificates to check";
  EXPECT_EQ(n[0]->subject, "/etc/ssl/certs/api.pem");
  EXPECT_TRUE(nginx.schedules.empty()) << "no validity, no schedule";
}

TEST(RunbooksExpiry, DurationsInTheirUsualSpellings) {
  EXPECT_EQ(durationSeconds("15d"), 15 * 86400);
  EXPECT_EQ(durationSeconds("720h"), 720 * 3600);
  EXPECT_EQ(durationSeconds("8760h0m0s"), 8760 * 3600);
  EXPECT_EQ(durationSeconds("1h30m"), 5400);
  EXPECT_EQ(durationSeconds("30", "d"), 30 * 86400);
  EXPECT_EQ(durationSeconds("30"), -1) << "a bare number without a unit";
  EXPECT_EQ(durationSeconds("15 parsecs"), -1);
  EXPECT_EQ(durationSeconds(""), -1);
  EXPECT_EQ(durationSeconds("0d"), -1);
  EXPECT_EQ(durationSeconds("1ms"), -1) << "under a second (found by fuzz_runbooks_expiry)";
  EXPECT_EQ(durationSeconds("1500ms"), 1);
}

TEST(RunbooksExpiry, BadInputGivesNoFactsAndNoCrash) {
  std::string huge(9u << 20, 'a');
  EXPECT_TRUE(ofType(extractFile("big.conf", huge), "retention").empty());
  const std::string binary("retention_days = 3\0\xff", 20);
  EXPECT_TRUE(extractFile("bin.conf", binary).facts.empty());
  const auto bad = extractFile("k8s/bad.yaml", "kind: Certificate\nspec: [\n");
  EXPECT_TRUE(ofType(bad, "cert-expiry").empty());
  const auto overflow = extractFile("ops/x.sh", "openssl req -days 99999999999999999999999 -x509\n");
  EXPECT_TRUE(overflow.schedules.empty() || overflow.schedules[0].rrule.size() > 0);
}

}  // namespace
}  // namespace ddd::analyzers::runbooks
