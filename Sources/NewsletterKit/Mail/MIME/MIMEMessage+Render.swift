extension MIMEMessage {
    /// The complete message as ASCII bytes with CRLF line ends, ending with CRLF, ready for SMTP DATA.
    ///
    /// Pure: the same message value always gives the same bytes. If the boundary occurs in an encoded part
    /// (possible only for a caller-supplied boundary), `_1`, `_2`, … is appended until it does not.
    ///
    /// - Returns: The message bytes.
    /// - Complexity: O(*n*) in the size of the bodies.
    public func bytes() -> [UInt8] {
        Array(render().utf8)
    }

    /// The complete message as a string; see ``bytes()``.
    func render() -> String {
        let textEncoding = TransferEncoding.preferred(for: textBody)
        let htmlEncoding = TransferEncoding.preferred(for: htmlBody)
        let text = textEncoding.encode(textBody)
        let html = htmlEncoding.encode(htmlBody)
        let boundary = Self.boundary(self.boundary, avoiding: [text, html])

        var message = headerBlock(boundary: boundary)
        message += "\r\n"
        message += part(
            contentType: "text/plain; charset=UTF-8", encoding: textEncoding, body: text, boundary: boundary)
        message += part(contentType: "text/html; charset=UTF-8", encoding: htmlEncoding, body: html, boundary: boundary)
        message += "--\(boundary)--\r\n"
        return message
    }

    /// The header section without the blank line that ends it.
    func headerBlock(boundary: String) -> String {
        let sections = headerSections(boundary: boundary)
        return sections.beforeTo + Self.addressField("To", to) + sections.beforeMessageID
            + Self.messageIDField(messageID) + sections.beforeUnsubscribe + (unsubscribe?.headerFields ?? "")
            + sections.rest
    }

    /// The header fields that are the same for every recipient, in the four runs between the per-recipient
    /// fields To, Message-ID and List-Unsubscribe (with List-Unsubscribe-Post).
    func headerSections(boundary: String) -> (
        beforeTo: String, beforeMessageID: String, beforeUnsubscribe: String, rest: String
    ) {
        let beforeTo = Self.addressField("From", from)
        var beforeMessageID = ""
        if let replyTo { beforeMessageID += Self.addressField("Reply-To", replyTo) }
        beforeMessageID += EncodedWord.headerField(name: "Subject", value: subject)
        beforeMessageID += "Date: \(Self.formatDate(date, timeZone: timeZone))\r\n"
        var beforeUnsubscribe = "MIME-Version: 1.0\r\n"
        if let listID { beforeUnsubscribe += listID.headerField }
        var rest = "Precedence: bulk\r\n"
        for header in extraHeaders {
            rest += EncodedWord.headerField(name: header.name, value: header.value)
        }
        var contentType = HeaderFieldBuilder(name: "Content-Type")
        contentType.append("multipart/alternative;")
        contentType.append("boundary=\"\(boundary)\"")
        rest += contentType.field
        return (beforeTo, beforeMessageID, beforeUnsubscribe, rest)
    }

    /// `Message-ID: <left@right>` with CRLF.
    static func messageIDField(_ messageID: String) -> String {
        "Message-ID: \(messageID)\r\n"
    }

    /// The header block of one body part, from its boundary line to the blank line.
    static func partHeader(contentType: String, encoding: TransferEncoding, boundary: String) -> String {
        "--\(boundary)\r\nContent-Type: \(contentType)\r\nContent-Transfer-Encoding: \(encoding.rawValue)\r\n\r\n"
    }

    private func part(contentType: String, encoding: TransferEncoding, body: String, boundary: String) -> String {
        Self.partHeader(contentType: contentType, encoding: encoding, boundary: boundary) + body + "\r\n"
    }

    /// An address field: `Name: "Display" <a@b>`, `Name: =?UTF-8?B?…?= <a@b>` or `Name: a@b`.
    static func addressField(_ name: String, _ address: MailAddress) -> String {
        var builder = HeaderFieldBuilder(name: name)
        if let displayName = address.displayName {
            builder.appendPhrase(displayName)
            builder.append("<\(address.email)>")
        } else {
            builder.append(address.email)
        }
        return builder.field
    }

    /// The boundary, suffixed with `_1`, `_2`, … until no encoded part contains `--boundary`.
    static func boundary(_ boundary: String, avoiding parts: [String]) -> String {
        var candidate = boundary
        var counter = 0
        while parts.contains(where: { $0.contains("--" + candidate) }) || !isValidBoundary(candidate) {
            counter += 1
            candidate = String(boundary.prefix(70 - String(counter).count - 1)) + "_\(counter)"
        }
        return candidate
    }
}
