#!/usr/bin/env python3
"""Turns the regex rules of ddd rule packs into pattern files for rg and git grep -E.

    grep_patterns.py OUT_DIR [PACK.json ...]      (default pack: analyzers/deprecations/packs/python.json)
    grep_patterns.py --check OUT_DIR [PACK ...]   also run each translated pattern on the
                                                   rule's positive test cases with rg and git grep

Writes OUT_DIR/patterns.rg (ripgrep / Rust regex syntax) and OUT_DIR/patterns.ere (POSIX
extended syntax with the GNU extensions \\b \\B \\w \\W \\s \\S that git grep -E accepts on
glibc), one pattern per line, and OUT_DIR/patterns.tsv (rule id, RE2, rg, ERE). Rules of
type k8s-api are skipped (they are not regular expressions).

Translation (RE2 -> line-oriented grep):
  (?m) (?s) (?U) flags            dropped: both tools match line by line
  (?P<name>...) (?<name>...)      -> (...)            both
  (?:...)                         kept for rg, -> (...) for ERE
  (?i) / (?i:...)                 kept for rg; ERE: letters become [xX]
  \\d \\D                           kept for rg; ERE: [0-9] [^0-9]
  \\A \\z                           -> ^ $
  \\t \\r \\xHH                      the character itself (ERE)
  \\n outside a class              rule skipped: it needs a multi-line match
  [..\\d..\\w..\\s..]                 ERE: [..0-9..[:alnum:]_..[:space:]..]; \\n dropped
  \\<punctuation> that ERE does     ERE: the plain character (\\< \\> would be GNU word
  not need escaped                 anchors)
  lazy quantifiers *? +? ??        -> greedy (ERE); counting lines is unaffected
RE2's \\b \\w \\d are ASCII; rg's are Unicode unless rg is given --no-unicode. run.sh
measures rg both ways. Multi-line matches (RE2 runs on the whole file) can't be counted
by the line tools; --check shows whether each translation still finds the rule's
positive test cases.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ERE_SPECIAL = set(".[]()*+?{}|^$\\")


class Untranslatable(Exception):
    pass


def strip_json_comments(text):
    out, i, in_str = [], 0, False
    while i < len(text):
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
            out.append(c)
        elif text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def load_rules(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        pack = json.loads(text)
    except json.JSONDecodeError:
        pack = json.loads(strip_json_comments(text))
    return pack.get("rules", [])


def both_cases(ch):
    if ch.isalpha() and ch.lower() != ch.upper():
        return "[" + ch.lower() + ch.upper() + "]"
    return None


def ere_literal(ch, icase):
    if icase and both_cases(ch):
        return both_cases(ch)
    if ch in ERE_SPECIAL:
        return "\\" + ch
    return ch


def parse_class(p, i, icase):
    """p[i] == '['. Returns (ERE bracket expression, index after ']')."""
    i += 1
    negated = False
    if i < len(p) and p[i] == "^":
        negated = True
        i += 1
    chars, ranges, classes = [], [], []
    first = True
    while True:
        if i >= len(p):
            raise Untranslatable("unterminated character class")
        c = p[i]
        if c == "]" and not first:
            i += 1
            break
        first = False
        if c == "[" and p.startswith("[:", i):
            end = p.find(":]", i)
            if end < 0:
                raise Untranslatable("bad POSIX class")
            classes.append(p[i:end + 2])
            i = end + 2
            continue
        if c == "\\":
            e = p[i + 1]
            i += 2
            if e == "d":
                ranges.append(("0", "9"))
            elif e == "w":
                classes.append("[:alnum:]")
                chars.append("_")
            elif e == "s":
                classes.append("[:space:]")
            elif e == "n":
                pass  # never part of a line
            elif e == "t":
                chars.append("\t")
            elif e == "r":
                chars.append("\r")
            elif e in "DWS":
                raise Untranslatable("negated class escape \\%s inside [...]" % e)
            elif e == "x":
                chars.append(chr(int(p[i:i + 2], 16)))
                i += 2
            else:
                chars.append(e)
            lit = None
        else:
            lit = c
            i += 1
        if lit is not None:
            if i + 1 < len(p) and p[i] == "-" and p[i + 1] != "]":
                hi = p[i + 1]
                if hi == "\\":
                    hi = p[i + 2]
                    i += 3
                else:
                    i += 2
                ranges.append((lit, hi))
            else:
                chars.append(lit)
    if icase:
        for ch in list(chars):
            if ch.isalpha():
                chars.append(ch.swapcase())
        for lo, hi in list(ranges):
            if lo.isalpha() and hi.isalpha():
                ranges.append((lo.swapcase(), hi.swapcase()))
    if not chars and not ranges and not classes:
        return (".", i) if negated else ("", i)
    # POSIX placement: ']' first, '-' last, '^' not first; backslash is literal.
    body = ""
    uniq = sorted(set(chars), key=chars.index)
    if "]" in uniq:
        body += "]"
    body += "".join(ch for ch in uniq if ch not in "]-^")
    body += "".join(lo + "-" + hi for lo, hi in ranges)
    body += "".join(classes)
    if "^" in uniq:
        body += "^"
    if "-" in uniq:
        body += "-"
    if body == "^":
        body = "\\^"  # lone caret: put it with a backslash, still literal in a class
    return "[" + ("^" if negated else "") + body + "]", i


def to_ere(p):
    out = []
    icase_stack = [False]
    icase = False
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            e = p[i + 1]
            i += 2
            if e == "d":
                out.append("[0-9]")
            elif e == "D":
                out.append("[^0-9]")
            elif e in "wWsSbB":
                out.append("\\" + e)
            elif e == "A":
                out.append("^")
            elif e == "z":
                out.append("$")
            elif e == "t":
                out.append("\t")
            elif e == "r":
                out.append("\r")  # a CRLF file's lines end with it
            elif e == "n":
                raise Untranslatable("\\n outside a class: a multi-line pattern")
            elif e == "x":
                out.append(ere_literal(chr(int(p[i:i + 2], 16)), icase))
                i += 2
            elif e.isalnum():
                raise Untranslatable("escape \\%s" % e)
            else:
                out.append(ere_literal(e, icase))
        elif c == "[":
            cls, i = parse_class(p, i, icase)
            out.append(cls)
        elif c == "(":
            if p.startswith("(?", i):
                m = re.match(r"\(\?(P?<[A-Za-z_][A-Za-z0-9_]*>|:|[imsU-]+\)|[imsU-]+:)", p[i:])
                if not m:
                    raise Untranslatable("group syntax at %d" % i)
                tok = m.group(1)
                i += len(m.group(0))
                if tok.endswith(")"):  # (?flags): applies to the rest of the current group
                    flags = tok[:-1].split("-")
                    if "i" in flags[0]:
                        icase = True
                    if len(flags) > 1 and "i" in flags[1]:
                        icase = False
                    continue
                icase_stack.append(icase)
                if tok.endswith(":") and tok != ":":
                    flags = tok[:-1].split("-")
                    if "i" in flags[0]:
                        icase = True
                    if len(flags) > 1 and "i" in flags[1]:
                        icase = False
                out.append("(")
            else:
                icase_stack.append(icase)
                out.append("(")
                i += 1
        elif c == ")":
            icase = icase_stack.pop() if len(icase_stack) > 1 else False
            out.append(")")
            i += 1
        elif c in "*+?" or c == "}":
            out.append(c)
            i += 1
            if i < len(p) and p[i] == "?":  # lazy -> greedy
                i += 1
        elif c == "{":
            m = re.match(r"\{\d+(,\d*)?\}", p[i:])
            if m:
                out.append(m.group(0))
                i += len(m.group(0))
                if i < len(p) and p[i] == "?":
                    i += 1
            else:
                out.append("\\{")
                i += 1
        else:
            out.append(ere_literal(c, icase) if c not in ".|^$" else c)
            i += 1
    result = "".join(out)
    if not result:
        raise Untranslatable("empty pattern")
    return result


def to_rg(p):
    q = re.sub(r"\(\?P?<[A-Za-z_][A-Za-z0-9_]*>", "(", p)
    # drop flag groups that only matter to whole-buffer matching
    q = re.sub(r"\(\?([msU]+)\)", "", q)
    q = q.replace("(?m:", "(?:").replace("(?s:", "(?:")
    return q


def check(rows, rules_by_id):
    """Runs each translation on its rule's positive cases (one file per case)."""
    misses = 0
    tmp = tempfile.mkdtemp(prefix="ddd-patcheck.")
    try:
        for rule_id, _, rg_pat, ere_pat in rows:
            cases = rules_by_id[rule_id].get("tests", {}).get("positive", [])
            for n, case in enumerate(cases):
                name = "case%d.py" % n
                path = os.path.join(tmp, name)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(case.get("code", ""))
                rg = subprocess.run(["rg", "-q", "-e", rg_pat, path]).returncode
                gg = subprocess.run(["git", "grep", "--no-index", "-q", "-E", "-e", ere_pat, "--", name],
                                    cwd=tmp).returncode
                if rg == 2 or gg > 1:
                    print("check: %s: pattern rejected (rg %d, git grep %d)" % (rule_id, rg, gg), file=sys.stderr)
                    misses += 1
                elif rg != 0 or gg != 0:
                    print("check: %s: positive case %d not matched by%s%s" %
                          (rule_id, n, " rg" if rg else "", " git-grep" if gg else ""), file=sys.stderr)
                    misses += 1
    finally:
        shutil.rmtree(tmp)
    return misses


def main(argv):
    do_check = False
    if argv and argv[0] == "--check":
        do_check = True
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = argv[0]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    packs = argv[1:] or [os.path.join(root, "analyzers", "deprecations", "packs", "python.json")]
    rows, skipped, rules_by_id = [], [], {}
    for pack in packs:
        if not os.path.exists(pack):
            print("grep_patterns.py: error: rule pack %s not found" % pack, file=sys.stderr)
            return 1
        for rule in load_rules(pack):
            rid = rule.get("id", "?")
            if rule.get("type", "regex") != "regex" or "pattern" not in rule:
                skipped.append((rid, "not a regex rule"))
                continue
            rules_by_id[rid] = rule
            try:
                ere = to_ere(rule["pattern"])  # raises for what a line tool can't match
                rows.append((rid, rule["pattern"], to_rg(rule["pattern"]), ere))
            except (Untranslatable, IndexError, ValueError) as e:
                skipped.append((rid, str(e) or "unparsable"))
    if not rows:
        print("grep_patterns.py: error: no regex rules found in %s" % " ".join(packs), file=sys.stderr)
        return 1
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "patterns.rg"), "w", encoding="utf-8") as f:
        f.writelines(r[2] + "\n" for r in rows)
    with open(os.path.join(out_dir, "patterns.ere"), "w", encoding="utf-8") as f:
        f.writelines(r[3] + "\n" for r in rows)
    with open(os.path.join(out_dir, "patterns.tsv"), "w", encoding="utf-8") as f:
        f.write("rule\tre2\trg\tere\n")
        f.writelines("\t".join(x.replace("\t", "\\t") for x in r) + "\n" for r in rows)
    print("grep_patterns.py: %d patterns from %s -> %s/patterns.{rg,ere,tsv}" %
          (len(rows), " ".join(os.path.relpath(p, root) for p in packs), out_dir), file=sys.stderr)
    for rid, why in skipped:
        print("grep_patterns.py: skipped %s: %s" % (rid, why), file=sys.stderr)
    if do_check:
        misses = check(rows, rules_by_id)
        print("grep_patterns.py: check: %d translation misses on positive test cases" % misses, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
