// extractSchedules (analyzers/runbooks/schedule.h) over a real git repository holding one
// file of every origin: crontab, cron.d, /etc/crontab, cron.daily, systemd timers with
// their services, Kubernetes CronJobs, GitHub Actions, Ansible cron tasks, logrotate; and
// what bad input gives (warnings naming file:line, Helm templates counted).

#include <gtest/gtest.h>

#include <algorithm>

#include "analyzers/runbooks/schedule.h"
#include "tests/support/test_repo.h"

namespace {

using namespace ddd::analyzers;
using namespace ddd::analyzers::runbooks;

const std::map<std::string, std::optional<std::string>> kFiles = {
    {"ops/crontab",
     "# m h dom mon dow command\n"
     "MAILTO=ops@example.com\n"
     "*/15 * * * * /usr/local/bin/poll-queue\n"
     "CRON_TZ=Europe/Berlin\n"
     "30 2 * * 1-5 /usr/local/bin/report --daily\n"
     "@reboot /usr/local/bin/warm-cache\n"
     "61 * * * * /bin/never\n"
     "0 4 * *\n"},
    {"etc/cron.d/backup",
     "SHELL=/bin/sh\n"
     "0 3 * * * backup /usr/bin/pg_dump -Fc app > /var/backups/app.dump\n"
     "@weekly root /usr/sbin/backup-verify\n"},
    {"etc/crontab", "17 * * * * root cd / && run-parts --report /etc/cron.hourly\n"},
    {"etc/cron.daily/cleanup-tmp", "#!/bin/sh\nfind /tmp -mtime +7 -delete\n"},
    {"deploy/systemd/backup.timer",
     "[Unit]\nDescription=Nightly backup\n\n[Timer]\nOnCalendar=Mon..Fri *-*-* 03:00:00\n"
     "OnCalendar=bogus\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n"},
    {"deploy/systemd/backup.service",
     "[Unit]\nDescription=Backup\n\n[Service]\nType=oneshot\n"
     "ExecStart=/usr/local/bin/backup --all\n"},
    {"deploy/systemd/sync.timer",
     "[Timer]\nOnBootSec=15min\nOnUnitActiveSec=1h\nUnit=sync-job.service\n"},
    {"deploy/systemd/report.timer", "[Timer]\nOnCalendar=weekly Europe/Berlin\n"},
    {"services/report/report.service", "[Service]\nExecStart=/opt/report/run.sh\n"},
    {"k8s/jobs.yaml",
     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\n"
     "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: db-vacuum\n  labels:\n"
     "    app.kubernetes.io/name: billing\nspec:\n  schedule: \"0 1 * * 0\"\n"
     "  timeZone: America/New_York\n  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n"
     "      template:\n        spec:\n          containers:\n          - name: vacuum\n"
     "            image: postgres:16\n            command: [\"vacuumdb\", \"--all\"]\n"
     "            args: [\"--analyze\"]\n---\n"
     "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: broken\nspec:\n"
     "  schedule: \"0 0 32 * *\"\n"},
    {"charts/app/templates/cronjob.yaml",
     "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n"
     "  schedule: {{ .Values.schedule | quote }}\n"},
    {"k8s/broken.yaml", "kind: CronJob\nspec:\n  schedule: [unclosed\n"},
    {".github/workflows/nightly.yml",
     "name: Nightly\non:\n  schedule:\n    - cron: '0 2 * * *'\n    - cron: \"30 5 1 * *\"\n"
     "  workflow_dispatch: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
     "  prune:\n    runs-on: ubuntu-latest\n"},
    {"roles/db/tasks/main.yml",
     "- name: Nightly dump\n  ansible.builtin.cron:\n    name: pg dump\n    minute: \"0\"\n"
     "    hour: \"2\"\n    job: /usr/local/bin/pg-dump.sh\n    user: postgres\n"
     "- name: Monthly report\n  cron: name=report special_time=monthly job=/usr/bin/report\n"
     "- name: Templated\n  cron:\n    name: templated\n    minute: \"{{ dump_minute }}\"\n"
     "    job: /bin/true\n"
     "- name: Remove old\n  cron:\n    name: old\n    state: absent\n"},
    {"deploy/logrotate.d/app",
     "/var/log/app/*.log {\n  daily\n  rotate 7\n  maxsize 100M\n  compress\n  postrotate\n"
     "    systemctl reload app\n  endscript\n}\n"
     "/var/log/app/audit.log\n{\n  size 10M\n  rotate 52\n}\n"},
    {"bin/data.cron", std::string("\0\x01\x02 binary", 10)},
    {"README.md", "Run `crontab -e` to add 0 3 * * * jobs.\n"},
};

class RunbooksSchedules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    repo_ = new ddd::testing::TestRepo();
    const auto head = repo_->commit(kFiles);
    GitSourceTree tree(repo_->path(), head, ScanLimits{1 << 20, 2});
    scan_ = new ScheduleScan(extractSchedules(tree));
  }
  static void TearDownTestSuite() {
    delete scan_;
    delete repo_;
  }
  static const Schedule& at(const std::string& cite) {
    for (const Schedule& s : scan_->schedules)
      if (s.source.cite() == cite) return s;
    ADD_FAILURE() << "no schedule at " << cite;
    static Schedule none;
    return none;
  }
  static bool warned(const std::string& prefix, const std::string& part) {
    return std::any_of(scan_->warnings.begin(), scan_->warnings.end(), [&](const std::string& w) {
      return w.rfind(prefix, 0) == 0 && w.find(part) != std::string::npos;
    });
  }
  static ddd::testing::TestRepo* repo_;
  static ScheduleScan* scan_;
};
ddd::testing::TestRepo* RunbooksSchedules::repo_ = nullptr;
ScheduleScan* RunbooksSchedules::scan_ = nullptr;

TEST_F(RunbooksSchedules, UserCrontab) {
  const Schedule& poll = at("ops/crontab:3");
  EXPECT_EQ(poll.origin, "crontab");
  EXPECT_EQ(poll.expression, "*/15 * * * *");
  EXPECT_EQ(poll.normalized, "*/15 * * * *");
  EXPECT_EQ(poll.description, "every 15 minutes");
  EXPECT_EQ(poll.cadence, Cadence::SubDaily);
  EXPECT_EQ(poll.command, "/usr/local/bin/poll-queue");
  EXPECT_EQ(poll.timezone, "UTC");
  EXPECT_EQ(poll.component, "ops");
  const Schedule& report = at("ops/crontab:5");
  EXPECT_EQ(report.timezone, "Europe/Berlin");  // CRON_TZ= applies to the lines after it
  EXPECT_EQ(report.description, "at 02:30 on Monday to Friday");
  EXPECT_EQ(report.cadence, Cadence::Daily);
  EXPECT_EQ(report.command, "/usr/local/bin/report --daily");
  const Schedule& reboot = at("ops/crontab:6");
  EXPECT_EQ(reboot.expression, "@reboot");
  EXPECT_EQ(reboot.normalized, "");
  EXPECT_EQ(reboot.cadence, Cadence::Irregular);
  EXPECT_TRUE(warned("ops/crontab:7: ", "minute field \"61\": 61 is out of range 0-59"));
  EXPECT_TRUE(warned("ops/crontab:8: ", "expected five time fields and a command"));
}

TEST_F(RunbooksSchedules, CronDAndSystemCrontabHaveAUserField) {
  const Schedule& dump = at("etc/cron.d/backup:2");
  EXPECT_EQ(dump.origin, "cron.d");
  EXPECT_EQ(dump.normalized, "0 3 * * *");
  EXPECT_EQ(dump.command, "/usr/bin/pg_dump -Fc app > /var/backups/app.dump");
  EXPECT_NE(std::find(dump.details.begin(), dump.details.end(), "user: backup"),
            dump.details.end());
  EXPECT_EQ(at("etc/cron.d/backup:3").cadence, Cadence::Weekly);
  EXPECT_EQ(at("etc/crontab:1").command, "cd / && run-parts --report /etc/cron.hourly");
  const Schedule& daily = at("etc/cron.daily/cleanup-tmp:1");
  EXPECT_EQ(daily.origin, "cron-periodic");
  EXPECT_EQ(daily.cadence, Cadence::Daily);
}

TEST_F(RunbooksSchedules, SystemdTimersWithTheirServices) {
  const Schedule& backup = at("deploy/systemd/backup.timer:5");
  EXPECT_EQ(backup.origin, "systemd-timer");
  EXPECT_EQ(backup.expression, "Mon..Fri *-*-* 03:00:00");
  EXPECT_EQ(backup.normalized, "0 3 * * 1-5");
  EXPECT_EQ(backup.command, "/usr/local/bin/backup --all");
  EXPECT_EQ(backup.component, "backup");
  EXPECT_EQ(backup.name, "backup");
  EXPECT_NE(std::find(backup.details.begin(), backup.details.end(), "Persistent=true"),
            backup.details.end());
  EXPECT_TRUE(warned("deploy/systemd/backup.timer:6: ", "OnCalendar=bogus"));
  const Schedule& sync = at("deploy/systemd/sync.timer:3");
  EXPECT_EQ(sync.expression, "OnUnitActiveSec=1h");
  EXPECT_EQ(sync.cadence, Cadence::SubDaily);
  EXPECT_EQ(sync.component, "sync-job");
  EXPECT_EQ(sync.command, "");  // sync-job.service is not in the repository
  EXPECT_NE(std::find(sync.details.begin(), sync.details.end(), "first run: OnBootSec=15min"),
            sync.details.end());
  // The OnBootSec line is the first run of the periodic one, not a schedule of its own.
  for (const Schedule& s : scan_->schedules)
    EXPECT_NE(s.source.cite(), "deploy/systemd/sync.timer:2");
  // report.service lives in another directory: found by name.
  const Schedule& report = at("deploy/systemd/report.timer:2");
  EXPECT_EQ(report.timezone, "Europe/Berlin");
  EXPECT_EQ(report.command, "/opt/report/run.sh");
  EXPECT_EQ(report.cadence, Cadence::Weekly);
}

TEST_F(RunbooksSchedules, KubernetesCronJobs) {
  const Schedule& vacuum = at("k8s/jobs.yaml:13");
  EXPECT_EQ(vacuum.origin, "k8s-cronjob");
  EXPECT_EQ(vacuum.name, "db-vacuum");
  EXPECT_EQ(vacuum.timezone, "America/New_York");
  EXPECT_EQ(vacuum.description, "at 01:00 every Sunday");
  EXPECT_EQ(vacuum.command, "vacuumdb --all --analyze");
  EXPECT_EQ(vacuum.component, "billing");
  EXPECT_NE(std::find(vacuum.details.begin(), vacuum.details.end(), "concurrencyPolicy: Forbid"),
            vacuum.details.end());
  EXPECT_TRUE(warned("k8s/jobs.yaml:", "CronJob broken spec.schedule"));
  EXPECT_TRUE(warned("k8s/broken.yaml:", "not valid YAML"));
  EXPECT_EQ(scan_->skippedTemplates, 1u);  // the Helm chart's templates/cronjob.yaml
}

TEST_F(RunbooksSchedules, GithubActionsSchedules) {
  const Schedule& nightly = at(".github/workflows/nightly.yml:4");
  EXPECT_EQ(nightly.origin, "github-actions");
  EXPECT_EQ(nightly.name, "Nightly");
  EXPECT_EQ(nightly.cadence, Cadence::Daily);
  EXPECT_EQ(nightly.command, ".github/workflows/nightly.yml");
  EXPECT_NE(std::find(nightly.details.begin(), nightly.details.end(), "jobs: build, prune"),
            nightly.details.end());
  EXPECT_EQ(at(".github/workflows/nightly.yml:5").cadence, Cadence::Monthly);
}

TEST_F(RunbooksSchedules, AnsibleCronTasks) {
  const Schedule& dump = at("roles/db/tasks/main.yml:3");
  EXPECT_EQ(dump.origin, "ansible-cron");
  EXPECT_EQ(dump.name, "pg dump");
  EXPECT_EQ(dump.normalized, "0 2 * * *");
  EXPECT_EQ(dump.command, "/usr/local/bin/pg-dump.sh");
  EXPECT_EQ(dump.component, "db");
  const Schedule& monthly = at("roles/db/tasks/main.yml:9");
  EXPECT_EQ(monthly.expression, "@monthly");
  EXPECT_EQ(monthly.cadence, Cadence::Monthly);
  EXPECT_EQ(monthly.command, "/usr/bin/report");
  EXPECT_TRUE(warned("roles/db/tasks/main.yml:12: ", "minute is a template"));
  for (const Schedule& s : scan_->schedules) EXPECT_NE(s.name, "old");  // state: absent
}

TEST_F(RunbooksSchedules, Logrotate) {
  const Schedule& app = at("deploy/logrotate.d/app:1");
  EXPECT_EQ(app.origin, "logrotate");
  EXPECT_EQ(app.expression, "daily");
  EXPECT_EQ(app.cadence, Cadence::Daily);
  EXPECT_EQ(app.command, "/var/log/app/*.log");
  EXPECT_EQ(app.description, "rotated daily, keeping 7");
  EXPECT_EQ(app.details, (std::vector<std::string>{"rotate 7", "maxsize 100M", "compress"}));
  const Schedule& audit = at("deploy/logrotate.d/app:10");
  EXPECT_EQ(audit.cadence, Cadence::Irregular);
  EXPECT_EQ(audit.details, (std::vector<std::string>{"size 10M", "rotate 52"}));
}

TEST_F(RunbooksSchedules, SortedDeterministicAndNothingFromOtherFiles) {
  for (size_t i = 1; i < scan_->schedules.size(); ++i) {
    const auto& a = scan_->schedules[i - 1].source;
    const auto& b = scan_->schedules[i].source;
    EXPECT_TRUE(std::tie(a.path, a.line) <= std::tie(b.path, b.line));
  }
  for (const Schedule& s : scan_->schedules) {
    EXPECT_NE(s.source.path, "README.md");
    EXPECT_NE(s.source.path, "bin/data.cron");
  }
  EXPECT_EQ(scan_->schedules.size(), 17u);
  // The same tree again (another thread count): the same result.
  ddd::testing::TestRepo again;
  const auto head = again.commit(kFiles);
  GitSourceTree tree(again.path(), head, ScanLimits{1 << 20, 1});
  const ScheduleScan second = extractSchedules(tree);
  ASSERT_EQ(second.schedules.size(), scan_->schedules.size());
  for (size_t i = 0; i < second.schedules.size(); ++i) {
    EXPECT_EQ(second.schedules[i].source.cite(), scan_->schedules[i].source.cite());
    EXPECT_EQ(second.schedules[i].description, scan_->schedules[i].description);
  }
  EXPECT_EQ(second.warnings, scan_->warnings);
}

TEST(RunbooksSchedulesBadInput, NeverThrowsOnHostileFiles) {
  std::string huge = "0 3 * * * /bin/x\n";
  while (huge.size() < 300000) huge += "* * * * * " + std::string(200, 'x') + "\n";
  MemorySourceTree tree({
      {"a/crontab", "\xff\xfe\x00garbage"},
      {"b/crontab", huge},
      {"c/x.timer", "[Timer]\nOnCalendar=\xc3\xa9\xff\nOnUnitActiveSec=forever\n"},
      {"d/logrotate.d/x", "/var/log/x {\n daily\n"},
      {"e/cron.yaml", "- cron:\n    minute: [1, 2]\n    hour: {a: b}\n"},
      {"f/w.yml", "kind: CronJob\nspec:\n  schedule: 5\n"},
      {".github/workflows/x.yml", "on:\n  schedule: '0 3 * * *'\n"},
      {"g/crontab", "@bogus /bin/x\n* * * * * \n"},
      {"h/values.yaml", "cron:\n  enabled: true\n  schedule: \"0 3 * * *\"\n"},
      // yaml-cpp 0.7 never finishes on a top-level ',' (found by fuzzing): a warning.
      {"j/roles/y/tasks/main.yml", "- cron:\n    job: x\n, x\n"},
      // Aliases reaching one task 8^5 times: one schedule (found by fuzzing: memory).
      {"i/roles/x/tasks/main.yml",
       "a: &a {cron: {job: x, minute: \"1\"}}\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e]\n"},
  });
  ScheduleScan scan;
  ASSERT_NO_THROW(scan = extractSchedules(tree));
  auto warned = [&](const std::string& prefix) {
    return std::any_of(scan.warnings.begin(), scan.warnings.end(),
                       [&](const std::string& w) { return w.rfind(prefix, 0) == 0; });
  };
  EXPECT_TRUE(warned("c/x.timer:2: OnCalendar="));
  EXPECT_TRUE(warned("c/x.timer:3: OnUnitActiveSec=forever"));
  EXPECT_TRUE(warned("d/logrotate.d/x:1: logrotate block"));
  EXPECT_TRUE(warned(".github/workflows/x.yml:2: on.schedule is not a list"));
  EXPECT_TRUE(warned("g/crontab:1: "));
  EXPECT_TRUE(warned("g/crontab:2: "));
  EXPECT_TRUE(warned("f/w.yml:3: "));  // "5" is one field, not five
  EXPECT_EQ(std::count_if(scan.schedules.begin(), scan.schedules.end(),
                          [](const Schedule& s) { return s.source.path[0] == 'i'; }),
            1);
  EXPECT_TRUE(warned("j/roles/y/tasks/main.yml:1: the YAML parser does not finish"));
  // A Helm value named `cron` is not an Ansible task.
  EXPECT_TRUE(std::none_of(scan.schedules.begin(), scan.schedules.end(),
                           [](const Schedule& s) { return s.source.path == "h/values.yaml"; }));
  // The huge crontab's lines are read: its first line is a schedule.
  EXPECT_TRUE(std::any_of(scan.schedules.begin(), scan.schedules.end(),
                          [](const Schedule& s) { return s.source.cite() == "b/crontab:1"; }));
}

}  // namespace
