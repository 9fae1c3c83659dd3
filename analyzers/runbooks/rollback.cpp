#include "analyzers/runbooks/rollback.h"

#include "analyzers/runbooks/file_input.h"

namespace ddd::analyzers::runbooks {
namespace {

bool aboutRollback(const std::string& lowHeading, const std::string& lowText) {
  for (const char* w : {"rollback", "roll back", "rolling back", "revert", "undo", "downgrade",
                        "restore", "recovery"}) {
    if (lowHeading.find(w) != std::string::npos) return true;
  }
  // A section whose body gives a rollback command also counts.
  for (const char* w : {"helm rollback", "rollout undo", "alembic downgrade", "db:rollback",
                        "migrate down", "flyway undo", "knex migrate:rollback", "db:migrate:undo"}) {
    if (lowText.find(w) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> kindWords(const Operation& op) {
  if (op.type.rfind("migration", 0) == 0) return {"migration", "migrate", "downgrade", "db:rollback"};
  if (op.type == "k8s-workload") return {"rollout undo", "kubectl rollout", "previous replicaset"};
  if (op.type == "helm-chart") return {"helm rollback", "helm history"};
  if (op.type == "terraform") return {"terraform"};
  if (op.type == "package-upgrade") return {"downgrade", "pin", "apt-mark hold", "previous version"};
  if (op.type == "backup") return {"restore"};
  return {};
}

}  // namespace

void matchRollbackDocs(std::vector<Operation>& operations, const std::vector<DocSection>& docs) {
  struct Lowered {
    const DocSection* doc;
    std::string heading, text;
  };
  std::vector<Lowered> relevant;
  for (const DocSection& d : docs) {
    Lowered l{&d, text::lower(d.heading), text::lower(d.text)};
    if (aboutRollback(l.heading, l.text)) relevant.push_back(std::move(l));
  }
  for (Operation& op : operations) {
    if (!op.documentedAt.empty()) continue;
    const std::string name = text::lower(op.name);
    const std::string file = text::lower(text::baseName(op.source.path));
    const auto words = kindWords(op);
    for (const Lowered& l : relevant) {
      bool named = (!name.empty() && name.size() >= 4 &&
                    (l.text.find(name) != std::string::npos || l.heading.find(name) != std::string::npos)) ||
                   l.text.find(file) != std::string::npos;
      bool kind = false;
      if (l.doc->component == op.component || l.doc->component.empty()) {
        for (const auto& w : words) kind = kind || l.text.find(w) != std::string::npos ||
                                                  l.heading.find(w) != std::string::npos;
      }
      // Repository-wide docs must name the operation; a component's docs may name the kind.
      if (named || (kind && l.doc->component == op.component)) {
        op.documentedAt = l.doc->source.cite();
        break;
      }
    }
  }
}

std::string operationLabel(const Operation& op) {
  if (op.type == "migration-alembic") return "Alembic migration";
  if (op.type == "migration-django") return "Django migration";
  if (op.type == "migration-rails") return "Rails migration";
  if (op.type == "migration-flyway") return "Flyway migration";
  if (op.type == "migration-golang") return "golang-migrate migration";
  if (op.type == "migration-js") return "JavaScript migration";
  if (op.type == "k8s-workload") return "Kubernetes workload";
  if (op.type == "helm-chart") return "Helm chart";
  if (op.type == "terraform") return "Terraform configuration";
  if (op.type == "package-upgrade") return "package upgrade";
  if (op.type == "backup") return "backup";
  return op.type;
}

std::string rollbackNeeds(const Operation& op) {
  if (op.type.rfind("migration", 0) == 0) {
    return "how to revert this schema/data change (a working down migration, or restoring the "
           "pre-migration backup), the exact command, the data that cannot come back, and how to "
           "confirm the previous schema version is live";
  }
  if (op.type == "k8s-workload") {
    return "the command that returns to the previous revision (kubectl rollout undo or re-applying "
           "the previous manifest), where that previous manifest is kept, and how to confirm the old "
           "pods are ready and serving";
  }
  if (op.type == "helm-chart") {
    return "how to find the last good release revision (helm history) and roll back to it (helm "
           "rollback), values or CRDs a rollback does not undo, and the checks to run afterwards";
  }
  if (op.type == "terraform") {
    return "how to return to the previous infrastructure state (apply the previous commit, state "
           "backend and locking), resources that cannot be recreated without data loss, and who may "
           "apply";
  }
  if (op.type == "package-upgrade") {
    return "the previous version to return to and the command that reinstalls and holds it, and the "
           "checks that show the service works on it";
  }
  if (op.type == "backup") {
    return "the restore procedure: where the backups are, the restore command, how long it takes "
           "and how to verify the restored data";
  }
  return "how to undo this operation and how to verify the undo worked";
}

}  // namespace ddd::analyzers::runbooks
