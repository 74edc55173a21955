# Runs inside the image, as its own USER, with the venv's Python: the final stage may have no
# shell. Prints one JSON object describing what the checks of `uv-rootless verify` need.
import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
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

# The environment and the source are compiled in full. The standard library is compiled for what
# the dependencies import: a child interpreter imports each top-level module of the environment's
# distributions but the local ones (the project, its workspace members and path dependencies,
# installed from `file://`: their imports are the app's own, which the build leaves alone so that
# a source change never changes that layer) and lists the standard library's modules it loaded
# from source without bytecode (each compiled again on every start, in memory, on a read-only root).


def local(dist):
    try:
        return json.loads(dist.read_text("direct_url.json") or "{}").get("url", "").startswith("file:")
    except ValueError:
        return False


# Whether the bytecode beside a source is what this interpreter loads instead of compiling the
# source again: its magic number, then the source's hash (checked-hash) or its mtime and size
# (timestamp) as the import system compares them. A stale or foreign .pyc is as good as none.
USABLE = """
import importlib.util, os


def usable(path):
    try:
        with open(importlib.util.cache_from_source(path), "rb") as handle:
            head = handle.read(16)
        if len(head) < 16 or head[:4] != importlib.util.MAGIC_NUMBER:
            return False
        flags = int.from_bytes(head[4:8], "little")
        if flags & 1:
            if not flags & 2:
                return True
            with open(path, "rb") as source:
                return head[8:16] == importlib.util.source_hash(source.read())
        stat = os.stat(path)
        return head[8:16] == (int(stat.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little") + (
            stat.st_size & 0xFFFFFFFF
        ).to_bytes(4, "little")
    except OSError:
        return False
"""
exec(USABLE)

CHILD = USABLE + """
import importlib, importlib.machinery, sys, sysconfig
std = sysconfig.get_path("stdlib") + os.sep
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except BaseException:
        pass
    # A line of its own: an imported module may print to stdout too.
    print("", *[m.__file__ for m in list(sys.modules.values())
                if isinstance(getattr(m, "__loader__", None), importlib.machinery.SourceFileLoader)
                and m.__file__.startswith(std)
                and not usable(m.__file__)], sep="\\n", flush=True)
os._exit(0)
"""
site = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
tops = sorted(
    {
        f.parts[0].partition(".")[0]
        for dist in importlib.metadata.distributions(path=site)
        if not local(dist)
        for f in dist.files or []
        if len(f.parts) == 1 and f.suffix in (".py", ".so") or len(f.parts) == 2 and f.parts[1] == "__init__.py"
    }
    - {"tests", "test"}
)
stdlib_note = ""
try:
    child = subprocess.run(
        [sys.executable, "-I", "-B", "-c", CHILD, *tops],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
    ).stdout
except subprocess.TimeoutExpired as error:
    child = error.stdout.decode() if isinstance(error.stdout, bytes) else error.stdout or ""
    stdlib_note = "importing the environment's modules took over 120 s; checked what loaded until then"
# Only the paths of the standard library's files: whatever else an imported module printed is not one.
stdlib = sysconfig.get_path("stdlib") + os.sep
stdlib_missing = sorted({line for line in child.splitlines() if line.startswith(stdlib) and os.path.isfile(line)})

missing = []
missing_count = 0
roots = site + args["bytecode_roots"]
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
            if usable(path):  # noqa: F821 (defined by exec(USABLE))
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
            "stdlib_missing_bytecode": stdlib_missing,
            "stdlib_import_note": stdlib_note,
            "distributions": distributions,
            "versions": versions,
        }
    )
)
