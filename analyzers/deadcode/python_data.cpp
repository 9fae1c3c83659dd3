#include "analyzers/deadcode/python_data.h"

#include <algorithm>
#include <array>
#include <utility>

namespace ddd::analyzers::deadcode::python {
namespace {

// sys.stdlib_module_names of CPython 3.11, plus distutils-era names still found in older
// code and the modules that exist only for type checkers or other interpreters.
constexpr std::string_view kStdlib[] = {
    "__future__", "_thread", "abc", "aifc", "antigravity", "argparse", "array", "ast",
    "asynchat", "asyncio", "asyncore", "atexit", "audioop", "base64", "bdb", "binascii",
    "bisect", "builtins", "bz2", "cProfile", "calendar", "cgi", "cgitb", "chunk", "cmath",
    "cmd", "code", "codecs", "codeop", "collections", "colorsys", "compileall", "concurrent",
    "configparser", "contextlib", "contextvars", "copy", "copyreg", "crypt", "csv", "ctypes",
    "curses", "dataclasses", "datetime", "dbm", "decimal", "difflib", "dis", "distutils",
    "doctest", "email", "encodings", "ensurepip", "enum", "errno", "faulthandler", "fcntl",
    "filecmp", "fileinput", "fnmatch", "fractions", "ftplib", "functools", "gc", "genericpath",
    "getopt", "getpass", "gettext", "glob", "graphlib", "grp", "gzip", "hashlib", "heapq",
    "hmac", "html", "http", "idlelib", "imaplib", "imghdr", "imp", "importlib", "inspect", "io",
    "ipaddress", "itertools", "json", "keyword", "lib2to3", "linecache", "locale", "logging",
    "lzma", "mailbox", "mailcap", "marshal", "math", "mimetypes", "mmap", "modulefinder",
    "msilib", "msvcrt", "multiprocessing", "netrc", "nis", "nntplib", "nt", "ntpath",
    "nturl2path", "numbers", "opcode", "operator", "optparse", "os", "ossaudiodev", "pathlib",
    "pdb", "pickle", "pickletools", "pipes", "pkgutil", "platform", "plistlib", "poplib",
    "posix", "posixpath", "pprint", "profile", "pstats", "pty", "pwd", "py_compile", "pyclbr",
    "pydoc", "pydoc_data", "pyexpat", "queue", "quopri", "random", "re", "readline", "reprlib",
    "resource", "rlcompleter", "runpy", "sched", "secrets", "select", "selectors", "shelve",
    "shlex", "shutil", "signal", "site", "smtpd", "smtplib", "sndhdr", "socket", "socketserver",
    "spwd", "sqlite3", "sre_compile", "sre_constants", "sre_parse", "ssl", "stat", "statistics",
    "string", "stringprep", "struct", "subprocess", "sunau", "symtable", "sys", "sysconfig",
    "syslog", "tabnanny", "tarfile", "telnetlib", "tempfile", "termios", "textwrap", "this",
    "threading", "time", "timeit", "tkinter", "token", "tokenize", "tomllib", "trace",
    "traceback", "tracemalloc", "tty", "turtle", "turtledemo", "types", "typing", "unicodedata",
    "unittest", "urllib", "uu", "uuid", "venv", "warnings", "wave", "weakref", "webbrowser",
    "winreg", "winsound", "wsgiref", "xdrlib", "xml", "xmlrpc", "zipapp", "zipfile",
    "zipimport", "zlib", "zoneinfo",
    "imp", "distutils", "asynchat", "asyncore", "smtpd",
    // Python 2 names still imported under version checks (six, compat modules).
    "BaseHTTPServer", "ConfigParser", "Cookie", "HTMLParser", "Queue", "SimpleHTTPServer",
    "SocketServer", "StringIO", "Tkinter", "UserDict", "UserList", "UserString", "anydbm",
    "commands", "cPickle", "cStringIO", "cookielib", "copy_reg", "dummy_thread",
    "dummy_threading", "exceptions", "htmlentitydefs", "httplib", "md5", "mimetools",
    "robotparser", "sets", "sha", "thread", "urllib2", "urlparse", "xmlrpclib",
    // Private modules of CPython, typeshed's type-only module, Python 2 and PyPy builtins.
    "_abc", "_aix_support", "_ast", "_asyncio", "_bisect", "_blake2", "_bootsubprocess", "_bz2",
    "_codecs", "_codecs_cn", "_codecs_hk", "_codecs_iso2022", "_codecs_jp", "_codecs_kr",
    "_codecs_tw", "_collections", "_collections_abc", "_compat_pickle", "_compression",
    "_contextvars", "_crypt", "_csv", "_ctypes", "_curses", "_curses_panel", "_datetime",
    "_dbm", "_decimal", "_elementtree", "_frozen_importlib", "_frozen_importlib_external",
    "_functools", "_gdbm", "_hashlib", "_heapq", "_imp", "_io", "_json", "_locale", "_lsprof",
    "_lzma", "_markupbase", "_md5", "_msi", "_multibytecodec", "_multiprocessing", "_opcode",
    "_operator", "_osx_support", "_overlapped", "_pickle", "_posixshmem", "_posixsubprocess",
    "_py_abc", "_pydecimal", "_pyio", "_queue", "_random", "_scproxy", "_sha1", "_sha256",
    "_sha3", "_sha512", "_signal", "_sitebuiltins", "_socket", "_sqlite3", "_sre", "_ssl",
    "_stat", "_statistics", "_string", "_strptime", "_struct", "_symtable", "_threading_local",
    "_tkinter", "_tokenize", "_tracemalloc", "_typing", "_uuid", "_warnings", "_weakref",
    "_weakrefset", "_winapi", "_zoneinfo", "_typeshed", "__builtin__", "__pypy__",
};

// Distribution (normalized) -> import names, where they differ beyond "-" -> "_".
struct Mismatch {
  std::string_view distribution;
  std::string_view imports;  // space-separated
};
constexpr Mismatch kMismatches[] = {
    {"apache-airflow", "airflow"},
    {"attrs", "attr attrs"},
    {"beautifulsoup4", "bs4"},
    {"biopython", "Bio"},
    {"dnspython", "dns"},
    {"django-cors-headers", "corsheaders"},
    {"django-environ", "environ"},
    {"django-filter", "django_filters"},
    {"djangorestframework", "rest_framework"},
    {"docker-py", "docker"},
    {"email-validator", "email_validator"},
    {"faiss-cpu", "faiss"},
    {"faiss-gpu", "faiss"},
    {"google-api-python-client", "googleapiclient"},
    {"google-cloud-storage", "google"},
    {"grpcio", "grpc"},
    {"grpcio-tools", "grpc_tools"},
    {"ipython", "IPython"},
    {"jinja2", "jinja2"},
    {"lxml-stubs", "lxml"},
    {"markdown", "markdown"},
    {"msgpack-python", "msgpack"},
    {"mysql-connector-python", "mysql"},
    {"mysqlclient", "MySQLdb"},
    {"opencv-contrib-python", "cv2"},
    {"opencv-python", "cv2"},
    {"opencv-python-headless", "cv2"},
    {"paho-mqtt", "paho"},
    {"pillow", "PIL"},
    {"protobuf", "google"},
    {"psycopg2-binary", "psycopg2"},
    {"psycopg-binary", "psycopg"},
    {"pycryptodome", "Crypto"},
    {"pycryptodomex", "Cryptodome"},
    {"pygithub", "github"},
    {"pyjwt", "jwt"},
    {"pymupdf", "fitz"},
    {"pymysql", "pymysql"},
    {"pyopenssl", "OpenSSL"},
    {"pyserial", "serial"},
    {"python-dateutil", "dateutil"},
    {"python-dotenv", "dotenv"},
    {"python-jose", "jose"},
    {"python-magic", "magic"},
    {"python-multipart", "multipart python_multipart"},
    {"python-slugify", "slugify"},
    {"pytest", "pytest _pytest"},
    {"pyinstaller", "PyInstaller"},
    {"pytz", "pytz"},
    {"pywin32", "win32api win32con win32com pywintypes win32file win32event"},
    {"pyyaml", "yaml"},
    {"pyzmq", "zmq"},
    {"requests-oauthlib", "requests_oauthlib"},
    {"scikit-image", "skimage"},
    {"scikit-learn", "sklearn"},
    {"setuptools", "setuptools pkg_resources"},
    {"sentry-sdk", "sentry_sdk"},
    {"tensorflow-gpu", "tensorflow"},
    {"typing-extensions", "typing_extensions"},
    {"websocket-client", "websocket"},
    {"pysocks", "socks sockshandler"},
    {"ruamel-yaml", "ruamel"},
    {"pyqt5", "PyQt5"},
    {"pyqt6", "PyQt6"},
    {"pyside6", "PySide6"},
    {"importlib-metadata", "importlib_metadata"},
    {"importlib-resources", "importlib_resources"},
    {"zope-interface", "zope"},
    {"backports-zoneinfo", "backports"},
    {"python-levenshtein", "Levenshtein"},
    {"pycairo", "cairo"},
    {"pygobject", "gi"},
    {"ldap3", "ldap3"},
    {"python-ldap", "ldap"},
    {"azure-storage-blob", "azure"},
    {"azure-identity", "azure"},
    {"google-auth", "google"},
    {"googleapis-common-protos", "google"},
};

// Tools and plugins (normalized names) and prefixes of plugin families.
constexpr std::string_view kTools[] = {
    "autopep8", "bandit", "black", "build", "bump2version", "check-manifest", "codecov",
    "coverage", "coveralls", "flake8", "flit", "flit-core", "furo", "gunicorn", "hatch",
    "hatchling", "hypothesis", "invoke", "ipdb", "ipython", "isort", "jupyter", "maturin",
    "mkdocs", "mkdocs-material", "mypy", "nox", "pdm-backend", "pip", "pip-tools",
    "poetry-core", "pre-commit", "pycodestyle", "pydocstyle", "pyflakes", "pylint",
    "pyright", "pytest", "pytype", "readme-renderer", "ruff", "setuptools",
    "setuptools-scm", "sphinx", "sphinx-rtd-theme", "tox", "twine", "uvicorn", "vulture",
    "wheel", "yapf", "docutils", "myst-parser", "memray", "py-spy", "pyinstaller",
    "responses", "towncrier", "watchdog", "daphne", "hypercorn", "waitress", "celery",
};
constexpr std::string_view kToolPrefixes[] = {
    "pytest-", "flake8-", "types-", "sphinx-", "sphinxcontrib-", "mkdocs-", "mypy-",
    "pylint-", "django-stubs", "coverage-", "tox-", "pre-commit-", "hatch-",
};

}  // namespace

bool isStdlibModule(std::string_view topLevelName) {
  return std::find(std::begin(kStdlib), std::end(kStdlib), topLevelName) != std::end(kStdlib);
}

std::string normalizeDistribution(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pendingDash = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      pendingDash = !out.empty();
      continue;
    }
    if (pendingDash) out.push_back('-');
    pendingDash = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::vector<std::string> importNamesOf(std::string_view distribution) {
  const std::string norm = normalizeDistribution(distribution);
  for (const Mismatch& m : kMismatches) {
    if (m.distribution != norm) continue;
    std::vector<std::string> names;
    std::size_t p = 0;
    while (p < m.imports.size()) {
      std::size_t q = m.imports.find(' ', p);
      if (q == std::string_view::npos) q = m.imports.size();
      names.emplace_back(m.imports.substr(p, q - p));
      p = q + 1;
    }
    return names;
  }
  std::string name = norm;
  std::replace(name.begin(), name.end(), '-', '_');
  std::vector<std::string> names{name};
  // "django-foo" style distributions often import as "foo" or "django_foo"; "python-x"
  // as "x"; "py-x" as "x".
  for (std::string_view prefix : {"python_", "py_"}) {
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0)
      names.push_back(name.substr(prefix.size()));
  }
  return names;
}

bool isToolDistribution(std::string_view distribution) {
  const std::string norm = normalizeDistribution(distribution);
  if (std::find(std::begin(kTools), std::end(kTools), norm) != std::end(kTools)) return true;
  for (std::string_view prefix : kToolPrefixes) {
    if (norm.size() >= prefix.size() && norm.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

}  // namespace ddd::analyzers::deadcode::python
