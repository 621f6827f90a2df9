#!/usr/bin/env python3
"""Loopback HTTP/1.1 test server for the newsletter Swift tests.

Serves files from a directory on 127.0.0.1 only, with ETag/Last-Modified,
conditional GET (304), gzip, per-path header/status/redirect/delay/body/gzip
overrides and a JSON-lines request log.  The config file is re-read when it
changes, so a test can switch a path's answer between runs.

Config keys (each keyed by path, raw path with query first): "headers"
(extra or replacing headers; null removes one), "status" (int or a list
served in order), "redirect" (location or {"location", "status"}), "delay"
(seconds), "body" (a file under the root sent as the body of a "status"
answer), "gzip" (true/false for all paths, or an object of paths -> bool).

    python3 http_server.py (--root DIR | --root-file PATH) [--root DIR]
        [--ready-file PATH] [--port N] [--lifetime SECONDS] [--config CONFIG.json]
        [--log FILE] [--parent-pid PID]

Only stdout output is a single line "READY <port>".  Exit status 0 after
SIGTERM/SIGINT/--lifetime/parent death, 2 on bad arguments or config.
"""

import argparse
import email.utils
import gzip
import hashlib
import http.server
import json
import os
import posixpath
import signal
import sys
import threading
import time
import urllib.parse

HOST = "127.0.0.1"

CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html",
    ".xml": "text/xml", ".rss": "text/xml", ".atom": "text/xml",
    ".json": "application/json", ".txt": "text/plain", ".csv": "text/csv",
    ".css": "text/css", ".js": "text/javascript",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp",
}
CONFIG_KEYS = {"headers", "status", "redirect", "delay", "gzip", "body", "comment"}


class Config:
    def __init__(self, obj):
        if not isinstance(obj, dict):
            raise ValueError("config must be a JSON object")
        unknown = set(obj) - CONFIG_KEYS
        if unknown:
            raise ValueError(f"unknown config keys {sorted(unknown)}")
        self.headers = obj.get("headers", {})
        self.status = obj.get("status", {})
        self.redirect = obj.get("redirect", {})
        self.delay = obj.get("delay", {})
        self.body = obj.get("body", {})
        gz = obj.get("gzip", True)
        self.gzip = gz if isinstance(gz, dict) else bool(gz)
        for name in ("headers", "status", "redirect", "delay", "body"):
            if not isinstance(getattr(self, name), dict):
                raise ValueError(f"config.{name} must be an object keyed by path")
        self.lock = threading.Lock()
        self.status_hits = {}

    @staticmethod
    def lookup(table, raw_path, path):
        if raw_path in table:
            return table[raw_path]
        return table.get(path)

    def gzip_for(self, raw_path, path):
        if isinstance(self.gzip, dict):
            v = Config.lookup(self.gzip, raw_path, path)
            return True if v is None else bool(v)
        return self.gzip

    def status_for(self, raw_path, path):
        """int, or a list [s1, s2, ...] served in order (last one repeats)."""
        key = raw_path if raw_path in self.status else path
        v = self.status.get(key)
        if isinstance(v, list):
            with self.lock:
                n = self.status_hits.get(key, 0)
                self.status_hits[key] = n + 1
            return int(v[min(n, len(v) - 1)]) if v else None
        return int(v) if v is not None else None


class RequestLog:
    def __init__(self, path):
        self.lock = threading.Lock()
        self.fh = open(path, "a", encoding="utf-8") if path else None

    def write(self, obj):
        if self.fh is None:
            return
        line = json.dumps(obj, ensure_ascii=False) + "\n"
        with self.lock:
            self.fh.write(line)
            self.fh.flush()


def accepts_gzip(header):
    if not header:
        return False
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        coding = parts[0].lower()
        q = 1.0
        for p in parts[1:]:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if coding in ("gzip", "x-gzip", "*") and q > 0:
            return True
    return False


def etag_matches(if_none_match, etag):
    """Weak comparison (RFC 9110 13.1.2)."""
    if if_none_match.strip() == "*":
        return True
    want = etag[2:] if etag.startswith("W/") else etag
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == want:
            return True
    return False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newsletter-test-http/1.0"
    sys_version = ""

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):  # keep stderr quiet
        pass

    # ------------------------------------------------------------------
    def current_root(self):
        srv = self.server
        root = srv.static_root
        if srv.root_file:
            try:
                with open(srv.root_file, encoding="utf-8") as fh:
                    r = fh.read().strip()
                if r:
                    base = srv.static_root or os.path.dirname(os.path.abspath(srv.root_file))
                    root = r if os.path.isabs(r) else os.path.join(base, r)
            except OSError:
                pass
        return root

    def resolve(self, root, path):
        """Map URL path to a real file inside root, or None."""
        if root is None or "\x00" in path:
            return None
        root_real = os.path.realpath(root)
        rel = posixpath.normpath(path).lstrip("/")
        if rel in ("", "."):
            rel = ""
        if any(p == ".." for p in rel.split("/")):
            return None
        target = os.path.realpath(os.path.join(root_real, *[p for p in rel.split("/") if p]))
        if os.path.commonpath([root_real, target]) != root_real:
            return None            # symlink (or anything) escaping root
        if os.path.isdir(target):
            target = os.path.realpath(os.path.join(target, "index.html"))
            if os.path.commonpath([root_real, target]) != root_real:
                return None
        return target if os.path.isfile(target) else None

    # ------------------------------------------------------------------
    def do_GET(self):
        self.handle_request(head=False)

    def do_HEAD(self):
        self.handle_request(head=True)

    def handle_request(self, head):
        srv = self.server
        srv.reload_config()
        cfg = srv.config
        raw_path = self.path
        split = urllib.parse.urlsplit(raw_path)
        path = urllib.parse.unquote(split.path) or "/"
        root = self.current_root()
        entry = {
            "time": round(time.time(), 6),
            "method": self.command,
            "path": raw_path,
            "status": None,
            "user_agent": self.headers.get("User-Agent"),
            "if_none_match": self.headers.get("If-None-Match"),
            "if_modified_since": self.headers.get("If-Modified-Since"),
            "accept_encoding": self.headers.get("Accept-Encoding"),
            "content_encoding": None,
            "bytes": 0,
            "root": root,
            "peer": f"{self.client_address[0]}:{self.client_address[1]}",
            "headers": {k: v for k, v in self.headers.items()},
        }
        try:
            self._respond(head, cfg, raw_path, path, root, entry)
        finally:
            srv.request_log.write(entry)

    def _send(self, status, headers, body, head, entry):
        self.send_response(status)
        for k, v in headers.items():
            if v is not None:
                self.send_header(k, str(v))
        self.end_headers()
        if body and not head:
            self.wfile.write(body)
        entry["status"] = status
        entry["bytes"] = 0 if head else len(body or b"")
        entry["response_headers"] = {k: v for k, v in headers.items() if v is not None}

    def _respond(self, head, cfg, raw_path, path, root, entry):
        extra = dict(Config.lookup(cfg.headers, raw_path, path) or {})

        delay = Config.lookup(cfg.delay, raw_path, path)
        if delay:
            # Logged before the wait, so a test can see that the request arrived (and the client waits).
            self.server.request_log.write({"event": "delaying", "path": raw_path, "seconds": float(delay)})
            time.sleep(float(delay))

        redirect = Config.lookup(cfg.redirect, raw_path, path)
        if redirect is not None:
            if isinstance(redirect, dict):
                location, status = redirect["location"], int(redirect.get("status", 301))
            else:
                location, status = redirect, 301
            body = f"Redirecting to {location}\n".encode()
            hdrs = {"Location": location, "Content-Type": "text/plain",
                    "Content-Length": len(body)}
            hdrs.update(extra)
            return self._send(status, hdrs, body, head, entry)

        status = cfg.status_for(raw_path, path)
        if status is not None and status != 200:
            body = f"{status} {self.responses.get(status, ('',))[0]}\n".encode()
            hdrs = {"Content-Type": "text/plain", "Content-Length": len(body)}
            body_file = Config.lookup(cfg.body, raw_path, path)
            if body_file is not None:
                target = self.resolve(root, "/" + body_file)
                with open(target, "rb") as fh:
                    body = fh.read()
                hdrs = {"Content-Type": "text/html; charset=utf-8", "Content-Length": len(body)}
            hdrs.update(extra)
            if status == 304 or status < 200:
                body = b""
                hdrs.pop("Content-Length", None)
            return self._send(status, hdrs, body, head, entry)

        target = self.resolve(root, path)
        if target is None:
            body = b"404 Not Found\n"
            return self._send(404, {"Content-Type": "text/plain", "Content-Length": len(body)},
                              body, head, entry)

        with open(target, "rb") as fh:
            data = fh.read()
        mtime = int(os.stat(target).st_mtime)
        ext = os.path.splitext(target)[1].lower()
        digest = hashlib.sha256(data).hexdigest()[:32]
        use_gzip = cfg.gzip_for(raw_path, path) and accepts_gzip(self.headers.get("Accept-Encoding")) and len(data) > 0
        etag = f'W/"{digest}"' if use_gzip else f'"{digest}"'
        hdrs = {
            "Content-Type": CONTENT_TYPES.get(ext, "application/octet-stream"),
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
            "Vary": "Accept-Encoding",
            "Cache-Control": "no-cache",
        }
        # config overrides; a null value removes a default header
        for k, v in extra.items():
            for existing in [h for h in hdrs if h.lower() == k.lower()]:
                del hdrs[existing]
            hdrs[k] = v

        # conditional GET
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = False
        if inm is not None:
            if hdrs.get("ETag"):
                not_modified = etag_matches(inm, hdrs["ETag"])
        elif ims is not None and hdrs.get("Last-Modified"):
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
                not_modified = mtime <= since
            except (TypeError, ValueError, IndexError):
                not_modified = False
        if not_modified:
            keep = {k: v for k, v in hdrs.items()
                    if k.lower() in ("etag", "last-modified", "vary", "cache-control")}
            return self._send(304, keep, b"", head, entry)

        body = data
        if use_gzip:
            body = gzip.compress(data, mtime=0)
            hdrs["Content-Encoding"] = "gzip"
            entry["content_encoding"] = "gzip"
        hdrs["Content-Length"] = len(body)
        return self._send(200, hdrs, body, head, entry)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    config_path = None
    config_mtime = None
    reload_lock = threading.Lock()

    def reload_config(self):
        """Re-reads the config file when its mtime changed; a bad new file keeps the old config."""
        if not self.config_path:
            return
        with self.reload_lock:
            try:
                mtime = os.stat(self.config_path).st_mtime_ns
                if mtime == self.config_mtime:
                    return
                with open(self.config_path, "rb") as fh:
                    self.config = Config(json.load(fh))
                self.config_mtime = mtime
            except (OSError, ValueError) as e:
                print(f"http_server.py: config not reloaded: {e}", file=sys.stderr, flush=True)


def write_ready(path, port):
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "w") as fh:
        fh.write(f"{port}\n")
    os.replace(tmp, path)


def main(argv=None):
    # A parent that spawned us from a thread with signals blocked (libdispatch worker threads do)
    # passes that mask on: unblock the signals we stop on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", help="directory to serve (fallback when --root-file is empty/missing)")
    p.add_argument("--root-file", help="file holding the current root directory, re-read on every request")
    p.add_argument("--ready-file")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--lifetime", type=float, default=300.0)
    p.add_argument("--config")
    p.add_argument("--log")
    p.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    a = p.parse_args(argv)
    if not a.root and not a.root_file:
        p.error("--root or --root-file is required")
    try:
        cfg_obj = {}
        if a.config:
            with open(a.config, "rb") as fh:
                cfg_obj = json.load(fh)
        config = Config(cfg_obj)
    except (OSError, ValueError) as e:
        print(f"http_server.py: bad config: {e}", file=sys.stderr, flush=True)
        return 2

    try:
        server = Server((HOST, a.port), Handler)
    except OSError as e:
        print(f"http_server.py: {e}", file=sys.stderr, flush=True)
        return 1
    server.static_root = os.path.abspath(a.root) if a.root else None
    server.root_file = os.path.abspath(a.root_file) if a.root_file else None
    server.config = config
    if a.config:
        server.config_path = a.config
        server.config_mtime = os.stat(a.config).st_mtime_ns
    server.request_log = RequestLog(a.log)
    port = server.server_address[1]

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()

    if a.ready_file:
        write_ready(a.ready_file, port)
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()

    deadline = time.monotonic() + a.lifetime
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        stop.wait(min(left, 0.5))
        if a.parent_pid:
            try:
                os.kill(a.parent_pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
