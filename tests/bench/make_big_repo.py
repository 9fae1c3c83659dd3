#!/usr/bin/env python3
"""Makes the branch benchmark's repository: a bare git repository whose HEAD (main) holds
FILES generated files (default 50,000) in nested directories, with source-like content and
sizes drawn from a log-normal distribution (median about 2 KiB, capped at 256 KiB), all
committed in one `git fast-import` run (seconds, where `git add` would take minutes).

    make_big_repo.py DIR [FILES]

Deterministic: the same FILES gives the same commit. Also writes DIR/ddd-bench-edit-list:
10 paths in 10 different directories spread over the tree, the files both sides of the
benchmark edit. A rerun that finds DIR/ddd-bench-big-repo does nothing.
Prints DIR as its last line.
"""
import math
import os
import random
import subprocess
import sys

LEAF_FILES = 25  # files per leaf directory
EXTENSIONS = [".py", ".py", ".js", ".ts", ".go", ".cc", ".h", ".md", ".json", ".yaml"]
WORDS = ("alpha beta gamma delta core util http store cache index parse render client "
         "server model view auth token queue worker schema config report plugin").split()


def line_pool(rng, n=4096):
    pool = []
    for _ in range(n):
        indent = " " * (4 * rng.randint(0, 3))
        words = [rng.choice(WORDS) for _ in range(rng.randint(3, 9))]
        kind = rng.random()
        if kind < 0.15:
            pool.append("%s# %s" % (indent, " ".join(words)))
        elif kind < 0.30:
            pool.append("%sdef %s_%s(%s):" % (indent, words[0], words[1], ", ".join(words[2:])))
        elif kind < 0.40:
            pool.append("")
        else:
            pool.append("%s%s = %s(%s)" % (indent, "_".join(words[:2]), words[2], ", ".join(
                "%s=%d" % (w, rng.randint(0, 999)) for w in words[3:])))
    return pool


def paths(count):
    # a/b/c/file: 20 top directories, 10 below each, then leaf directories of LEAF_FILES files
    leaves = math.ceil(count / LEAF_FILES)
    per_mid = math.ceil(leaves / 200)
    out = []
    for i in range(count):
        leaf = i // LEAF_FILES
        top, rest = divmod(leaf, 10 * per_mid)
        mid, low = divmod(rest, per_mid)
        ext = EXTENSIONS[i % len(EXTENSIONS)]
        out.append("%s%02d/%s%02d/%s%03d/%s_%03d%s" % (
            WORDS[top % len(WORDS)], top, WORDS[(mid + 7) % len(WORDS)], mid,
            WORDS[(low + 13) % len(WORDS)], low, WORDS[i % len(WORDS)], i % LEAF_FILES, ext))
    return out


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    target = argv[0]
    count = int(argv[1]) if len(argv) > 1 else 50000
    marker = os.path.join(target, "ddd-bench-big-repo")
    if os.path.exists(marker):
        with open(marker) as f:
            print("make_big_repo.py: already made: %s in %s" % (f.read().strip(), target), file=sys.stderr)
        print(target)
        return 0
    if os.path.exists(target):
        print("make_big_repo.py: error: %s exists but is not a finished benchmark repository: "
              "remove it and run again" % target, file=sys.stderr)
        return 1

    rng = random.Random(20240101)
    pool = line_pool(rng)
    all_paths = paths(count)
    print("make_big_repo.py: generating %d files into a bare repository at %s" % (count, target),
          file=sys.stderr)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", target], check=True)
    importer = subprocess.Popen(["git", "-C", target, "fast-import", "--quiet"],
                                stdin=subprocess.PIPE)
    out = importer.stdin
    total = 0
    for mark, path in enumerate(all_paths, start=1):
        size = min(int(rng.lognormvariate(math.log(2048), 1.0)), 256 * 1024)
        lines = ["# %s" % path]
        length = len(lines[0]) + 1
        while length < size:
            line = pool[rng.randrange(len(pool))]
            lines.append(line)
            length += len(line) + 1
        data = ("\n".join(lines) + "\n").encode()
        total += len(data)
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
        out.write(data)
        out.write(b"\n")
    message = b"generated benchmark tree"
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer bench <bench@localhost> 1704067200 +0000\n")
    out.write(b"data %d\n%s\n" % (len(message), message))
    for mark, path in enumerate(all_paths, start=1):
        out.write(b"M 100644 :%d %s\n" % (mark, path.encode()))
    out.write(b"\n")
    out.close()
    if importer.wait() != 0:
        print("make_big_repo.py: error: git fast-import failed", file=sys.stderr)
        return 1

    # 10 files in 10 different leaf directories, spread evenly over the tree
    step = count // 10
    leaves_per_step = max(step // LEAF_FILES, 1)
    edits = [all_paths[min(i * step + ((i * 37) % leaves_per_step) * LEAF_FILES + (i * 7) % LEAF_FILES,
                           count - 1)] for i in range(10)]
    with open(os.path.join(target, "ddd-bench-edit-list"), "w") as f:
        f.write("\n".join(edits) + "\n")
    dirs = len({p.rsplit("/", 1)[0] for p in all_paths})
    summary = "%d files, %d bytes, %d leaf directories" % (count, total, dirs)
    with open(marker, "w") as f:
        f.write(summary + "\n")
    print("make_big_repo.py: made: %s" % summary, file=sys.stderr)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
