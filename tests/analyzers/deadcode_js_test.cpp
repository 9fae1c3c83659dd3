// The JavaScript/TypeScript dead-code pass on small real project trees (temp git repos).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/analyzers/deadcode_support.h"

namespace ddd::analyzers::deadcode {
namespace {

using testing::applied;
using testing::count;
using testing::find;
using testing::findAt;
using testing::ProjectTree;

TEST(DeadcodeJs, NestedWorkspacePackagesKeepTheirEntryPoints) {
  ProjectTree p({
      {"package.json", R"({"name": "root", "private": true, "workspaces": ["packages/*"],
        "devDependencies": {"typescript": "^5.0.0"}})"},
      {"packages/core/package.json", R"({"name": "@acme/core", "main": "dist/index.js",
        "exports": {".": {"types": "./dist/index.d.ts", "import": "./dist/index.mjs", "require": "./dist/index.cjs"}}})"},
      {"packages/core/src/index.ts", "export { add } from './math';\nexport const VERSION = '1';\n"},
      {"packages/core/src/math.ts", "export function add(a: number, b: number) { return a + b; }\n"},
      {"packages/core/src/orphan.ts", "export const nobody = 1;\n"},
      {"packages/cli/package.json", R"({"name": "@acme/cli", "bin": {"acme": "./bin/acme.js"},
        "dependencies": {"@acme/core": "workspace:*"}})"},
      {"packages/cli/bin/acme.js", "#!/usr/bin/env node\nconst { add } = require('@acme/core');\nconsole.log(add(1, 2));\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(count(r, Kind::UnusedFile), 1u);
  const Candidate* orphan = find(r, Kind::UnusedFile, "packages/core/src/orphan.ts");
  ASSERT_NE(orphan, nullptr);
  EXPECT_GE(orphan->confidence, 0.85);
  EXPECT_EQ(find(r, Kind::UnusedFile, "packages/cli/bin/acme.js"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedFile, "packages/core/src/math.ts"), nullptr);
  // The package entry's exports are its public API: never reported.
  EXPECT_EQ(find(r, Kind::UnusedExport, "VERSION"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedExport, "add"), nullptr);
  EXPECT_EQ(count(r, Kind::UnlistedDependency), 0u);
  EXPECT_EQ(count(r, Kind::UnusedDependency), 0u);
}

TEST(DeadcodeJs, WorkersAndUrlReferencesAreReachable) {
  ProjectTree p({
      {"package.json", R"({"name": "app", "private": true, "main": "src/main.ts"})"},
      {"src/main.ts",
       "const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });\n"
       "const legacy = new Worker('./legacy-worker.js');\n"
       "const wasm = new URL('./decoder.js', import.meta.url);\n"
       "navigator.serviceWorker.register('/sw.js');\n"},
      {"src/worker.ts", "import { heavy } from './heavy';\nself.onmessage = (e) => heavy(e.data);\n"},
      {"src/heavy.ts", "export function heavy(x: number) { return x * 2; }\n"},
      {"src/legacy-worker.js", "self.onmessage = () => {};\n"},
      {"src/decoder.js", "export default 1;\n"},
      {"sw.js", "self.addEventListener('fetch', () => {});\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(count(r, Kind::UnusedFile), 0u) << (r.candidates.empty() ? "" : r.candidates.front().path);
}

TEST(DeadcodeJs, TestsFixturesAndToolConfigsAreEntries) {
  ProjectTree p({
      {"package.json", R"({"name": "lib", "main": "index.js", "scripts": {"test": "vitest run"},
        "devDependencies": {"vitest": "^1.0.0"}})"},
      {"index.js", "module.exports = require('./src/a');\n"},
      {"src/a.js", "module.exports = 1;\n"},
      {"src/a.test.js", "import { readFileSync } from 'node:fs';\nreadFileSync('test/fixtures/input.js');\n"},
      {"test/fixtures/input.js", "export const x = 1;\n"},
      {"test/helpers/setup.js", "globalThis.x = 1;\n"},
      {"vitest.config.js", "export default { test: { setupFiles: ['./test/helpers/setup.js'] } };\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(count(r, Kind::UnusedFile), 0u) << (r.candidates.empty() ? "" : r.candidates.front().path);
  EXPECT_EQ(find(r, Kind::UnusedDependency, "vitest"), nullptr);
}

TEST(DeadcodeJs, TsconfigPathsAndBaseUrlResolve) {
  ProjectTree p({
      {"package.json", R"({"name": "web", "private": true, "main": "src/index.ts"})"},
      {"tsconfig.json", "{\n  // comments and trailing commas are fine\n  \"compilerOptions\": {\n"
                        "    \"baseUrl\": \".\",\n    \"paths\": { \"@/*\": [\"src/*\"], \"#cfg\": [\"config/main.ts\"], },\n  },\n}\n"},
      {"src/index.ts", "import { a } from '@/lib/a';\nimport cfg from '#cfg';\nimport { b } from 'src/lib/b';\nconsole.log(a, b, cfg);\n"},
      {"src/lib/a.ts", "export const a = 1;\n"},
      {"src/lib/b.ts", "export const b = 2;\n"},
      {"config/main.ts", "export default {};\n"},
      {"src/lib/unused.ts", "export const c = 3;\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(count(r, Kind::UnusedFile), 1u);
  EXPECT_NE(find(r, Kind::UnusedFile, "src/lib/unused.ts"), nullptr);
  EXPECT_EQ(count(r, Kind::UnlistedDependency), 0u);
}

TEST(DeadcodeJs, EveryExportsConditionIsAnEntry) {
  ProjectTree p({
      {"package.json", R"({"name": "multi", "exports": {
        ".": {"node": {"import": "./src/node.mjs", "require": "./src/node.cjs"}, "browser": "./src/browser.js", "default": "./src/index.js"},
        "./feature/*": "./src/features/*.js", "./package.json": "./package.json"}})"},
      {"src/node.mjs", "export const n = 1;\n"},
      {"src/node.cjs", "module.exports = {};\n"},
      {"src/browser.js", "export const b = 1;\n"},
      {"src/index.js", "export const i = 1;\n"},
      {"src/features/x.js", "export const x = 1;\n"},
      {"src/features/y.js", "export const y = 1;\n"},
      {"src/internal.js", "export const z = 1;\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(count(r, Kind::UnusedFile), 1u);
  EXPECT_NE(find(r, Kind::UnusedFile, "src/internal.js"), nullptr);
  EXPECT_EQ(count(r, Kind::UnusedExport), 0u);
}

TEST(DeadcodeJs, CircularImportsTerminateAndDeadCyclesAreReported) {
  ProjectTree p({
      {"package.json", R"({"name": "c", "private": true, "main": "a.js"})"},
      {"a.js", "import { b } from './b.js';\nexport const a = () => b();\n"},
      {"b.js", "import { a } from './a.js';\nexport const b = () => a;\n"},
      {"c.js", "import { d } from './d.js';\nexport const c = () => d;\n"},
      {"d.js", "import { c } from './c.js';\nexport const d = () => c;\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(count(r, Kind::UnusedFile), 2u);
  const Candidate* c = find(r, Kind::UnusedFile, "c.js");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->evidence[1].find("imported only by unreachable files: d.js"), std::string::npos) << c->evidence[1];
}

TEST(DeadcodeJs, SyntaxErrorsWarnAndLowerConfidence) {
  ProjectTree p({
      {"package.json", R"({"name": "s", "private": true, "main": "index.js"})"},
      {"index.js", "import './ok.js';\n"},
      {"ok.js", "export const ok = 1;\n"},
      {"broken.js", "export const s = 'unterminated;\nconst t = `also ${ unterminated\n"},
      {"binary.js", std::string("\x00\x01\x02\xff\xfe", 5) + "import x from './y'"},
      {"latin1.js", "export const caf\xe9 = '\xe9t\xe9';\n"},
  });
  PassResult r;
  ASSERT_NO_THROW(r = p.js());
  EXPECT_GE(r.stats.parseErrors, 1u);
  bool warned = false;
  for (const auto& w : r.warnings) warned = warned || w.find("broken.js") != std::string::npos;
  EXPECT_TRUE(warned);
  const Candidate* broken = find(r, Kind::UnusedFile, "broken.js");
  ASSERT_NE(broken, nullptr);
  EXPECT_LT(broken->confidence, 0.85);
  EXPECT_NE(find(r, Kind::UnusedFile, "latin1.js"), nullptr);
}

TEST(DeadcodeJs, MinifiedAndGeneratedFilesAreSkippedWithACount) {
  std::string minified = "!function(){";
  for (int i = 0; i < 400; ++i) minified += "var a" + std::to_string(i) + "=require('./m" + std::to_string(i) + "');";
  minified += "}();";
  ProjectTree p({
      {"package.json", R"({"name": "m", "private": true, "main": "index.js"})"},
      {"index.js", "console.log(1);\n"},
      {"vendor/lib.js", minified},
      {"static/jquery.min.js", "!function(){}();"},
      {"src/api.generated.ts", "// Code generated by protoc. DO NOT EDIT.\nexport const x = 1;\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(r.stats.skippedGenerated, 3u);
  EXPECT_EQ(find(r, Kind::UnusedFile, "vendor/lib.js"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedFile, "static/jquery.min.js"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedFile, "src/api.generated.ts"), nullptr);
}

TEST(DeadcodeJs, ExportsUnusedVersusUsedOnlyInTheirOwnFile) {
  const std::string util =
      "export const used = 1;\n"
      "export const localOnly = 2;\n"
      "/** Docs of nobody. */\n"
      "export function nobody() {\n  return { a: 1 };\n}\n"
      "export class Box {}\n"
      "const helper = () => localOnly + 1;\n"
      "const listed = 3, listed2 = 4;\n"
      "export { listed, listed2 as renamed };\n"
      "export type Shape = { kind: string };\n"
      "export default helper;\n"
      "console.log(helper(), listed);\n";
  ProjectTree p({
      {"package.json", R"({"name": "e", "private": true, "main": "src/index.ts"})"},
      {"src/index.ts", "import { used, Box as B } from './util';\nimport * as ns from './ns';\nimport './more';\nconsole.log(used, new B(), ns.one);\n"},
      {"src/util.ts", util},
      {"src/ns.ts", "export const one = 1;\nexport const two = 2;\n"},
      {"src/icon.tsx", "const SvgIcon = () => <svg />;\nexport default SvgIcon;\n"},
      {"src/more.ts", "import './icon';\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(find(r, Kind::UnusedExport, "used"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedExport, "Box"), nullptr);
  EXPECT_EQ(findAt(r, Kind::UnusedExport, "src/ns.ts", "one"), nullptr);
  EXPECT_NE(findAt(r, Kind::UnusedExport, "src/ns.ts", "two"), nullptr);

  const Candidate* local = find(r, Kind::ExportUsedOnlyLocally, "localOnly");
  ASSERT_NE(local, nullptr);
  ASSERT_TRUE(local->removal);
  EXPECT_EQ(local->line, 2u);
  const std::string afterLocal = applied(util, *local->removal);
  EXPECT_NE(afterLocal.find("\nconst localOnly = 2;\n"), std::string::npos);

  const Candidate* nobody = find(r, Kind::UnusedExport, "nobody");
  ASSERT_NE(nobody, nullptr);
  ASSERT_TRUE(nobody->removal);
  const std::string afterNobody = applied(util, *nobody->removal);
  EXPECT_EQ(afterNobody.find("nobody"), std::string::npos);
  EXPECT_EQ(afterNobody.find("Docs of"), std::string::npos);
  EXPECT_NE(afterNobody.find("export const localOnly = 2;\nexport class Box {}\n"), std::string::npos) << afterNobody;

  const Candidate* listed = find(r, Kind::ExportUsedOnlyLocally, "listed");
  ASSERT_NE(listed, nullptr);
  ASSERT_TRUE(listed->removal);
  EXPECT_NE(applied(util, *listed->removal).find("export { listed2 as renamed };"), std::string::npos);
  const Candidate* renamed = find(r, Kind::UnusedExport, "renamed");
  ASSERT_NE(renamed, nullptr);
  ASSERT_TRUE(renamed->removal);
  EXPECT_NE(applied(util, *renamed->removal).find("export { listed };"), std::string::npos);

  EXPECT_NE(find(r, Kind::UnusedExport, "Shape"), nullptr);
  // `export default SvgIcon;` is not a use of SvgIcon inside its file.
  EXPECT_NE(findAt(r, Kind::UnusedExport, "src/icon.tsx", "default"), nullptr);
  const Candidate* def = find(r, Kind::ExportUsedOnlyLocally, "default");
  ASSERT_NE(def, nullptr);
  EXPECT_LT(def->confidence, 0.85);  // defaults are often loaded by convention
  EXPECT_FALSE(def->removal);        // `export default helper;` has no keyword to drop alone
}

TEST(DeadcodeJs, ExportsUsedOnlyByDeadFilesAreDeadButNotEdited) {
  ProjectTree p({
      {"package.json", R"({"name": "x", "private": true, "main": "src/index.ts"})"},
      {"src/index.ts", "import { live } from './constants';\nconsole.log(live);\n"},
      {"src/constants.ts", "export const live = 1;\nexport const onlyDead = 2;\n"},
      {"src/dead.ts", "import { onlyDead } from './constants';\nconsole.log(onlyDead);\n"},
  });
  const PassResult r = p.js();
  EXPECT_NE(find(r, Kind::UnusedFile, "src/dead.ts"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedExport, "live"), nullptr);
  const Candidate* c = find(r, Kind::UnusedExport, "onlyDead");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->removal);  // src/dead.ts still imports it until it is deleted
  EXPECT_LT(c->confidence, 0.85);
  ASSERT_FALSE(c->doubts.empty());
  EXPECT_NE(c->doubts.back().find("src/dead.ts"), std::string::npos);
}

TEST(DeadcodeJs, ReExportChainsAndStarExportsCountAsUses) {
  ProjectTree p({
      {"package.json", R"({"name": "r", "private": true, "main": "src/app.ts"})"},
      {"src/app.ts", "import { deep, Renamed } from './barrel';\nconsole.log(deep, Renamed);\n"},
      {"src/barrel.ts", "export * from './deep';\nexport { Orig as Renamed, unusedRe } from './other';\n"},
      {"src/deep.ts", "export const deep = 1;\nexport const shallow = 2;\n"},
      {"src/other.ts", "export const Orig = 1;\nexport const unusedRe = 2;\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(find(r, Kind::UnusedExport, "deep"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedExport, "Orig"), nullptr);
  EXPECT_NE(findAt(r, Kind::UnusedExport, "src/deep.ts", "shallow"), nullptr);
  EXPECT_NE(findAt(r, Kind::UnusedExport, "src/other.ts", "unusedRe"), nullptr);
  EXPECT_NE(findAt(r, Kind::UnusedExport, "src/barrel.ts", "unusedRe"), nullptr);
}

TEST(DeadcodeJs, DynamicImportsPatternsAndComputedPaths) {
  ProjectTree p({
      {"package.json", R"({"name": "d", "private": true, "main": "src/index.js"})"},
      {"src/index.js",
       "const lazy = () => import('./lazy.js');\n"
       "const locale = (l) => import(`./locales/${l}.js`);\n"
       "const plugin = (name) => require(name);\n"},
      {"src/lazy.js", "export const x = 1;\nexport const y = 2;\n"},
      {"src/locales/en.js", "export default {};\n"},
      {"src/locales/fr.js", "export default {};\n"},
      {"src/stray.js", "export const s = 1;\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(find(r, Kind::UnusedFile, "src/lazy.js"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedFile, "src/locales/en.js"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedExport, "y"), nullptr);  // import() takes the whole namespace
  const Candidate* stray = find(r, Kind::UnusedFile, "src/stray.js");
  ASSERT_NE(stray, nullptr);
  EXPECT_LT(stray->confidence, 0.85);  // require(name) could load it
  ASSERT_FALSE(stray->doubts.empty());
  EXPECT_NE(stray->doubts.front().find("src/index.js:3"), std::string::npos);
}

TEST(DeadcodeJs, HtmlScriptsAndScriptsInPackageJson) {
  ProjectTree p({
      {"package.json", R"({"name": "h", "private": true,
        "scripts": {"build": "node scripts/build.mjs && tsc -p .", "gen": "cross-env NODE_ENV=production tsx ./tools/gen.ts --out=dist",
                    "icons": "svgr assets --out-dir src/icons"},
        "devDependencies": {"typescript": "^5", "tsx": "^4", "cross-env": "^7"}})"},
      {"index.html", "<html><body><script type=\"module\" src=\"/src/main.ts\"></script>\n"
                     "<script type=\"module\">import './src/inline.ts';</script></body></html>\n"},
      {"src/main.ts", "console.log('main');\n"},
      {"src/inline.ts", "console.log('inline');\n"},
      {"scripts/build.mjs", "console.log('build');\n"},
      {"tools/gen.ts", "console.log('gen');\n"},
      {"Dockerfile", "FROM node:20\nCOPY . .\nCMD [\"node\", \"server.js\"]\n"},
      {"server.js", "console.log('server');\n"},
      {".github/workflows/ci.yml", "jobs:\n  check:\n    steps:\n      - run: node tools/ci-check.mjs\n"},
      {"tools/ci-check.mjs", "console.log('ci');\n"},
      {"src/icons/index.ts", "export { default as Star } from './Star';\n"},
      {"src/icons/Star.tsx", "const SvgStar = () => <svg />;\nexport default SvgStar;\n"},
      {"src/orphan.ts", "export const o = 1;\n"},
  });
  const PassResult r = p.js();
  // `svgr assets --out-dir src/icons` names a directory, not a module, and what it
  // writes there is generated: never reported.
  EXPECT_EQ(find(r, Kind::UnusedFile, "src/icons/index.ts"), nullptr);
  EXPECT_EQ(r.stats.skippedGenerated, 2u);
  EXPECT_NE(find(r, Kind::UnusedFile, "src/orphan.ts"), nullptr);
  EXPECT_EQ(count(r, Kind::UnusedFile), 1u);
  EXPECT_EQ(count(r, Kind::UnusedDependency), 0u) << (r.candidates.empty() ? "" : r.candidates.front().name);
}

TEST(DeadcodeJs, UnusedAndUnlistedDependencies) {
  const std::string manifest = R"({
  "name": "deps",
  "private": true,
  "main": "src/index.ts",
  "scripts": {"lint": "eslint ."},
  "dependencies": {
    "lodash": "^4.17.21",
    "react": "^18.0.0",
    "left-pad": "^1.3.0"
  },
  "devDependencies": {
    "eslint": "^8.0.0",
    "eslint-plugin-react": "^7.0.0",
    "@types/node": "^20.0.0",
    "@types/react": "^18.0.0",
    "@vitejs/plugin-react": "^4.0.0",
    "typescript": "^5.0.0",
    "unused-dev": "^1.0.0"
  }
})";
  ProjectTree p({
      {"package.json", manifest},
      {".eslintrc.json", R"({"plugins": ["react"]})"},
      {"vite.config.ts", "import react from '@vitejs/plugin-react';\nexport default { plugins: [react()] };\n"},
      {"src/index.ts",
       "import React from 'react';\nimport chalk from 'chalk';\nimport fs from 'node:fs';\nimport path from 'path';\n"
       "import { join } from '@std/path';\nimport x from 'https://deno.land/x/mod.ts';\nimport get from 'lodash/get';\n"
       "console.log(React, chalk, fs, path, join, x, get);\n"},
  });
  const PassResult r = p.js();
  const Candidate* leftPad = find(r, Kind::UnusedDependency, "left-pad");
  ASSERT_NE(leftPad, nullptr);
  EXPECT_GE(leftPad->confidence, 0.6);
  ASSERT_TRUE(leftPad->removal);
  const std::string after = applied(manifest, *leftPad->removal);
  const auto j = nlohmann::json::parse(after);
  EXPECT_FALSE(j["dependencies"].contains("left-pad"));
  EXPECT_TRUE(j["dependencies"].contains("react"));
  EXPECT_NE(find(r, Kind::UnusedDependency, "unused-dev"), nullptr);
  for (const char* used : {"lodash", "react", "eslint", "eslint-plugin-react", "@types/node", "@types/react",
                           "@vitejs/plugin-react", "typescript"}) {
    EXPECT_EQ(find(r, Kind::UnusedDependency, used), nullptr) << used;
  }
  EXPECT_NE(find(r, Kind::UnlistedDependency, "chalk"), nullptr);
  EXPECT_EQ(count(r, Kind::UnlistedDependency), 1u);
}

TEST(DeadcodeJs, PackagesToolsLoadByConventionAreUsed) {
  ProjectTree p({
      {"package.json", R"({"name": "n", "private": true, "scripts": {"build": "next build"}, "dependencies": {"next": "15", "postcss": "8",
        "babel-plugin-react-compiler": "1", "@prisma/client": "6", "sass": "1", "unused-thing": "1"}})"},
      {"next.config.js", "module.exports = { experimental: { reactCompiler: true } };\n"},
      {"postcss.config.js", "module.exports = { plugins: {} };\n"},
      {"prisma/schema.prisma", "generator client { provider = \"prisma-client-js\" }\n"},
      {"styles/site.scss", "body { color: red; }\n"},
      {"pages/index.tsx", "export default function Home() { return null; }\n"},
  });
  const PassResult r = p.js();
  EXPECT_EQ(count(r, Kind::UnusedDependency), 1u);
  EXPECT_NE(find(r, Kind::UnusedDependency, "unused-thing"), nullptr);
  EXPECT_EQ(count(r, Kind::UnusedFile), 0u);
}

TEST(DeadcodeJs, LibraryEntryExportsAreNeverReported) {
  ProjectTree p({
      {"package.json", R"({"name": "pub", "main": "lib/index.js", "types": "lib/index.d.ts"})"},
      {"src/index.ts", "export * from './api';\nexport const publicThing = 1;\n"},
      {"src/api.ts", "export function api() {}\nexport function apiToo() {}\n"},
      {"src/internal.ts", "export const secret = 1;\n"},
      {"src/uses.ts", "import { secret } from './internal';\n"},
  });
  DeadcodeOptions lib;
  lib.library = true;
  const PassResult r = p.js(lib);
  EXPECT_EQ(find(r, Kind::UnusedExport, "publicThing"), nullptr);
  EXPECT_EQ(find(r, Kind::UnusedExport, "apiToo"), nullptr);
  EXPECT_NE(find(r, Kind::UnusedFile, "src/uses.ts"), nullptr);
}

TEST(DeadcodeJs, ConfiguredEntriesAndIgnores) {
  ProjectTree p({
      {"package.json", R"({"name": "cfg", "private": true, "main": "index.js", "dependencies": {"left-pad": "1"}})"},
      {"index.js", "console.log(1);\n"},
      {"plugins/a.js", "export const a = 1;\n"},
      {"legacy/b.js", "export const b = 1;\n"},
  });
  DeadcodeOptions o;
  o.entries = {"plugins/*.js"};
  o.ignorePaths = {"legacy/**"};
  o.ignoreNames = {"left-*"};
  const PassResult r = p.js(o);
  EXPECT_EQ(count(r, Kind::UnusedFile), 0u);
  EXPECT_EQ(count(r, Kind::UnusedDependency), 0u);
}

}  // namespace
}  // namespace ddd::analyzers::deadcode
