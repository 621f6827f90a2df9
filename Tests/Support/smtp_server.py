#!/usr/bin/env python3
"""Loopback SMTP test server for the newsletter Swift tests.

Real SMTP (aiosmtpd 1.4.x) on 127.0.0.1 only.  Stores every accepted message
byte-for-byte (after de-dot-stuffing) as DIR/NNNN.eml and writes an event log
DIR/log.jsonl (one JSON object per line, see README.md).

    python3 smtp_server.py --maildir DIR [--faults FAULTS.json]
        [--ready-file PATH] [--port N] [--lifetime SECONDS]
        [--tls-cert CERT --tls-key KEY] [--require-starttls]
        [--auth USER:PASSWORD] [--no-starttls-advertised] [--smtputf8]
        [--pipelining] [--split-replies] [--multiline-replies]
        [--parent-pid PID] [--verbose]

Only stdout output is a single line "READY <port>".  Exit status 0 after
SIGTERM/SIGINT/--lifetime/parent death, 2 on bad arguments or faults file.
"""

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import ssl
import sys
import time
import warnings

warnings.filterwarnings("ignore")  # aiosmtpd warns about AUTH without TLS etc.

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword  # noqa: E402

HOST = "127.0.0.1"
SERVER_NAME = "smtp.example.net"
BARE_EOL = re.compile(rb"(?<!\r)\n|\r(?!\n)")

PHASES = {"connect", "auth", "mail", "rcpt", "data", "data_command"}
RULE_KEYS = {
    "phase", "rcpt", "mail_from", "code", "message", "times", "close",
    "drop_after_accept", "before_reply", "reject_bare_lf", "max_line_length",
    "delay_seconds", "stall_after_greeting", "stall_after_rcpt", "comment",
    "hold_after_messages", "hold_until_file",
}


def now() -> float:
    return round(time.time(), 6)


# --------------------------------------------------------------------------
# Event log
# --------------------------------------------------------------------------
class EventLog:
    def __init__(self, path: str):
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, event: str, **fields):
        obj = {"event": event, "time": now()}
        obj.update(fields)
        line = json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n"
        os.write(self.fd, line.encode("utf-8", "surrogateescape"))

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass


# --------------------------------------------------------------------------
# Fault rules
# --------------------------------------------------------------------------
class Faults:
    def __init__(self, rules):
        if not isinstance(rules, list):
            raise ValueError("faults file must contain a JSON list of rules")
        self.code_rules = []          # rules with a code, by phase
        self.drop_rules = []          # drop_after_accept
        self.reject_bare_lf = False
        self.max_line_length = None
        self.delay_seconds = 0.0
        self.stall_after_greeting = False
        self.stall_after_rcpt = False
        self.hold_after_messages = None
        self.hold_until_file = None
        for i, r in enumerate(rules):
            if not isinstance(r, dict):
                raise ValueError(f"rule {i}: not an object")
            unknown = set(r) - RULE_KEYS
            if unknown:
                raise ValueError(f"rule {i}: unknown keys {sorted(unknown)}")
            r = dict(r)
            r["_hits"] = 0
            if r.get("reject_bare_lf"):
                self.reject_bare_lf = True
            if "max_line_length" in r:
                self.max_line_length = int(r["max_line_length"])
            if "delay_seconds" in r:
                self.delay_seconds = float(r["delay_seconds"])
            if "hold_until_file" in r:
                self.hold_until_file = str(r["hold_until_file"])
                self.hold_after_messages = int(r.get("hold_after_messages", 0))
            if r.get("stall_after_greeting"):
                self.stall_after_greeting = True
            if r.get("stall_after_rcpt"):
                self.stall_after_rcpt = True
            if "drop_after_accept" in r:
                r["drop_after_accept"] = int(r["drop_after_accept"])
                self.drop_rules.append(r)
            if "code" in r:
                phase = r.get("phase") or ("rcpt" if "rcpt" in r else None)
                if phase not in PHASES:
                    raise ValueError(f"rule {i}: phase must be one of {sorted(PHASES)}")
                code = int(r["code"])
                if not 200 <= code <= 599:
                    raise ValueError(f"rule {i}: bad code {code}")
                r["phase"] = phase
                r["code"] = code
                self.code_rules.append(r)

    @staticmethod
    def _eq(a, b):
        return a is not None and b is not None and a.strip().lower() == b.strip().lower()

    def match(self, phase, mail_from=None, rcpt=None, rcpts=None):
        """Return the first applicable rule for this attempt (and count it)."""
        for r in self.code_rules:
            if r["phase"] != phase:
                continue
            if "mail_from" in r and not self._eq(r["mail_from"], mail_from):
                continue
            if "rcpt" in r:
                if phase == "rcpt" and not self._eq(r["rcpt"], rcpt):
                    continue
                if phase in ("data", "data_command") and not any(self._eq(r["rcpt"], x) for x in (rcpts or [])):
                    continue
                if phase in ("connect", "auth", "mail"):
                    continue
            times = r.get("times")
            if times is not None and r["_hits"] >= int(times):
                continue
            r["_hits"] += 1
            return r
        return None

    @staticmethod
    def reply(rule):
        msg = rule.get("message") or ("rejected by test fault rule")
        return f"{rule['code']} {msg}"


# --------------------------------------------------------------------------
# SMTP protocol subclass: per-connection id, command/reply logging,
# close-after-reply support.
# --------------------------------------------------------------------------
class _LoggingReader(asyncio.StreamReader):
    """StreamReader that reports SMTP command lines (never AUTH data)."""

    _owner = None
    _suppress = False

    async def readline(self):
        # used by aiosmtpd only for AUTH challenge responses -> never log
        self._suppress = True
        try:
            return await super().readline()
        finally:
            self._suppress = False

    async def readuntil(self, separator=b"\n"):
        line = await super().readuntil(separator)
        if separator == b"\n" and not self._suppress and self._owner is not None:
            self._owner._on_command_line(line, buffered=len(self._buffer))
        return line


class TestSMTP(SMTP):
    line_length_limit = 16 * 1024 * 1024   # store long lines; limits are fault rules

    def __init__(self, handler, state, **kw):
        super().__init__(handler, **kw)
        self.state = state
        self.conn_id = None
        self._after_reply = None    # None | "close" | "drop"
        self._closed_by_server = False
        self._in_data = False

    # ---- helpers
    @property
    def is_tls(self):
        return self._tls_protocol is not None

    def log(self, event, **fields):
        fields.setdefault("conn", self.conn_id)
        self.state.log.write(event, **fields)

    # ---- connection lifecycle
    def connection_made(self, transport):
        first = self._original_transport is None and self.conn_id is None
        if first:
            self.state.conn_counter += 1
            self.conn_id = self.state.conn_counter
            self.state.active.add(self)
            peer = transport.get_extra_info("peername")
            self.log("connect", peer=f"{peer[0]}:{peer[1]}" if peer else None)
        super().connection_made(transport)
        if not first:
            ssl_obj = transport.get_extra_info("ssl_object")
            self.log("tls", version=ssl_obj.version() if ssl_obj else None,
                     cipher=(ssl_obj.cipher() or [None])[0] if ssl_obj else None)

    def connection_lost(self, error):
        self.state.active.discard(self)
        self.log("disconnect", by_server=self._closed_by_server,
                 error=str(error) if error else None)
        super().connection_lost(error)

    def _cb_client_connected(self, reader, writer):
        super()._cb_client_connected(reader, writer)
        reader.__class__ = _LoggingReader
        reader._owner = self

    def _on_command_line(self, line: bytes, buffered: int = 0):
        if self._in_data:
            return   # a line of the message, not a command
        text = line.rstrip(b"\r\n").decode("utf-8", "replace")
        verb, _, arg = text.partition(" ")
        verb = verb.upper()
        # buffered: bytes that had already arrived behind this line (a pipelined group, RFC 2920)
        fields = {"verb": verb, "tls": self.is_tls, "buffered": buffered}
        if verb == "AUTH":
            parts = arg.split()
            fields["arg"] = parts[0] if parts else ""
            fields["initial_response"] = len(parts) > 1   # value never logged
        else:
            fields["arg"] = arg
        self.log("command", **fields)

    async def _handle_client(self):
        rule = self.state.faults.match("connect")
        if rule is not None:
            reply = Faults.reply(rule)
            self.log("reject", phase="connect", code=rule["code"], reply=reply)
            self._after_reply = "close"
            await self.push(reply)
            return
        await super()._handle_client()

    async def push(self, status):
        action, self._after_reply = self._after_reply, None
        text = status.decode("utf-8", "replace") if isinstance(status, bytes) else status
        if action == "drop":
            self.log("drop", suppressed_reply=text)
            self._close()
            return
        if self.state.multiline and re.match(r"^[2-5]\d\d ", text) and "\r\n" not in text:
            text = f"{text[:3]}-newsletter-test: first line of a multi-line reply\r\n{text}"
            status = text
        if self.state.split_replies:
            # One byte per write, each flushed on its own: replies arrive split across reads.
            data = (text + "\r\n").encode("utf-8", "replace")
            for i in range(len(data)):
                self._writer.write(data[i:i + 1])
                await self._writer.drain()
                await asyncio.sleep(0.0005)
        else:
            await super().push(status)
        code = text[:3]
        self.log("reply", reply=text, code=int(code) if code.isdigit() else None)
        if action == "close":
            self._close()

    async def smtp_DATA(self, arg):
        rule = None
        if self.envelope.rcpt_tos:
            rule = self.state.faults.match("data_command", mail_from=self.envelope.mail_from,
                                           rcpts=self.envelope.rcpt_tos)
        if rule is not None:
            reply = Faults.reply(rule)
            self.log("reject", phase="data_command", code=rule["code"], reply=reply,
                     mail_from=self.envelope.mail_from, rcpt_tos=list(self.envelope.rcpt_tos))
            if rule.get("close"):
                self._after_reply = "close"
            await self.push(reply)
            return
        self._in_data = bool(self.envelope.rcpt_tos) and self.envelope.mail_from is not None
        try:
            await super().smtp_DATA(arg)
        finally:
            self._in_data = False

    def _close(self):
        self._closed_by_server = True
        if self.transport is not None:
            self.transport.close()


# --------------------------------------------------------------------------
# Handler: hooks
# --------------------------------------------------------------------------
class State:
    def __init__(self, maildir, faults, log, auth, hide_starttls, pipelining=False, split_replies=False,
                 multiline=False):
        self.maildir = maildir
        self.faults = faults
        self.log = log
        self.auth = auth                    # (user, password) or None
        self.hide_starttls = hide_starttls
        self.pipelining = pipelining
        self.split_replies = split_replies
        self.multiline = multiline
        self.conn_counter = 0
        self.seq = 0
        self.accepted = 0
        self.active = set()


class Handler:
    def __init__(self, state: State):
        self.state = state

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self.state.faults.stall_after_greeting:
            server.log("stall", after="greeting")
            await asyncio.sleep(3600)
        session.host_name = hostname
        out = []
        for line in responses:
            cap = line[4:].upper()
            if cap.startswith("AUTH") and self.state.auth is None:
                continue
            if cap.startswith("STARTTLS") and self.state.hide_starttls:
                continue
            out.append(line)
        # fix continuation markers after filtering
        if self.state.pipelining:
            out.insert(1, "250-PIPELINING")
        out = [("250-" if i < len(out) - 1 else "250 ") + l[4:] for i, l in enumerate(out)]
        server.log("ehlo", hostname=hostname, tls=server.is_tls,
                   capabilities=[l[4:] for l in out[1:]])
        return out

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        rule = self.state.faults.match("mail", mail_from=address)
        if rule is not None:
            reply = Faults.reply(rule)
            server.log("reject", phase="mail", code=rule["code"], reply=reply,
                       mail_from=address, tls=server.is_tls)
            if rule.get("close"):
                server._after_reply = "close"
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.state.faults.stall_after_rcpt:
            server.log("stall", after="rcpt")
            await asyncio.sleep(3600)
        rule = self.state.faults.match("rcpt", mail_from=envelope.mail_from, rcpt=address)
        if rule is not None:
            reply = Faults.reply(rule)
            server.log("reject", phase="rcpt", code=rule["code"], reply=reply,
                       mail_from=envelope.mail_from, rcpt=address, tls=server.is_tls)
            if rule.get("close"):
                server._after_reply = "close"
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        st = self.state
        data = envelope.original_content or b""
        common = dict(mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos),
                      size=len(data), tls=server.is_tls)

        def reject(code, reply, reason, close=False):
            server.log("reject", phase="data", code=code, reply=reply, reason=reason, **common)
            if close:
                server._after_reply = "close"
            return reply

        f = st.faults
        if f.max_line_length is not None:
            longest = max((len(x) + 2 for x in data.split(b"\r\n")), default=0)
            if longest > f.max_line_length:
                return reject(500, f"500 5.5.2 Line too long ({longest} > {f.max_line_length} octets incl. CRLF)",
                              "max_line_length")
        if f.reject_bare_lf and BARE_EOL.search(data):
            return reject(550, "550 bare LF rejected", "bare_lf")
        rule = f.match("data", mail_from=envelope.mail_from, rcpts=envelope.rcpt_tos)
        if rule is not None:
            return reject(rule["code"], Faults.reply(rule), "rule", bool(rule.get("close")))

        st.seq += 1
        st.accepted += 1
        seq = st.seq
        name = f"{seq:04d}.eml"
        tmp = os.path.join(st.maildir, f".{name}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, os.path.join(st.maildir, name))
        reply = f"250 2.0.0 OK queued as {seq:04d}"

        drop = None
        for r in f.drop_rules:
            if r["drop_after_accept"] == st.accepted:
                drop = r
        auth_user = session.auth_data.login.decode("utf-8", "replace") \
            if session.authenticated and isinstance(session.auth_data, LoginPassword) else None
        # buffered: bytes that had already arrived behind the end of data (the next envelope, RFC 2920 §3.1)
        buffered = len(server._reader._buffer) if server._reader is not None else 0
        server.log("message", seq=seq, file=name, buffered=buffered,
                   reply=None if drop and drop.get("before_reply") else reply,
                   mail_options=list(envelope.mail_options),
                   rcpt_options=list(envelope.rcpt_options),
                   auth_user=auth_user,
                   delay_seconds=f.delay_seconds or None,
                   dropped=("before_reply" if drop and drop.get("before_reply")
                            else "after_reply" if drop else None),
                   **common)
        if f.delay_seconds:
            await asyncio.sleep(f.delay_seconds)
        if f.hold_until_file and seq > f.hold_after_messages:
            # The message is stored; its 250 waits until the test has done what it must do first.
            deadline = time.monotonic() + 300
            while not os.path.exists(f.hold_until_file) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        if drop is not None:
            server._after_reply = "drop" if drop.get("before_reply") else "close"
        return reply

    async def handle_exception(self, error):
        # called e.g. when the TLS handshake fails
        logging.getLogger("mail.log").debug("exception", exc_info=error)
        self.state.log.write("exception", error=f"{type(error).__name__}: {error}",
                             cause=repr(error.__cause__) if error.__cause__ else None)
        return "500 Error: (%s) %s" % (type(error).__name__, error)


def make_authenticator(state: State):
    def authenticator(server, session, envelope, mechanism, auth_data):
        user = pw = None
        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode("utf-8", "replace")
            pw = auth_data.password.decode("utf-8", "replace")
        rule = state.faults.match("auth")
        if rule is not None:
            reply = Faults.reply(rule)
            server.log("auth", mechanism=mechanism, username=user, success=False,
                       tls=server.is_tls, reply=reply)
            return AuthResult(success=False, handled=False, message=reply)
        ok = state.auth is not None and (user, pw) == state.auth
        server.log("auth", mechanism=mechanism, username=user, success=ok, tls=server.is_tls)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return authenticator


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
def write_ready(path, port):
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "w") as fh:
        fh.write(f"{port}\n")
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--maildir", required=True)
    p.add_argument("--faults")
    p.add_argument("--ready-file")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--lifetime", type=float, default=300.0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--auth", metavar="USER:PASSWORD")
    p.add_argument("--no-starttls-advertised", action="store_true")
    p.add_argument("--smtputf8", action="store_true", help="advertise SMTPUTF8")
    p.add_argument("--pipelining", action="store_true", help="advertise PIPELINING (RFC 2920)")
    p.add_argument("--split-replies", action="store_true", help="write every reply one byte at a time")
    p.add_argument("--multiline-replies", action="store_true",
                   help="send every one-line reply as a two-line reply (NNN-... then NNN ...)")
    p.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    p.add_argument("--verbose", action="store_true", help="aiosmtpd debug log on stderr")
    a = p.parse_args(argv)
    if bool(a.tls_cert) != bool(a.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if a.require_starttls and not a.tls_cert:
        p.error("--require-starttls needs --tls-cert/--tls-key")
    if a.auth is not None and ":" not in a.auth:
        p.error("--auth takes USER:PASSWORD")
    return a


async def amain(a):
    loop = asyncio.get_running_loop()
    os.makedirs(a.maildir, exist_ok=True)
    try:
        rules = []
        if a.faults:
            with open(a.faults, "rb") as fh:
                rules = json.load(fh)
        faults = Faults(rules)
    except (OSError, ValueError) as e:
        print(f"smtp_server.py: bad faults file: {e}", file=sys.stderr, flush=True)
        return 2

    tls_context = None
    if a.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(a.tls_cert, a.tls_key)
    hide_starttls = a.no_starttls_advertised
    if hide_starttls:
        # A server that strips STARTTLS: not advertised, and "454 TLS not
        # available" if a client tries anyway.
        tls_context = None

    auth = tuple(a.auth.split(":", 1)) if a.auth is not None else None
    log = EventLog(os.path.join(a.maildir, "log.jsonl"))
    state = State(a.maildir, faults, log, auth, hide_starttls, a.pipelining, a.split_replies,
                  a.multiline_replies)
    handler = Handler(state)
    authenticator = make_authenticator(state)

    def factory():
        return TestSMTP(
            handler, state,
            hostname=SERVER_NAME,
            ident="ESMTP newsletter-test-smtp",
            tls_context=tls_context,
            require_starttls=a.require_starttls,
            auth_required=auth is not None,
            auth_require_tls=bool(a.require_starttls),
            authenticator=authenticator,
            enable_SMTPUTF8=a.smtputf8,
            timeout=60,
            loop=loop,
        )

    server = await loop.create_server(factory, host=HOST, port=a.port)
    port = server.sockets[0].getsockname()[1]

    stop = asyncio.Event()
    reason = {"why": "lifetime"}

    def on_signal(name):
        reason["why"] = name
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig.name)

    async def parent_watch():
        while True:
            await asyncio.sleep(0.5)
            try:
                os.kill(a.parent_pid, 0)
            except ProcessLookupError:
                on_signal("parent-gone")
                return
            except PermissionError:
                pass

    watch = loop.create_task(parent_watch()) if a.parent_pid else None

    log.write("server_start", port=port, pid=os.getpid(),
              tls=tls_context is not None, require_starttls=bool(a.require_starttls),
              starttls_advertised=tls_context is not None,
              auth=auth is not None, faults=len(rules))
    if a.ready_file:
        write_ready(a.ready_file, port)
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()

    try:
        await asyncio.wait_for(stop.wait(), timeout=a.lifetime)
    except asyncio.TimeoutError:
        pass
    if watch:
        watch.cancel()
    server.close()
    for proto in list(state.active):
        proto._close()
    await asyncio.sleep(0.05)
    await server.wait_closed()
    log.write("server_stop", reason=reason["why"], accepted=state.accepted,
              connections=state.conn_counter)
    log.close()
    return 0


def main(argv=None):
    # A parent that spawned us from a thread with signals blocked (libdispatch worker threads do)
    # passes that mask on: unblock the signals we stop on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    a = parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(stream=sys.stderr,
                        level=logging.DEBUG if a.verbose else logging.CRITICAL)
    try:
        return asyncio.run(amain(a))
    except OSError as e:
        print(f"smtp_server.py: {e}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
