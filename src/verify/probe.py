# Runs inside the image, as its own USER, with the venv's Python: the final stage may have no
# shell. Prints one JSON object describing what the checks of `uv-rootless verify` need.
import importlib.metadata
import importlib.util
import json
import os
import re
import sys
import sysconfig

args = json.loads(sys.argv[1])
LIMIT = 20
SKIP = {"/proc", "/sys", "/dev", "/tmp", "/run"}
BINARIES = {"uv", "uvx", "uvw", "gcc", "cc", "c++", "g++", "clang", "clang++", "tcc", "cc1", "ld", "as"}
COMPILER_PREFIXES = ("gcc-", "g++-", "clang-", "x86_64-linux-gnu-gcc", "aarch64-linux-gnu-gcc")


def walk(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in SKIP]
        yield dirpath, dirnames, filenames


writable = []
for root in dict.fromkeys(args["writable_roots"]):
    if not os.path.exists(root):
        continue
    for dirpath, _, filenames in walk(root):
        for path in [dirpath] + [os.path.join(dirpath, name) for name in filenames]:
            if not os.path.islink(path) and os.access(path, os.W_OK):
                writable.append(path)
                if len(writable) >= LIMIT:
                    break

forbidden = []
git = []
for dirpath, dirnames, filenames in walk("/"):
    if ".git" in dirnames:
        git.append(os.path.join(dirpath, ".git"))
    for name in filenames:
        if name in BINARIES or name.startswith(COMPILER_PREFIXES):
            path = os.path.join(dirpath, name)
            if os.access(path, os.X_OK):
                forbidden.append(path)

missing = []
missing_count = 0
roots = [sysconfig.get_path("stdlib"), sysconfig.get_path("purelib")] + args["bytecode_roots"]
seen = set()
for root in roots:
    if not root or root in seen or not os.path.isdir(root):
        continue
    seen.add(root)
    for dirpath, _, filenames in walk(root):
        for name in filenames:
            if not name.endswith(".py"):
                continue
            path = os.path.join(dirpath, name)
            if os.path.exists(importlib.util.cache_from_source(path)):
                continue
            try:
                with open(path, "rb") as handle:
                    compile(handle.read(), path, "exec", dont_inherit=True)
            except (SyntaxError, ValueError, UnicodeDecodeError):
                continue  # cannot be imported either, so never compiled at run time
            missing_count += 1
            if len(missing) < LIMIT:
                missing.append(path)

versions = {
    re.sub(r"[-_.]+", "-", (dist.metadata["Name"] or "").lower()): dist.version or ""
    for dist in importlib.metadata.distributions(path=[sysconfig.get_path("purelib")])
}
distributions = sorted(
    {
        (dist.metadata["Name"] or "").lower().replace("_", "-").replace(".", "-")
        for dist in importlib.metadata.distributions(path=[sysconfig.get_path("purelib")])
    }
)

print(
    json.dumps(
        {
            "uid": os.getuid(),
            "gid": os.getgid(),
            "writable": writable,
            "forbidden": sorted(forbidden),
            "git": sorted(git),
            "missing_bytecode": missing,
            "missing_bytecode_count": missing_count,
            "distributions": distributions,
            "versions": versions,
        }
    )
)
