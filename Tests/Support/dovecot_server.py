#!/usr/bin/env python3
"""Run Debian's Dovecot (IMAP and POP3) on 127.0.0.1 with a throw-away configuration.

    python3 dovecot_server.py --dir DIR --user USER --password PASSWORD --ready-file PATH
        [--lifetime SECONDS] [--parent-pid PID] [--tls-cert CERT --tls-key KEY]

Everything lives in DIR: dovecot.conf, the passwd-file, the Maildir (DIR/Maildir, one user), the
runtime folder and dovecot.log. Mail is stored as the unprivileged user `nobody` (mail_uid); login
processes run as Dovecot's own `dovenull`. Put messages into DIR/Maildir/new/ (readable by nobody)
before or while it runs. The ready file gets `IMAP_PORT POP3_PORT` (atomically) once both ports
accept connections. Exits on SIGTERM/SIGINT, after --lifetime seconds, or when --parent-pid is gone,
stopping Dovecot. With --tls-cert/--tls-key, STARTTLS is offered (not required) on both ports.
"""

import argparse
import os
import pwd
import grp
import signal
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(args, imap_port, pop3_port):
    directory = os.path.abspath(args.dir)
    maildir = os.path.join(directory, "Maildir")
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    os.makedirs(os.path.join(directory, "run"), exist_ok=True)
    nobody = pwd.getpwnam("nobody")
    group = grp.getgrgid(nobody.pw_gid).gr_name
    for root, dirs, files in os.walk(maildir):
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
        for name in files:
            os.chown(os.path.join(root, name), nobody.pw_uid, nobody.pw_gid)
    os.chmod(directory, 0o755)
    with open(os.path.join(directory, "passwd"), "w") as passwd:
        passwd.write(f"{args.user}:{{PLAIN}}{args.password}::::::\n")
    tls = "no"
    tls_lines = ""
    if args.tls_cert:
        tls = "yes"
        tls_lines = f"ssl_cert = <{os.path.abspath(args.tls_cert)}\nssl_key = <{os.path.abspath(args.tls_key)}\n"
    config = f"""
instance_name = newsletter-test-{os.getpid()}
base_dir = {directory}/run
state_dir = {directory}/run
log_path = {directory}/dovecot.log
info_log_path = {directory}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = {tls}
{tls_lines}disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {directory}/passwd
}}
userdb {{
  driver = static
  args = uid={nobody.pw_uid} gid={nobody.pw_gid} home={directory}/home
}}
mail_location = maildir:{maildir}
mail_uid = {nobody.pw_uid}
mail_gid = {nobody.pw_gid}
first_valid_uid = 1
pop3_uidl_format = %08Xv%08Xu
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3_port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
    os.makedirs(os.path.join(directory, "home"), exist_ok=True)
    os.chown(os.path.join(directory, "home"), nobody.pw_uid, nobody.pw_gid)
    path = os.path.join(directory, "dovecot.conf")
    with open(path, "w") as file:
        file.write(config)
    return path, group


def wait_for(port, deadline):
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def main():
    # A parent that spawned us from a thread with signals blocked (libdispatch worker threads do) passes that
    # mask on, and Dovecot would inherit it: with SIGTERM blocked its master never stopped, and every test left
    # one running. Start from an empty mask.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--lifetime", type=float, default=300)
    parser.add_argument("--parent-pid", type=int)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    imap_port, pop3_port = free_port(), free_port()
    config, _ = write_config(args, imap_port, pop3_port)
    process = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", config], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(args.dir, "dovecot.stderr"), "w"))
    stopping = []

    def stop(*_):
        stopping.append(True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + 20
    if not (wait_for(imap_port, deadline) and wait_for(pop3_port, deadline)):
        process.terminate()
        log = open(os.path.join(args.dir, "dovecot.stderr")).read()
        print(f"dovecot did not start: {log}", file=sys.stderr)
        return 1
    temporary = args.ready_file + ".tmp"
    with open(temporary, "w") as ready:
        ready.write(f"{imap_port} {pop3_port}\n")
    os.rename(temporary, args.ready_file)
    end = time.monotonic() + args.lifetime
    while not stopping and time.monotonic() < end and process.poll() is None:
        if args.parent_pid:
            try:
                os.kill(args.parent_pid, 0)
            except OSError:
                break
        time.sleep(0.2)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
