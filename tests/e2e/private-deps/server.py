#!/usr/bin/env python3
"""A private package index and a git server on the machine's loopback, for examples/private-deps.

- `/simple/` is a PEP 503 index holding one wheel, `acme-greeting` 1.0.0, behind HTTP basic
  auth (user `e2e`, password from $UV_ROOTLESS_E2E_INDEX_PASSWORD); the wheel's download needs
  the same credentials.
- `/git/tinygit.git` is a bare git repository served over git's "dumb" HTTP protocol, tag
  `v1.0.0`, no auth.

Both are built byte for byte the same at every start (fixed zip timestamps, fixed commit
dates), so the hashes and the commit in examples/private-deps/uv.lock stay valid. Every request
is appended to `<root>/requests.log` as `METHOD PATH AUTH-OK`.

usage: server.py --port PORT --root DIR
"""

import argparse
import base64
import hashlib
import http.server
import io
import os
import subprocess
import zipfile
from pathlib import Path

USER = "e2e"
WHEEL = "acme_greeting-1.0.0-py3-none-any.whl"
FIXED_DATE = "2026-01-01T00:00:00+00:00"


def wheel_bytes() -> bytes:
    files = {
        "acme_greeting/__init__.py": b'def greeting() -> str:\n    return "hello from the private index"\n',
        "acme_greeting-1.0.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: acme-greeting\nVersion: 1.0.0\n",
        "acme_greeting-1.0.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: uv-rootless-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\n"
        for name, data in files.items()
    )
    files["acme_greeting-1.0.0.dist-info/RECORD"] = (
        record + "acme_greeting-1.0.0.dist-info/RECORD,,\n"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def make_git_repo(root: Path) -> None:
    work = root / "tinygit-work"
    bare = root / "git" / "tinygit.git"
    if bare.exists():
        return
    (work / "src" / "tinygit").mkdir(parents=True)
    (work / "pyproject.toml").write_text(
        '[project]\nname = "tinygit"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n\n'
        '[build-system]\nrequires = ["uv_build>=0.13.9,<0.14.0"]\nbuild-backend = "uv_build"\n'
    )
    (work / "src" / "tinygit" / "__init__.py").write_text(
        'def origin() -> str:\n    return "built from a git checkout"\n'
    )
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="e2e",
        GIT_AUTHOR_EMAIL="e2e@example.invalid",
        GIT_AUTHOR_DATE=FIXED_DATE,
        GIT_COMMITTER_NAME="e2e",
        GIT_COMMITTER_EMAIL="e2e@example.invalid",
        GIT_COMMITTER_DATE=FIXED_DATE,
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_CONFIG_SYSTEM="/dev/null",
    )

    def git(*args, cwd=work):
        subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-q", "-m", "tinygit 1.0.0")
    git("tag", "v1.0.0")
    bare.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "-q", "--bare", str(work), str(bare), cwd=root)
    git("update-server-info", cwd=bare)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", type=Path, required=True)
    args = parser.parse_args()
    password = os.environ["UV_ROOTLESS_E2E_INDEX_PASSWORD"]
    expected = "Basic " + base64.b64encode(f"{USER}:{password}".encode()).decode()
    args.root.mkdir(parents=True, exist_ok=True)
    make_git_repo(args.root)
    wheel = wheel_bytes()
    digest = hashlib.sha256(wheel).hexdigest()
    log = open(args.root / "requests.log", "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def send(self, status, body=b"", content_type="text/html"):
            self.send_response(status)
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="internal"')
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            path = self.path.split("?")[0]
            authorized = self.headers.get("Authorization") == expected
            log.write(f"{self.command} {path} {'auth-ok' if authorized else 'no-auth'}\n")
            if path.startswith("/git/"):
                file = (args.root / path.lstrip("/")).resolve()
                if args.root.resolve() in file.parents and file.is_file():
                    return self.send(200, file.read_bytes(), "application/octet-stream")
                return self.send(404)
            if not authorized:
                return self.send(401, b"credentials required\n", "text/plain")
            if path in ("/simple", "/simple/"):
                return self.send(200, b'<html><body><a href="acme-greeting/">acme-greeting</a></body></html>')
            if path in ("/simple/acme-greeting", "/simple/acme-greeting/"):
                body = f'<html><body><a href="/files/{WHEEL}#sha256={digest}">{WHEEL}</a></body></html>'
                return self.send(200, body.encode())
            if path == f"/files/{WHEEL}":
                return self.send(200, wheel, "application/octet-stream")
            return self.send(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"serving on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
