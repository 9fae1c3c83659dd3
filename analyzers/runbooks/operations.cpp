#include "analyzers/runbooks/operations.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace ddd::analyzers::runbooks {
namespace {

std::string stem(const std::string& path) {
  std::string b = text::baseName(path);
  const size_t dot = b.find('.');
  return dot == std::string::npos ? b : b.substr(0, dot);
}

size_t indentOf(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

struct PyFunction {
  uint32_t line = 0;  // 0: not defined
  bool empty = true;  // only pass / docstring / comments / ... / raise NotImplementedError
};

// Finds top-level-or-nested `def <name>(` and judges whether its body does anything.
PyFunction pythonFunction(std::string_view text, const std::string& name) {
  PyFunction fn;
  std::vector<std::string_view> lines;
  text::forEachLine(text, [&](uint32_t, std::string_view l) { lines.push_back(l); });
  const std::string head = "def " + name + "(";
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view t = text::trim(lines[i]);
    if (t.rfind(head, 0) != 0 && t.rfind("async " + head, 0) != 0) continue;
    fn.line = static_cast<uint32_t>(i + 1);
    const size_t indent = indentOf(lines[i]);
    // The signature may span lines: skip to the line ending with ':'.
    size_t j = i;
    while (j < lines.size() && !text::contains(text::trim(lines[j]), ":") ) ++j;
    bool inDoc = false;
    for (size_t k = j + 1; k < lines.size(); ++k) {
      const std::string_view body = text::trim(lines[k]);
      if (body.empty()) continue;
      if (indentOf(lines[k]) <= indent && !inDoc) break;
      const bool tripleQuote = body.rfind("\"\"\"", 0) == 0 || body.rfind("'''", 0) == 0;
      if (inDoc) {
        if (text::contains(body, "\"\"\"") || text::contains(body, "'''")) inDoc = false;
        continue;
      }
      if (tripleQuote) {
        const std::string_view rest = body.substr(3);
        if (!text::contains(rest, "\"\"\"") && !text::contains(rest, "'''")) inDoc = true;
        continue;
      }
      if (body[0] == '#' || body == "pass" || body == "..." ||
          body.rfind("raise NotImplementedError", 0) == 0) {
        continue;
      }
      fn.empty = false;
      break;
    }
    return fn;
  }
  return fn;
}

Operation makeOp(const FileInput& in, uint32_t line, std::string type, std::string name) {
  Operation op;
  op.source = {in.path, line == 0 ? 1 : line};
  op.type = std::move(type);
  op.name = std::move(name);
  return op;
}

void alembic(const FileInput& in, FileFacts& out) {
  if (!text::contains(in.text, "def upgrade(") ||
      (!text::contains(in.text, "down_revision") && !text::contains(in.text, "from alembic"))) {
    return;
  }
  const PyFunction up = pythonFunction(in.text, "upgrade");
  Operation op = makeOp(in, up.line, "migration-alembic", stem(in.path));
  const PyFunction down = pythonFunction(in.text, "downgrade");
  if (down.line == 0) {
    op.rollback = RollbackState::Missing;
    op.rollbackEvidence = "no downgrade() defined";
  } else if (down.empty) {
    op.rollback = RollbackState::Missing;
    op.rollbackEvidence = "downgrade() at " + in.path + ":" + std::to_string(down.line) +
                          " does nothing (only pass / docstring)";
  } else {
    op.rollback = RollbackState::InCode;
    op.rollbackEvidence = "downgrade() at " + in.path + ":" + std::to_string(down.line) +
                          " (alembic downgrade -1)";
  }
  out.operations.push_back(std::move(op));
}

// The text of a call starting at `open` (the '('), up to its matching ')', capped.
std::string callArgs(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size() && i < open + 4000; ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) return std::string(text.substr(open + 1, i - open - 1));
  }
  return std::string(text.substr(open + 1, std::min<size_t>(4000, text.size() - open - 1)));
}

int topLevelArgs(const std::string& args) {
  int depth = 0, count = text::trim(args).empty() ? 0 : 1;
  char quote = 0;
  for (char c : args) {
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    else if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ')' || c == ']' || c == '}') --depth;
    else if (c == ',' && depth == 0) ++count;
  }
  // A trailing comma does not make an argument.
  std::string_view t = text::trim(args);
  if (!t.empty() && t.back() == ',') --count;
  return count;
}

uint32_t lineAt(std::string_view text, size_t offset) {
  return static_cast<uint32_t>(std::count(text.begin(), text.begin() + offset, '\n') + 1);
}

void django(const FileInput& in, FileFacts& out) {
  if (!text::contains(in.path, "migrations/") || text::extension(in.path) != ".py" ||
      !text::contains(in.text, "class Migration(")) {
    return;
  }
  const std::string dir = text::dirName(in.path);
  const std::string app = text::baseName(text::dirName(dir));
  Operation op = makeOp(in, lineAt(in.text, in.text.find("class Migration(")), "migration-django",
                        app + "." + stem(in.path));
  for (const char* call : {"RunPython(", "RunSQL("}) {
    size_t pos = 0;
    while ((pos = in.text.find(call, pos)) != std::string_view::npos) {
      const size_t open = pos + std::string_view(call).size() - 1;
      const std::string args = callArgs(in.text, open);
      const bool python = call[3] == 'P';
      const bool reversed = text::contains(args, python ? "reverse_code" : "reverse_sql") ||
                            topLevelArgs(args) >= 2;
      if (!reversed && op.rollback != RollbackState::Missing) {
        op.rollback = RollbackState::Missing;
        op.rollbackEvidence = std::string(python ? "RunPython" : "RunSQL") + " at " + in.path + ":" +
                              std::to_string(lineAt(in.text, pos)) + " has no " +
                              (python ? "reverse_code" : "reverse_sql");
      }
      pos = open;
    }
  }
  if (op.rollback != RollbackState::Missing) {
    // Django reverses its schema operations; name the previous migration when it is said.
    static const RE2 kDep(R"re(\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\))re");
    std::string previous = "<previous migration>";
    const size_t deps = in.text.find("dependencies");
    if (deps != std::string_view::npos) {
      re2::StringPiece rest(in.text.data() + deps, std::min<size_t>(2000, in.text.size() - deps));
      std::string depApp, depName;
      while (RE2::FindAndConsume(&rest, kDep, &depApp, &depName)) {
        if (depApp == app) {
          previous = depName;
          break;
        }
      }
    }
    op.rollback = RollbackState::InCode;
    op.rollbackEvidence = "Django reverses these operations: python manage.py migrate " + app + " " +
                          previous;
  }
  out.operations.push_back(std::move(op));
}

void rails(const FileInput& in, FileFacts& out) {
  if (!text::contains(in.path, "db/migrate/") || text::extension(in.path) != ".rb") return;
  Operation op = makeOp(in, 1, "migration-rails", stem(in.path));
  uint32_t upLine = 0, downLine = 0, changeLine = 0, irreversible = 0;
  text::forEachLine(in.text, [&](uint32_t n, std::string_view line) {
    const std::string_view t = text::trim(line);
    if (t.rfind("def up", 0) == 0 && (t.size() == 6 || !std::isalnum(static_cast<unsigned char>(t[6])))) upLine = n;
    if (t.rfind("def down", 0) == 0) downLine = n;
    if (t.rfind("def change", 0) == 0) changeLine = n;
    if (irreversible == 0 && text::contains(t, "IrreversibleMigration")) irreversible = n;
  });
  op.source.line = changeLine ? changeLine : upLine ? upLine : 1;
  if (irreversible) {
    op.rollback = RollbackState::Missing;
    op.rollbackEvidence = "raises ActiveRecord::IrreversibleMigration at " + in.path + ":" +
                          std::to_string(irreversible);
  } else if (upLine && !downLine) {
    op.rollback = RollbackState::Missing;
    op.rollbackEvidence = "def up without def down";
  } else if (downLine) {
    op.rollback = RollbackState::InCode;
    op.rollbackEvidence = "def down at " + in.path + ":" + std::to_string(downLine) +
                          " (bin/rails db:rollback)";
  } else if (changeLine) {
    op.rollback = RollbackState::InCode;
    op.rollbackEvidence = "reversible def change (bin/rails db:rollback)";
  } else {
    return;
  }
  out.operations.push_back(std::move(op));
}

void jsMigration(const FileInput& in, FileFacts& out) {
  const std::string ext = text::extension(in.path);
  if (ext != ".js" && ext != ".ts" && ext != ".mjs" && ext != ".cjs") return;
  if (!text::containsIgnoreCase(in.path, "migration")) return;
  static const RE2 kUp(R"re(((?:exports\.up\b|\bup\s*[:(=]|\basync\s+up\s*\(|function\s+up\s*\()))re");
  static const RE2 kDown(R"re(((?:exports\.down\b|\bdown\s*[:(=]|\basync\s+down\s*\(|function\s+down\s*\()))re");
  static const RE2 kEmptyDown(
      R"re((?:exports\.down\s*=\s*(?:async\s*)?(?:function\s*)?\([^)]*\)\s*(?:=>\s*)?\{\s*(?:return\s*(?:Promise\.resolve\(\)\s*)?;?\s*)?\}|\bdown\s*(?:\([^)]*\)\s*(?::\s*Promise<void>\s*)?|:\s*(?:async\s*)?(?:function\s*)?\([^)]*\)\s*(?:=>\s*)?)\{\s*(?:return\s*(?:Promise\.resolve\(\)\s*)?;?\s*)?\}))re");
  re2::StringPiece whole(in.text.data(), in.text.size());
  re2::StringPiece m;
  if (!RE2::PartialMatch(whole, kUp, &m)) return;
  Operation op = makeOp(in, lineAt(in.text, static_cast<size_t>(m.data() - in.text.data())),
                        "migration-js", stem(in.path));
  re2::StringPiece d;
  if (!RE2::PartialMatch(whole, kDown, &d)) {
    op.rollback = RollbackState::Missing;
    op.rollbackEvidence = "no down migration";
  } else {
    const std::string where =
        in.path + ":" + std::to_string(lineAt(in.text, static_cast<size_t>(d.data() - in.text.data())));
    if (RE2::PartialMatch(whole, kEmptyDown)) {
      op.rollback = RollbackState::Missing;
      op.rollbackEvidence = "down at " + where + " is empty";
    } else {
      op.rollback = RollbackState::InCode;
      op.rollbackEvidence = "down at " + where;
    }
  }
  out.operations.push_back(std::move(op));
}

void sqlMigrations(const FileInput& in, FileFacts& out) {
  const std::string base = text::baseName(in.path);
  static const RE2 kFlywayV(R"re(V(\d[0-9._]*)__.+\.sql)re");
  static const RE2 kFlywayU(R"re(U(\d[0-9._]*)__.+\.sql)re");
  // Only comments and blanks: an undo file that does nothing.
  auto noStatement = [&] {
    bool any = false;
    text::forEachLine(in.text, [&](uint32_t, std::string_view l) {
      const std::string_view t = text::trim(l);
      if (!t.empty() && t.rfind("--", 0) != 0 && t != ";") any = true;
    });
    return !any;
  };
  std::string version;
  if (RE2::FullMatch(base, kFlywayV, &version)) {
    Operation op = makeOp(in, 1, "migration-flyway", stem(in.path));
    op.details.push_back("version " + version);
    out.operations.push_back(std::move(op));
  } else if (base.size() > 7 && base.substr(base.size() - 7) == ".up.sql") {
    out.operations.push_back(makeOp(in, 1, "migration-golang", base.substr(0, base.size() - 7)));
  } else if ((RE2::FullMatch(base, kFlywayU, &version) ||
              (base.size() > 9 && base.substr(base.size() - 9) == ".down.sql")) &&
             noStatement()) {
    out.emptyUndo.push_back(in.path);
  }
}

void workloads(const FileInput& in, const YAML::Node& doc, FileFacts& out) {
  const std::string kind = yaml::scalar(doc, "kind");
  if (kind != "Deployment" && kind != "StatefulSet" && kind != "DaemonSet") return;
  const YAML::Node spec = doc["spec"];
  if (!spec || !spec.IsMap()) return;
  Operation op = makeOp(in, yaml::lineOf(doc), "k8s-workload",
                        text::lower(kind) + "/" + yaml::scalar(doc["metadata"], "name"));
  std::string strategy = yaml::scalar(spec["strategy"], "type");
  if (strategy.empty()) strategy = yaml::scalar(spec["updateStrategy"], "type");
  op.details.push_back("strategy: " + (strategy.empty() ? std::string("default (RollingUpdate)") : strategy));
  const std::string history = yaml::scalar(spec, "revisionHistoryLimit");
  op.details.push_back("revisionHistoryLimit: " + (history.empty() ? std::string("default (10)") : history));
  if (history == "0") {
    op.rollback = RollbackState::Missing;
    op.rollbackEvidence = "revisionHistoryLimit: 0 keeps no old ReplicaSet to roll back to";
  }
  out.operations.push_back(std::move(op));
}

void helmChart(const FileInput& in, const YAML::Node& doc, FileFacts& out) {
  if (text::baseName(in.path) != "Chart.yaml") return;
  const std::string name = yaml::scalar(doc, "name");
  if (name.empty()) return;
  Operation op = makeOp(in, yaml::lineOf(doc["name"]), "helm-chart", name);
  if (auto v = yaml::scalar(doc, "version"); !v.empty()) op.details.push_back("chart version " + v);
  if (auto v = yaml::scalar(doc, "appVersion"); !v.empty()) op.details.push_back("appVersion " + v);
  out.operations.push_back(std::move(op));
}

bool isPackageModule(const std::string& m) {
  static const std::set<std::string> kModules = {"apt", "yum", "dnf", "package", "pip", "apk",
                                                 "zypper", "homebrew", "npm", "gem", "snap",
                                                 "pacman"};
  return kModules.count(m) != 0;
}

const RE2& upgradeCommand() {
  static const RE2 kRe(
      R"re(\b(apt-get\s+(?:-\S+\s+)*(?:dist-)?upgrade|apt\s+(?:-\S+\s+)*(?:full-)?upgrade|yum\s+(?:-\S+\s+)*(?:update|upgrade)|dnf\s+(?:-\S+\s+)*upgrade|apk\s+upgrade|pip3?\s+install\s+(?:-\S+\s+)*(?:-U|--upgrade)))re");
  return kRe;
}

void ansibleUpgrades(const FileInput& in, const YAML::Node& doc, FileFacts& out) {
  if (!doc.IsSequence()) return;
  auto visit = [&](const YAML::Node& task, auto& self, int depth) -> void {
    if (!task.IsMap() || depth > 4) return;
    for (const char* block : {"block", "rescue", "always", "tasks", "pre_tasks", "post_tasks"}) {
      const YAML::Node b = task[block];
      if (b && b.IsSequence()) for (const auto& t : b) self(t, self, depth + 1);
    }
    for (const auto& kv : task) {
      if (!kv.first.IsScalar()) continue;
      std::string module = kv.first.Scalar();
      if (const size_t dot = module.rfind('.'); dot != std::string::npos) module = module.substr(dot + 1);
      const YAML::Node args = kv.second;
      std::string why;
      if (isPackageModule(module) && args.IsMap()) {
        if (yaml::scalar(args, "state") == "latest") why = module + " state: latest";
        const std::string up = yaml::scalar(args, "upgrade");
        if (!up.empty() && up != "no" && up != "false") why = module + " upgrade: " + up;
      } else if (module == "shell" || module == "command" || module == "raw") {
        const std::string cmd = args.IsMap() ? yaml::scalar(args, "cmd") : yaml::joined(args);
        std::string m;
        if (RE2::PartialMatch(cmd, upgradeCommand(), &m)) why = m;
      }
      if (why.empty()) continue;
      std::string pkg = args.IsMap() ? yaml::joined(args["name"]) : "";
      if (pkg.empty() && args.IsMap()) pkg = yaml::joined(args["pkg"]);
      std::string name = yaml::scalar(task, "name");
      if (name.empty()) name = pkg.empty() ? module : pkg;
      Operation op = makeOp(in, yaml::lineOf(task), "package-upgrade", name);
      op.details.push_back(why);
      if (!pkg.empty()) op.details.push_back("packages: " + text::clip(pkg, 120));
      out.operations.push_back(std::move(op));
    }
  };
  for (const auto& t : doc) visit(t, visit, 0);
}

void lineUpgrades(const FileInput& in, FileFacts& out, bool dockerfile) {
  static const RE2 kFrom(R"re(^\s*FROM\s+(?:--platform=\S+\s+)?([^\s:@]+)(?::(\S+))?(?:\s+AS\s+\S+)?\s*$)re",
                         RE2::Latin1);
  text::forEachLine(in.text, [&](uint32_t n, std::string_view line) {
    if (line.size() > 600) return;
    const std::string_view t = text::trim(line);
    if (t.empty() || t[0] == '#') return;
    std::string m;
    if (RE2::PartialMatch(line, upgradeCommand(), &m)) {
      Operation op = makeOp(in, n, "package-upgrade", m);
      op.details.push_back(text::clip(t, 160));
      out.operations.push_back(std::move(op));
      return;
    }
    std::string image, tag;
    if (dockerfile && RE2::FullMatch(line, kFrom, &image, &tag) && image != "scratch" &&
        (tag.empty() || tag == "latest") && image.find('$') == std::string::npos) {
      Operation op = makeOp(in, n, "package-upgrade", image + (tag.empty() ? "" : ":" + tag));
      op.details.push_back("unpinned base image: " + std::string(t));
      out.operations.push_back(std::move(op));
    }
  });
}

void terraform(const FileInput& in, FileFacts& out) {
  static const RE2 kResource(R"re(^\s*resource\s+"([^"]+)"\s+"([^"]+)")re");
  static const RE2 kBackend(R"re(^\s*backend\s+"([^"]+)")re");
  Operation op = makeOp(in, 0, "terraform", "terraform " + in.path);
  std::vector<std::string> resources;
  bool destroyGuard = false;
  text::forEachLine(in.text, [&](uint32_t n, std::string_view line) {
    std::string type, name;
    if (RE2::PartialMatch(line, kResource, &type, &name)) {
      if (resources.empty()) op.source.line = n;
      resources.push_back(type + "." + name);
    } else if (RE2::PartialMatch(line, kBackend, &type)) {
      Fact f;
      f.source = {in.path, n};
      f.kind = FactKind::Signal;
      f.type = "terraform-backend";
      f.subject = text::dirName(in.path);
      f.value = type;
      out.facts.push_back(std::move(f));
    }
    if (text::contains(line, "prevent_destroy") && text::contains(line, "true")) destroyGuard = true;
  });
  if (resources.empty()) return;
  std::string list;
  for (size_t i = 0; i < resources.size() && i < 6; ++i) list += (i ? ", " : "") + resources[i];
  if (resources.size() > 6) list += ", ... (" + std::to_string(resources.size()) + " in all)";
  op.details.push_back("resources: " + list);
  if (destroyGuard) op.details.push_back("prevent_destroy set");
  out.operations.push_back(std::move(op));
}

void backups(const FileInput& in, const std::string& ext, FileFacts& out) {
  static const std::set<std::string> kScript = {".sh", ".bash", ".py", ".yml", ".yaml", ""};
  if (kScript.count(ext) == 0) return;
  static const RE2 kBackup(
      R"re(\b(pg_dump(?:all)?|mysqldump|mongodump|etcdctl\s+snapshot\s+save|velero\s+backup\s+create|restic\s+backup|borg\s+create|rsnapshot|redis-cli\s+(?:--rdb|bgsave)|tar\s+-?c\S*\s+\S+backup\S*))re");
  static const RE2 kRestore(
      R"re(\b(pg_restore|mongorestore|etcdctl\s+snapshot\s+restore|velero\s+restore\s+create|restic\s+restore|borg\s+extract|mysql\s+[^|]*<|psql\s+[^|]*<))re");
  bool backupDone = false, restoreDone = false;
  // By name only for scripts and playbooks: a Python module named *backup* is usually
  // code that manages backups, not a backup job; its content has to say so.
  const bool script = ext != ".py";
  if (script && text::contains(text::lower(text::baseName(in.path)), "backup")) {
    out.operations.push_back(makeOp(in, 1, "backup", text::baseName(in.path)));
    backupDone = true;
  }
  if (script && text::contains(text::lower(text::baseName(in.path)), "restore")) {
    Fact f;
    f.source = {in.path, 1};
    f.kind = FactKind::Signal;
    f.type = "restore-procedure";
    f.subject = text::baseName(in.path);
    f.value = in.path;
    out.facts.push_back(std::move(f));
    restoreDone = true;
  }
  if (backupDone && restoreDone) return;
  static const RE2 kHints(
      R"re(pg_dump|mysqldump|mongodump|etcdctl|velero|restic|borg|rsnapshot|redis-cli|backup|pg_restore|mongorestore|mysql|psql)re");
  text::forEachLineMatching(in.text, kHints, [&](uint32_t n, std::string_view line) {
    if (line.size() > 600) return;
    std::string m;
    if (!backupDone && RE2::PartialMatch(line, kBackup, &m)) {
      Operation op = makeOp(in, n, "backup", m + " in " + text::baseName(in.path));
      op.details.push_back(text::clip(text::trim(line), 160));
      out.operations.push_back(std::move(op));
      backupDone = true;
    } else if (!restoreDone && RE2::PartialMatch(line, kRestore, &m)) {
      Fact f;
      f.source = {in.path, n};
      f.kind = FactKind::Signal;
      f.type = "restore-procedure";
      f.subject = m;
      f.value = text::clip(text::trim(line), 160);
      out.facts.push_back(std::move(f));
      restoreDone = true;
    }
  });
}

}  // namespace

void extractOperations(const FileInput& in, FileFacts& out) {
  const std::string ext = text::extension(in.path);
  const std::string base = text::lower(text::baseName(in.path));
  if (ext == ".py") {
    alembic(in, out);
    django(in, out);
  }
  rails(in, out);
  jsMigration(in, out);
  if (ext == ".sql") sqlMigrations(in, out);
  if (ext == ".tf") terraform(in, out);
  const bool dockerfile = base.rfind("dockerfile", 0) == 0 || ext == ".dockerfile";
  if (dockerfile || ext == ".sh" || ext == ".bash") lineUpgrades(in, out, dockerfile);
  for (const YAML::Node& doc : in.yaml) {
    try {
      if (doc.IsMap()) {
        workloads(in, doc, out);
        helmChart(in, doc, out);
      }
      ansibleUpgrades(in, doc, out);
    } catch (const YAML::Exception& e) {
      out.warnings.push_back(in.path + ": unexpected YAML shape (" + e.what() + "); skipped");
    }
  }
  if (ext != ".md") backups(in, ext, out);
}

void resolveOperations(const std::vector<std::string>& paths, FileFacts& merged) {
  const std::set<std::string> all(paths.begin(), paths.end());
  const std::set<std::string> empty(merged.emptyUndo.begin(), merged.emptyUndo.end());
  static const RE2 kFlywayU(R"re(U(\d[0-9._]*)__.+\.sql)re");
  // Flyway undo files per directory and version.
  std::map<std::string, std::string> undoByDirVersion;
  for (const auto& p : paths) {
    std::string version;
    if (RE2::FullMatch(text::baseName(p), kFlywayU, &version)) {
      undoByDirVersion[text::dirName(p) + "|" + version] = p;
    }
  }
  std::set<std::string> backendDirs;
  for (const auto& f : merged.facts) {
    if (f.type == "terraform-backend") backendDirs.insert(f.subject);
  }
  for (Operation& op : merged.operations) {
    const std::string dir = text::dirName(op.source.path);
    if (op.type == "migration-golang") {
      const std::string down = (dir.empty() ? "" : dir + "/") + op.name + ".down.sql";
      if (all.count(down) == 0) {
        op.rollback = RollbackState::Missing;
        op.rollbackEvidence = "no " + down;
      } else if (empty.count(down) != 0) {
        op.rollback = RollbackState::Missing;
        op.rollbackEvidence = down + " has no statement";
      } else {
        op.rollback = RollbackState::InCode;
        op.rollbackEvidence = down + " (migrate down 1)";
      }
    } else if (op.type == "migration-flyway") {
      const std::string version = op.details.empty() ? "" : op.details[0].substr(8);
      auto it = undoByDirVersion.find(dir + "|" + version);
      if (it == undoByDirVersion.end()) {
        op.rollback = RollbackState::Missing;
        op.rollbackEvidence = "no U" + version + "__*.sql undo migration";
      } else if (empty.count(it->second) != 0) {
        op.rollback = RollbackState::Missing;
        op.rollbackEvidence = it->second + " has no statement";
      } else {
        op.rollback = RollbackState::InCode;
        op.rollbackEvidence = it->second + " (flyway undo)";
      }
    } else if (op.type == "terraform") {
      op.details.push_back(backendDirs.count(dir) != 0
                               ? "state backend configured in this directory"
                               : "no state backend in this directory (local state)");
    }
  }
}

}  // namespace ddd::analyzers::runbooks
