#!/usr/bin/env python3
"""A small loopback SMTP server for case 38 (internationalised addresses), logging raw command bytes.

    python3 smtputf8_server.py --maildir DIR [--smtputf8] [--ready-file PATH] [--port N]
        [--lifetime SECONDS] [--parent-pid PID]

S1 (default): EHLO lists PIPELINING, SIZE 10240000, 8BITMIME, ENHANCEDSTATUSCODES, and no SMTPUTF8. A MAIL or
RCPT line holding a byte >= 0x80 gets "553 5.6.7 unicode address without SMTPUTF8".
S2 (--smtputf8): the same list plus SMTPUTF8. A MAIL or RCPT line holding a byte >= 0x80, in a transaction whose
MAIL FROM lacks the SMTPUTF8 parameter, gets "555 5.5.2 SMTPUTF8 not declared".
Everything else gets 250 (354 for DATA). No AUTH, no TLS. Binds 127.0.0.1 only.

DIR/commands.jsonl: one object per command line, {"conn": N, "hex": "<the raw line without CRLF, hex>"}.
DIR/NNNN.eml: each accepted message (after de-dot-stuffing), with DIR/NNNN.json {mail_from_hex, rcpt_hex,
smtputf8}. Ready signalling as in smtp_server.py: the port and "\\n" written atomically to --ready-file.
"""
import argparse
import asyncio
import json
import os
import signal
import sys
import time


def write_ready(path, port):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


class Server:
    def __init__(self, maildir, smtputf8):
        self.maildir = maildir
        self.smtputf8 = smtputf8
        self.connections = 0
        self.accepted = 0
        self.log = open(os.path.join(maildir, "commands.jsonl"), "a", buffering=1)

    async def handle(self, reader, writer):
        self.connections += 1
        conn = self.connections

        async def reply(*lines):
            writer.write(b"".join(line.encode() + b"\r\n" for line in lines))
            await writer.drain()

        await reply("220 s.example.com ESMTP case-38 test server")
        mail_from = None
        declared = False
        rcpts = []
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                raw = line.rstrip(b"\r\n")
                self.log.write(json.dumps({"conn": conn, "hex": raw.hex()}) + "\n")
                verb = raw[:4].upper()
                eight_bit = any(b >= 0x80 for b in raw)
                if verb in (b"EHLO", b"HELO"):
                    caps = ["PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES"]
                    if self.smtputf8:
                        caps.append("SMTPUTF8")
                    lines = ["s.example.com"] + caps
                    await reply(*[f"250-{l}" for l in lines[:-1]], f"250 {lines[-1]}")
                elif verb in (b"MAIL", b"RCPT"):
                    if verb == b"MAIL":
                        params = raw.split(b">", 1)[1].upper().split() if b">" in raw else []
                        in_declared = b"SMTPUTF8" in params
                    else:
                        in_declared = declared
                    if eight_bit and not self.smtputf8:
                        await reply("553 5.6.7 unicode address without SMTPUTF8")
                        continue
                    if eight_bit and not in_declared:
                        await reply("555 5.5.2 SMTPUTF8 not declared")
                        continue
                    if verb == b"MAIL":
                        mail_from, declared, rcpts = raw, in_declared, []
                    else:
                        rcpts.append(raw)
                    await reply("250 2.1.0 ok")
                elif verb == b"DATA":
                    if mail_from is None or not rcpts:
                        await reply("503 5.5.1 need MAIL and RCPT")
                        continue
                    await reply("354 end with <CRLF>.<CRLF>")
                    body = bytearray()
                    while True:
                        data_line = await reader.readline()
                        if not data_line or data_line == b".\r\n":
                            break
                        if data_line.startswith(b".."):
                            data_line = data_line[1:]
                        body += data_line
                    self.accepted += 1
                    name = os.path.join(self.maildir, f"{self.accepted:04d}")
                    with open(name + ".eml", "wb") as f:
                        f.write(bytes(body))
                    with open(name + ".json", "w") as f:
                        json.dump({"mail_from_hex": mail_from.hex(), "rcpt_hex": [r.hex() for r in rcpts],
                                   "smtputf8": declared}, f)
                    mail_from, declared, rcpts = None, False, []
                    await reply("250 2.0.0 queued")
                elif verb == b"RSET":
                    mail_from, declared, rcpts = None, False, []
                    await reply("250 2.0.0 ok")
                elif verb == b"NOOP":
                    await reply("250 2.0.0 ok")
                elif verb == b"QUIT":
                    await reply("221 2.0.0 bye")
                    break
                else:
                    await reply("502 5.5.2 not implemented")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def amain(args):
    os.makedirs(args.maildir, exist_ok=True)
    server = Server(args.maildir, args.smtputf8)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", args.port)
    port = listener.sockets[0].getsockname()[1]
    if args.ready_file:
        write_ready(args.ready_file, port)
    print(f"READY {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    deadline = time.monotonic() + args.lifetime
    while not stop.is_set() and time.monotonic() < deadline:
        if args.parent_pid:
            try:
                os.kill(args.parent_pid, 0)
            except OSError:
                break
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass
    listener.close()


def main():
    # A parent that spawned us from a thread with signals blocked (libdispatch worker threads do) passes that
    # mask on: start from an empty one, so that SIGTERM stops us.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--maildir", required=True)
    p.add_argument("--smtputf8", action="store_true")
    p.add_argument("--ready-file")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--lifetime", type=float, default=300)
    p.add_argument("--parent-pid", type=int)
    asyncio.run(amain(p.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
