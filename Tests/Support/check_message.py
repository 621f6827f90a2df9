#!/usr/bin/env python3
"""Independent parse of .eml files with Python's `email` package.

    python3 check_message.py FILE.eml [FILE.eml ...]      ("-" reads stdin)

Prints one JSON array (one object per file, in argument order) on stdout.
Exit status 0 even when the messages have defects (the caller asserts);
1 only if a file cannot be read, 2 on usage errors.
"""

import base64
import email
import email.policy
import hashlib
import json
import re
import sys

BARE_EOL = re.compile(rb"(?<!\r)\n|\r(?!\n)")
LINE_SPLIT = re.compile(rb"\r\n|\n|\r")


def defect_str(d):
    text = str(d)
    name = type(d).__name__
    return f"{name}: {text}" if text and text != name else name


def header_value(msg, name):
    """Decoded header value (str) or None; header defects are collected."""
    v = msg.get(name)
    return None if v is None else str(v)


def raw_checks(data: bytes):
    # header section = everything up to the first empty line
    m = re.search(rb"\r\n\r\n|\n\n|\r\r", data)
    header_bytes = data[:m.start()] if m else data
    body_bytes = data[m.end():] if m else b""

    def max_len(chunk):
        if not chunk:
            return 0
        return max(len(x) for x in LINE_SPLIT.split(chunk))

    bare = BARE_EOL.findall(data)
    return {
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bare_lf": bool(bare),
        "bare_eol_count": len(bare),
        # octets per line EXCLUDING the line terminator (RFC 5322 limit: 998)
        "max_line_octets": max_len(data),
        "header_max_line_octets": max_len(header_bytes),
        "ends_with_crlf": data.endswith(b"\r\n"),
        "has_header_body_separator": m is not None,
        "header_8bit": any(b > 0x7F for b in header_bytes),
        "body_8bit": any(b > 0x7F for b in body_bytes),
        "nul_bytes": data.count(b"\x00"),
    }


def part_info(part, index):
    info = {
        "index": index,
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "transfer_encoding": (part.get("Content-Transfer-Encoding") or "").strip().lower() or None,
        "disposition": part.get_content_disposition(),
        "filename": part.get_filename(),
        "content": None,
    }
    try:
        content = part.get_content()
        if isinstance(content, str):
            info["content"] = content
        elif isinstance(content, bytes):
            info["content_base64"] = base64.b64encode(content).decode("ascii")
        else:  # message/rfc822 etc.
            info["content"] = str(content)
    except Exception as e:  # unknown charset, broken encoding, ...
        info["content_error"] = f"{type(e).__name__}: {e}"
        payload = part.get_payload(decode=True)
        if payload is not None:
            info["content_base64"] = base64.b64encode(payload).decode("ascii")
    return info


def analyse(data: bytes, name: str):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    result = {"file": name}
    fields = {
        "subject": "Subject", "from": "From", "to": "To", "cc": "Cc",
        "reply_to": "Reply-To", "date": "Date", "message_id": "Message-ID",
        "mime_version": "MIME-Version", "list_id": "List-Id",
        "list_unsubscribe": "List-Unsubscribe",
        "list_unsubscribe_post": "List-Unsubscribe-Post",
    }
    for key, hname in fields.items():
        try:
            result[key] = header_value(msg, hname)
        except Exception as e:
            result[key] = None
            result.setdefault("header_errors", []).append(f"{hname}: {type(e).__name__}: {e}")
    result["content_type"] = msg.get_content_type()
    result["headers"] = []
    defects = [defect_str(d) for d in msg.defects]
    for hname, value in msg.items():
        try:
            sval = str(value)
            hdefects = getattr(value, "defects", ()) or ()
        except Exception as e:
            sval, hdefects = None, ()
            defects.append(f"[header {hname}] {type(e).__name__}: {e}")
        result["headers"].append({"name": hname, "value": sval})
        defects.extend(f"[header {hname}] {defect_str(d)}" for d in hdefects)

    parts = []
    for walk_index, part in enumerate(msg.walk()):
        if part is not msg:
            label = f"[part {walk_index} {part.get_content_type()}]"
            defects.extend(f"{label} {defect_str(d)}" for d in part.defects)
        if part.is_multipart():
            continue
        parts.append(part_info(part, len(parts)))
    result["parts"] = parts
    result["defects"] = defects
    result.update(raw_checks(data))
    return result


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, rc = [], 0
    for path in argv:
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as fh:
                    data = fh.read()
        except OSError as e:
            out.append({"file": path, "error": str(e)})
            rc = 1
            continue
        out.append(analyse(data, path))
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
