import Foundation

/// Parses messages with Python's `email` package (`policy.default`), an independent decoder for tests.
enum PythonEmail {
    struct Part: Decodable {
        var contentType: String
        var charset: String?
        var transferEncoding: String?
        var defects: [String]
        /// The decoded payload bytes, base64 so that they survive JSON byte-exactly.
        var payloadBase64: String
        var content: String

        var payload: [UInt8] {
            Array(Data(base64Encoded: payloadBase64) ?? Data())
        }
    }

    struct Parsed: Decodable {
        var defects: [String]
        var headerDefects: [String: [String]]
        /// Header values decoded by `policy.default`, by name; all occurrences.
        var headers: [String: [String]]
        /// Raw (folded, undecoded) header values by name, decoded with `decode_header` + `make_header`.
        var madeHeaders: [String: String]
        var isMultipart: Bool
        var contentType: String
        var parts: [Part]
        var dateISO: String?
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static let script = #"""
        import sys, json, base64, email, re
        from email import policy
        from email.header import decode_header, make_header
        raw = open(sys.argv[1], 'rb').read()
        msg = email.message_from_bytes(raw, policy=policy.default)
        compat = email.message_from_bytes(raw, policy=policy.compat32)
        out = {"defects": [repr(d) for d in msg.defects], "headerDefects": {}, "headers": {}, "madeHeaders": {},
               "isMultipart": msg.is_multipart(), "contentType": msg.get_content_type(), "parts": [], "dateISO": None}
        for name, value in msg.items():
            out["headers"].setdefault(name, []).append(str(value))
            d = [repr(x) for x in getattr(value, "defects", [])]
            if d:
                out["headerDefects"].setdefault(name, []).extend(d)
        for name, value in compat.items():
            out["madeHeaders"][name] = str(make_header(decode_header(re.sub(r"\r?\n(?=[ \t])", "", value))))
        if msg["Date"] is not None and msg["Date"].datetime is not None:
            out["dateISO"] = msg["Date"].datetime.isoformat()
        parts = list(msg.iter_parts()) if msg.is_multipart() else [msg]
        for part in parts:
            payload = part.get_payload(decode=True) or b""
            out["parts"].append({
                "contentType": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transferEncoding": part.get("Content-Transfer-Encoding"),
                "defects": [repr(d) for d in part.defects],
                "payloadBase64": base64.b64encode(payload).decode("ascii"),
                "content": part.get_content() if part.get_content_maintype() == "text" else "",
            })
        json.dump(out, open(sys.argv[2], "w"))
        """#

    /// Parses message bytes with Python and returns what it decoded.
    static func parse(_ bytes: [UInt8]) throws -> Parsed {
        let directory = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let input = directory.appendingPathComponent("mime-\(id).eml")
        let output = directory.appendingPathComponent("mime-\(id).json")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        try Data(bytes).write(to: input)
        let result = try run(["/usr/bin/env", "python3", "-c", script, input.path, output.path])
        guard result.status == 0 else { throw Failure(description: "python3 failed: \(result.stderr)") }
        return try JSONDecoder().decode(Parsed.self, from: Data(contentsOf: output))
    }

    /// Parses a header section alone (adds the empty line that ends it).
    static func parseHeaders(_ fields: String) throws -> Parsed {
        try parse(Array((fields + "\r\n").utf8))
    }
}
