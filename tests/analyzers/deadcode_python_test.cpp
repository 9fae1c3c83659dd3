// The Python pass of the dead-code analyzer and its tokenizer, on small real trees.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "analyzers/deadcode/analyzer.h"
#include "analyzers/deadcode/language.h"
#include "analyzers/deadcode/python_data.h"
#include "analyzers/deadcode/python_lexer.h"
#include "analyzers/source_tree.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers::deadcode {
namespace {

using Files = std::map<std::string, std::string>;

PassResult analyze(const Files& files, const DeadcodeOptions& options = {}) {
  MemorySourceTree tree(files);
  return analyzePython(tree, options);
}

const Candidate* find(const PassResult& r, const std::string& name, Kind kind = Kind::UnusedSymbol) {
  for (const Candidate& c : r.candidates)
    if (c.name == name && c.kind == kind) return &c;
  return nullptr;
}

std::vector<std::string> names(const PassResult& r) {
  std::vector<std::string> out;
  for (const Candidate& c : r.candidates) out.push_back(c.name);
  return out;
}

bool hasDoubt(const Candidate& c, const std::string& text) {
  for (const std::string& d : c.doubts)
    if (d.find(text) != std::string::npos) return true;
  return false;
}

std::string applyRemoval(const std::string& text, const Removal& r) {
  return text.substr(0, r.offset) + r.replacement + text.substr(r.offset + r.length);
}

// ---- tokenizer ------------------------------------------------------------------------------

std::vector<std::string> kindsAndTexts(const std::string& code) {
  using python::TokenKind;
  const python::LexResult r = python::lex(code);
  std::vector<std::string> out;
  for (const python::Token& t : r.tokens) {
    switch (t.kind) {
      case TokenKind::Newline: out.push_back("NL"); break;
      case TokenKind::Indent: out.push_back("IN"); break;
      case TokenKind::Dedent: out.push_back("DE"); break;
      case TokenKind::End: out.push_back("END"); break;
      case TokenKind::String: out.push_back("S:" + code.substr(t.begin, t.end - t.begin)); break;
      case TokenKind::FString: out.push_back("F:" + code.substr(t.begin, t.end - t.begin)); break;
      default: out.push_back(code.substr(t.begin, t.end - t.begin));
    }
  }
  return out;
}

TEST(DeadcodePythonLexer, IndentationCommentsAndContinuations) {
  const std::string code =
      "def f(a,\n"
      "      b):  # a comment\n"
      "\n"
      "    # only a comment, at another indentation\n"
      "  \n"
      "    x = a + \\\n"
      "        b\n"
      "    return x\n"
      "y = 1\n";
  EXPECT_EQ(kindsAndTexts(code),
            (std::vector<std::string>{"def", "f", "(", "a", ",", "b", ")", ":", "NL", "IN", "x",
                                      "=", "a", "+", "b", "NL", "return", "x", "NL", "DE", "y",
                                      "=", "1", "NL", "END"}));
  EXPECT_TRUE(python::lex(code).error.empty());
}

TEST(DeadcodePythonLexer, StringsOfEveryKind) {
  const std::string code =
      "a = '''x\n'y'\n''' + rb\"\\\"\" + B'x' + u'z'\n"
      "b = f\"{name!r:>{width}} {{literal}} {d['k']}\"\n"
      "c = Rf'''{x\n}'''\n";
  const std::vector<std::string> toks = kindsAndTexts(code);
  EXPECT_EQ(toks[2], "S:'''x\n'y'\n'''");
  EXPECT_EQ(toks[4], "S:rb\"\\\"\"");
  EXPECT_EQ(toks[6], "S:B'x'");
  EXPECT_EQ(toks[8], "S:u'z'");
  EXPECT_EQ(toks[12], "F:f\"{name!r:>{width}} {{literal}} {d['k']}\"");
  EXPECT_EQ(toks[16], "F:Rf'''{x\n}'''");
  EXPECT_EQ(python::fieldCode("{name!r:>{width}} {{literal}} {d['k']}"),
            "name!r:>\nwidth\n\nd['k']\n");
}

TEST(DeadcodePythonLexer, Python312NestedQuotesInFStrings) {
  const std::string code = "x = f\"{d[\"key\"]} and {', '.join(xs)}\"\ny = 2\n";
  const std::vector<std::string> toks = kindsAndTexts(code);
  EXPECT_EQ(toks[2], "F:f\"{d[\"key\"]} and {', '.join(xs)}\"");
  EXPECT_EQ(toks[4], "y");
}

TEST(DeadcodePythonLexer, MalformedInputReportsTheFirstProblem) {
  EXPECT_EQ(python::lex("x = 'open\ny = 1\n").error, "line 1: unterminated string");
  EXPECT_EQ(python::lex("def f():\n        a\n    b\n").errorLine, 3u);
  EXPECT_EQ(python::lex("f(\n").error, "line 2: unclosed bracket at the end of the file");
  EXPECT_EQ(python::lex("x = )\n").error, "line 1: unmatched ')'");
  // Always balanced and terminated, whatever the input.
  const python::LexResult r = python::lex("if x:\n    y = \"\"\"never closed\n");
  EXPECT_EQ(r.tokens.back().kind, python::TokenKind::End);
  EXPECT_FALSE(r.error.empty());
}

// ---- symbols ----------------------------------------------------------------------------------

TEST(DeadcodePython, FrameworkHooksFixturesAndDundersAreNotReported) {
  const PassResult r = analyze({
      {"app/__init__.py", ""},
      {"app/views.py",
       "from flask import Flask\n"
       "from http.server import BaseHTTPRequestHandler\n"
       "app = Flask(__name__)\n"
       "\n"
       "@app.route('/')\n"
       "def index():\n"
       "    return 'hi'\n"
       "\n"
       "class Handler(BaseHTTPRequestHandler):\n"
       "    def do_GET(self):\n"
       "        pass\n"
       "\n"
       "class Local:\n"
       "    def __repr__(self):\n"
       "        return 'Local'\n"
       "    def used(self, protocol_arg):\n"
       "        return 1\n"
       "    def never_called(self):\n"
       "        return 2\n"
       "\n"
       "def run():\n"
       "    Local().used(None)\n"
       "    Handler\n"
       "    app.run()\n"
       "\n"
       "if __name__ == '__main__':\n"
       "    run()\n"},
      {"tests/conftest.py",
       "import pytest\n"
       "@pytest.fixture\n"
       "def client():\n"
       "    return object()\n"
       "def pytest_configure(config):\n"
       "    pass\n"},
      {"tests/test_views.py",
       "import contextlib\n"
       "@contextlib.contextmanager\n"
       "def _unused_context():\n"
       "    yield\n"
       "def test_index(client):\n"
       "    assert client\n"
       "class TestViews:\n"
       "    def setup_method(self):\n"
       "        pass\n"
       "def _unused_helper():\n"
       "    pass\n"},
  });
  // A context manager's decorator registers nothing: still reported.
  EXPECT_EQ(names(r), (std::vector<std::string>{"Local.never_called", "_unused_context", "_unused_helper"}));
  const Candidate* method = find(r, "Local.never_called");
  ASSERT_NE(method, nullptr);
  EXPECT_EQ(method->symbolKind, "method");
  EXPECT_EQ(method->line, 18u);
  EXPECT_EQ(method->column, 9u);
  EXPECT_NE(method->evidence.front().find("no references in 4 Python files"), std::string::npos);
  const Candidate* helper = find(r, "_unused_helper");
  ASSERT_NE(helper, nullptr);
  EXPECT_GE(helper->confidence, 0.9);
  EXPECT_TRUE(helper->removal.has_value());
}

TEST(DeadcodePython, RemovalTakesTheLeadingCommentAndLeavesTidyText) {
  const std::string mod =
      "import os\n"
      "\n"
      "\n"
      "# Joins paths the old way.\n"
      "# Kept for the 1.x API.\n"
      "def _old_join(a, b):\n"
      "    return os.path.join(a, b)\n"
      "\n"
      "\n"
      "def main():\n"
      "    print(os.sep)\n";
  const PassResult r = analyze({{"tool.py", mod}});
  const Candidate* c = find(r, "_old_join");
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->removal.has_value());
  EXPECT_EQ(applyRemoval(mod, *c->removal),
            "import os\n\n\ndef main():\n    print(os.sep)\n");
  // main is referenced nowhere, but it is public: reported, with lower confidence.
  const Candidate* m = find(r, "main");
  ASSERT_NE(m, nullptr);
  EXPECT_LT(m->confidence, c->confidence);
}

TEST(DeadcodePython, AllRelativeImportsAndUnusedModules) {
  const PassResult r = analyze({
      {"pkg/__init__.py", "from .core import engine\n__all__ = ['engine', 'exported_only']\n"},
      {"pkg/core.py", "from ..pkg import helpers\nfrom . import models as m\ndef engine():\n    return m\n"},
      {"pkg/helpers.py", "def exported_only():\n    pass\n"},
      {"pkg/models.py", "X = 1\n"},
      {"pkg/orphan.py", "def lonely():\n    pass\n"},
      {"pkg/sub/__init__.py", ""},
      {"pkg/sub/deep.py", "from ...pkg.sub import __init__\nfrom .. import orphan2\n"},
      {"pkg/orphan2.py", ""},
      {"pkg/plugin.py", "VALUE = 2\n"},
      {"setup.cfg", "[options.entry_points]\nmyapp.plugins =\n    p = pkg.plugin:VALUE\n"},
  });
  EXPECT_EQ(find(r, "exported_only"), nullptr);  // in __all__
  EXPECT_EQ(find(r, "engine"), nullptr);
  EXPECT_EQ(find(r, "VALUE"), nullptr);  // named by an entry point
  EXPECT_EQ(find(r, "pkg/models.py", Kind::UnusedFile), nullptr);
  EXPECT_EQ(find(r, "pkg/helpers.py", Kind::UnusedFile), nullptr);
  EXPECT_EQ(find(r, "pkg/orphan2.py", Kind::UnusedFile), nullptr);
  EXPECT_EQ(find(r, "pkg/plugin.py", Kind::UnusedFile), nullptr);
  // pkg/sub/deep.py is not imported either, but "deep" is not named anywhere.
  const Candidate* orphan = find(r, "pkg/orphan.py", Kind::UnusedFile);
  ASSERT_NE(orphan, nullptr);
  EXPECT_GE(orphan->confidence, 0.85);
  ASSERT_TRUE(orphan->removal.has_value());
  EXPECT_TRUE(orphan->removal->deleteFile);
  EXPECT_NE(find(r, "pkg/sub/deep.py", Kind::UnusedFile), nullptr);
  EXPECT_NE(find(r, "lonely"), nullptr);
  EXPECT_EQ(r.stats.entries, (std::vector<std::string>{"pkg/plugin.py"}));
}

TEST(DeadcodePython, InstanceAttributesWrittenAndNeverRead) {
  const PassResult r = analyze({
      {"w.py",
       "import threading\n"
       "class Writer:\n"
       "    def __init__(self):\n"
       "        self.in_section = False\n"
       "        self.count: int = 0\n"
       "        self.total = 0\n"
       "    def add(self):\n"
       "        self.count += 1\n"
       "        return self.total\n"
       "class Worker(threading.Thread):\n"
       "    def __init__(self):\n"
       "        self.daemon = True\n"
       "Writer().add()\n"
       "Worker()\n"},
      {"d.py",
       "class Dumped:\n"
       "    def __init__(self):\n"
       "        self.field = 1\n"
       "    def dump(self):\n"
       "        return self.__dict__\n"
       "Dumped().dump()\n"},
  });
  EXPECT_EQ(names(r), (std::vector<std::string>{"Dumped.field", "Writer.in_section"}));
  const Candidate* flag = find(r, "Writer.in_section");
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ(flag->symbolKind, "instance attribute");
  EXPECT_EQ(flag->line, 4u);
  EXPECT_FALSE(flag->removal.has_value());
  const Candidate* field = find(r, "Dumped.field");
  ASSERT_NE(field, nullptr);
  EXPECT_LT(field->confidence, flag->confidence);  // __dict__ in its file
  EXPECT_NE(field->doubts.front().find("__dict__ in d.py:5"), std::string::npos);
}

TEST(DeadcodePython, StringAnnotationsRegistrationsAndDynamicAccess) {
  const PassResult r = analyze({
      {"m.py",
       "from typing import Optional\n"
       "class _Helper:\n"
       "    pass\n"
       "class _Registered:\n"
       "    pass\n"
       "def use(x: 'Optional[_Helper]') -> None:\n"
       "    print(f'{x!r} {_formatted(x)}')\n"
       "def _formatted(x):\n"
       "    return str(x)\n"
       "HANDLERS = ['m._Registered']\n"
       "use(None)\n"
       "print(HANDLERS)\n"},
      {"dyn.py",
       "def _reached_by_name():\n"
       "    pass\n"
       "def call(name):\n"
       "    return globals()[name]()\n"
       "call('x')\n"},
      {"docs/index.rst", "Call ``_documented`` to start.\n"},
      {"doc.py", "def _documented():\n    pass\n"},
  });
  EXPECT_EQ(find(r, "_Helper"), nullptr);
  EXPECT_EQ(find(r, "_Registered"), nullptr);
  EXPECT_EQ(find(r, "_formatted"), nullptr);
  const Candidate* dyn = find(r, "_reached_by_name");
  ASSERT_NE(dyn, nullptr);
  EXPECT_LT(dyn->confidence, 0.85);
  EXPECT_FALSE(dyn->removal.has_value());
  ASSERT_FALSE(dyn->doubts.empty());
  EXPECT_NE(dyn->doubts.front().find("globals() in dyn.py:4"), std::string::npos);
  const Candidate* doc = find(r, "_documented");
  ASSERT_NE(doc, nullptr);
  EXPECT_FALSE(doc->removal.has_value());
  EXPECT_NE(doc->doubts.front().find("docs/index.rst:1"), std::string::npos);
}

TEST(DeadcodePython, SyntaxErrorsAndNonUtf8LowerConfidenceNeverCrash) {
  const PassResult r = analyze({
      {"broken.py", "def _a(:\n    return 'unterminated\ndef _b():\n  pass\n"},
      {"latin1.py", "# caf\xe9\ndef _c():\n    return '\xff\xfe'\n"},
      {"control.py", "\x01\x02\x80 def _d(\x7f):\n  pass\n"},
      {"binary.py", std::string("def _e():\0\0", 10)},
  });
  EXPECT_EQ(r.stats.parseErrors, 2u);  // broken.py and the control bytes
  EXPECT_EQ(r.stats.skippedHuge, 1u);  // binary.py: not read, counted, warned about
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("1 Python files not read"), std::string::npos);
  for (const Candidate& c : r.candidates) {
    EXPECT_FALSE(c.removal.has_value()) << c.name;
    EXPECT_LT(c.confidence, 0.85) << c.name;
  }
  EXPECT_NE(find(r, "_c"), nullptr);
}

TEST(DeadcodePython, LibraryModeKeepsThePublicApi) {
  const Files files = {{"lib/__init__.py", ""},
                       {"lib/api.py", "def public():\n    pass\ndef _private():\n    pass\n"}};
  DeadcodeOptions library;
  library.library = true;
  EXPECT_EQ(names(analyze(files, library)), (std::vector<std::string>{"_private"}));
  DeadcodeOptions ignoring;
  ignoring.ignoreNames = {"_priv*"};
  ignoring.ignorePaths = {"lib/__init__.py"};
  EXPECT_EQ(names(analyze(files, ignoring)), (std::vector<std::string>{"lib/api.py", "public"}));
}

// ---- dependencies -------------------------------------------------------------------------------

TEST(DeadcodePython, UnusedAndUnlistedDependenciesThroughTheNameTable) {
  const std::string requirements =
      "PyYAML>=6  # config files\n"
      "requests==2.31.0\n"
      "beautifulsoup4\n"
      "pytest-cov\n"
      "django-celery-beat\n"
      "werkzeug<2.1  # for pytest-httpbin\n";
  const PassResult r = analyze({
      {"requirements.txt", requirements},
      {"pyproject.toml",
       "[project]\nname = 'x'\ndependencies = [\n  \"python-dateutil>=2\",\n  \"attrs\",\n]\n"},
      {"app/__init__.py", ""},
      {"app/main.py",
       "import os, yaml\n"
       "from bs4 import BeautifulSoup\n"
       "from dateutil import parser\n"
       "import numpy as np\n"
       "from app import main\n"
       "try:\n"
       "    import ujson as json\n"
       "except ImportError:\n"
       "    import json\n"
       "INSTALLED_APPS = ['django_celery_beat']\n"},
  });
  const Candidate* requests = find(r, "requests", Kind::UnusedDependency);
  ASSERT_NE(requests, nullptr);
  EXPECT_EQ(requests->path, "requirements.txt");
  EXPECT_EQ(requests->line, 2u);
  ASSERT_TRUE(requests->removal.has_value());
  EXPECT_EQ(applyRemoval(requirements, *requests->removal),
            "PyYAML>=6  # config files\nbeautifulsoup4\npytest-cov\ndjango-celery-beat\n"
            "werkzeug<2.1  # for pytest-httpbin\n");
  // Only capped: the pin of a transitive dependency, most likely.
  const Candidate* werkzeug = find(r, "werkzeug", Kind::UnusedDependency);
  ASSERT_NE(werkzeug, nullptr);
  EXPECT_LT(werkzeug->confidence, 0.8);
  EXPECT_FALSE(werkzeug->removal.has_value());
  const Candidate* attrs = find(r, "attrs", Kind::UnusedDependency);
  ASSERT_NE(attrs, nullptr);
  EXPECT_EQ(attrs->path, "pyproject.toml");
  EXPECT_EQ(find(r, "PyYAML", Kind::UnusedDependency), nullptr);
  EXPECT_EQ(find(r, "beautifulsoup4", Kind::UnusedDependency), nullptr);
  EXPECT_EQ(find(r, "python-dateutil", Kind::UnusedDependency), nullptr);
  EXPECT_EQ(find(r, "pytest-cov", Kind::UnusedDependency), nullptr);         // a tool
  EXPECT_EQ(find(r, "django-celery-beat", Kind::UnusedDependency), nullptr);  // by string
  const Candidate* numpy = find(r, "numpy", Kind::UnlistedDependency);
  ASSERT_NE(numpy, nullptr);
  EXPECT_EQ(numpy->path, "app/main.py");
  EXPECT_EQ(numpy->line, 4u);
  EXPECT_EQ(find(r, "os", Kind::UnlistedDependency), nullptr);
  EXPECT_EQ(find(r, "ujson", Kind::UnlistedDependency), nullptr);  // optional import
  EXPECT_EQ(find(r, "app", Kind::UnlistedDependency), nullptr);
}

TEST(DeadcodePython, VendoredCodeConfigModulesTypeOnlyImportsAndInlineScriptMetadata) {
  const PassResult r = analyze({
      {"requirements.txt", "requests\n"},
      {"app/__init__.py", ""},
      {"app/main.py",
       "import requests\n"
       "from typing import TYPE_CHECKING\n"
       "if TYPE_CHECKING:\n"
       "    from _typeshed import StrPath\n"
       "    import mypy_extensions\n"
       "import _ssl\n"},
      {"app/_vendor/six.py", "import urllib2\ndef _never_called():\n    pass\n"},
      {"docs/conf.py", "html_theme = 'furo'\nimport sphinx_rtd_theme\n"},
      {"tools/release.py",
       "# /// script\n# dependencies = [\"httpx>=0.27\", 'rich']\n# ///\n"
       "import httpx, rich, yaml\n"},
  });
  EXPECT_EQ(find(r, "_never_called"), nullptr);
  EXPECT_EQ(find(r, "urllib2", Kind::UnlistedDependency), nullptr);
  EXPECT_EQ(find(r, "html_theme"), nullptr);
  EXPECT_EQ(find(r, "mypy_extensions", Kind::UnlistedDependency), nullptr);
  EXPECT_EQ(find(r, "_typeshed", Kind::UnlistedDependency), nullptr);
  EXPECT_EQ(find(r, "_ssl", Kind::UnlistedDependency), nullptr);
  EXPECT_EQ(find(r, "httpx", Kind::UnlistedDependency), nullptr);
  EXPECT_EQ(find(r, "rich", Kind::UnlistedDependency), nullptr);
  const Candidate* yaml = find(r, "yaml", Kind::UnlistedDependency);
  ASSERT_NE(yaml, nullptr);
  EXPECT_EQ(yaml->confidence, 0.5);
  const Candidate* theme = find(r, "sphinx_rtd_theme", Kind::UnlistedDependency);
  ASSERT_NE(theme, nullptr);
  EXPECT_EQ(theme->confidence, 0.5);
}

TEST(DeadcodePythonData, NameTableAndStdlib) {
  EXPECT_EQ(python::importNamesOf("scikit-learn"), (std::vector<std::string>{"sklearn"}));
  EXPECT_EQ(python::importNamesOf("Pillow"), (std::vector<std::string>{"PIL"}));
  EXPECT_EQ(python::importNamesOf("Flask_SQLAlchemy"), (std::vector<std::string>{"flask_sqlalchemy"}));
  EXPECT_EQ(python::normalizeDistribution("Zope.Interface__x"), "zope-interface-x");
  EXPECT_TRUE(python::isStdlibModule("asyncio"));
  EXPECT_TRUE(python::isStdlibModule("__future__"));
  EXPECT_FALSE(python::isStdlibModule("yaml"));
  EXPECT_TRUE(python::isToolDistribution("types-requests"));
  EXPECT_FALSE(python::isToolDistribution("requests"));
}

// ---- a real repository ----------------------------------------------------------------------

TEST(DeadcodePython, ReadsAGitCommitAndFindsEntryPointsFromPyproject) {
  testing::TestRepo repo;
  const git::Oid commit = repo.commit({
      {"pyproject.toml", "[project]\nname = \"tool\"\n[project.scripts]\ntool = \"tool.cli:main\"\n"},
      {"tool/__init__.py", ""},
      {"tool/cli.py", "from .util import _shout\ndef main():\n    _shout()\n"},
      {"tool/util.py", "def _shout():\n    print('!')\ndef _whisper():\n    print('.')\n"},
      {"tool/__main__.py", "from .cli import main\nmain()\n"},
  });
  GitSourceTree tree(repo.path(), commit, ScanLimits{});
  const PassResult r = analyzePython(tree, {});
  EXPECT_EQ(names(r), (std::vector<std::string>{"_whisper"}));
  EXPECT_EQ(r.stats.files, 4u);
  EXPECT_EQ(r.stats.entries, (std::vector<std::string>{"tool/__main__.py", "tool/cli.py"}));
}

}  // namespace
}  // namespace ddd::analyzers::deadcode

// ---- through the analyzer ---------------------------------------------------------------------

namespace ddd::analyzers::deadcode {
namespace {

TEST(DeadcodePythonThroughTheAnalyzer, ProposesDeletionsAndManifestEditsAtHighConfidence) {
  testing::TestRepo repo;
  const std::string util =
      "import os\n"
      "\n"
      "\n"
      "def _unused_private():\n"
      "    return os.sep\n"
      "\n"
      "\n"
      "def used():\n"
      "    return 1\n";
  const git::Oid commit = repo.commit({
      {"requirements.txt", "requests==2.31.0\nPyYAML\n"},
      {"app/__init__.py", ""},
      {"app/util.py", util},
      {"app/main.py", "import yaml\nfrom .util import used\nif __name__ == '__main__':\n    used()\n"},
  });
  GitSourceTree tree(repo.path(), commit, ScanLimits{});
  AnalyzerContext context;
  DeadcodeAnalyzer analyzer;
  const AnalysisResult result = analyzer.run(tree, context);

  const ProposedChange* code = nullptr;
  const ProposedChange* deps = nullptr;
  for (const ProposedChange& c : result.changes) {
    if (c.id == "deadcode/python-unused-code") code = &c;
    if (c.id == "deadcode/pypi-unused-dependencies") deps = &c;
  }
  ASSERT_NE(code, nullptr);
  ASSERT_EQ(code->edits.size(), 1u);
  EXPECT_EQ(code->edits[0].path, "app/util.py");
  ASSERT_TRUE(code->edits[0].newContent.has_value());
  EXPECT_EQ(*code->edits[0].newContent, "import os\n\n\ndef used():\n    return 1\n");
  EXPECT_NE(code->whatChanges.find("`_unused_private` (function)"), std::string::npos);
  ASSERT_NE(deps, nullptr);
  ASSERT_EQ(deps->edits.size(), 1u);
  ASSERT_TRUE(deps->edits[0].newContent.has_value());
  EXPECT_EQ(*deps->edits[0].newContent, "PyYAML\n");
  bool pythonFinding = false;
  for (const Finding& f : result.findings) pythonFinding = pythonFinding || f.properties.value("language", "") == "python";
  EXPECT_TRUE(pythonFinding);
}

}  // namespace
}  // namespace ddd::analyzers::deadcode

namespace ddd::analyzers::deadcode {
namespace {

TEST(DeadcodePython, RemovingTheLastDefinitionLeavesNoTrailingBlankLines) {
  const std::string mod = "import os\n\n\ndef main():\n    print(os.sep)\n\n\ndef _last():\n    pass\n";
  const PassResult r = analyze({{"tool.py", mod}});
  const Candidate* c = find(r, "_last");
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->removal.has_value());
  EXPECT_EQ(applyRemoval(mod, *c->removal), "import os\n\n\ndef main():\n    print(os.sep)\n");
}

}  // namespace
}  // namespace ddd::analyzers::deadcode

namespace ddd::analyzers::deadcode {
namespace {

TEST(DeadcodePython, ComputedNamesSubclassDiscoveryAndFallbackBases) {
  const PassResult r = analyze({
      {"base.py",
       "class Base:\n"
       "    def load(self, name):\n"
       "        return getattr(self, '_load_%s' % name)()\n"
       "    def check(self, name):\n"
       "        return getattr(self, f'_validate_{name}')()\n"
       "def platform_class(cls):\n"
       "    return [c for c in cls.__subclasses__()]\n"},
      {"play.py",
       "from base import Base, platform_class\n"
       "try:\n"
       "    from resolvelib import AbstractProvider\n"
       "except ImportError:\n"
       "    class AbstractProvider:\n"
       "        pass\n"
       "class Play(Base):\n"
       "    def _load_roles(self):\n"
       "        pass\n"
       "    def _validate_hosts(self):\n"
       "        pass\n"
       "    def _unrelated(self):\n"
       "        pass\n"
       "class DarwinPlay(Play):\n"
       "    pass\n"
       "class Provider(AbstractProvider):\n"
       "    def get_preference(self):\n"
       "        pass\n"
       "print(Play, Provider, platform_class, AbstractProvider)\n"},
  });
  const Candidate* roles = find(r, "Play._load_roles");
  ASSERT_NE(roles, nullptr);
  EXPECT_LT(roles->confidence, 0.6);
  EXPECT_TRUE(hasDoubt(*roles, "'_load_' are computed at base.py:3"));
  const Candidate* hosts = find(r, "Play._validate_hosts");
  ASSERT_NE(hosts, nullptr);
  EXPECT_LT(hosts->confidence, 0.6);
  const Candidate* unrelated = find(r, "Play._unrelated");
  ASSERT_NE(unrelated, nullptr);
  EXPECT_EQ(unrelated->confidence, 0.8);  // only getattr's general doubt (-0.1)
  const Candidate* darwin = find(r, "DarwinPlay");
  ASSERT_NE(darwin, nullptr);
  EXPECT_LT(darwin->confidence, 0.6);
  EXPECT_TRUE(hasDoubt(*darwin, "subclasses are discovered at run time (base.py:7)"));
  // Provider's base is the library's class when it is installed: its methods are hooks.
  EXPECT_EQ(find(r, "Provider.get_preference"), nullptr);
}

}  // namespace
}  // namespace ddd::analyzers::deadcode
