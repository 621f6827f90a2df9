import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NewsletterKit

/// The subscribe form and double opt-in, served beside the unsubscribe link (``UnsubscribeRoute/basePath``
/// + `subscribe` and + `confirm`, e.g. `/subscribe` and `/confirm` for `https://news.example.com/u?t=…`).
///
/// - `GET …/subscribe` shows the form (fields `email`, `name`); `POST …/subscribe` adds the address as
///   `pending` (a new one, or one that had unsubscribed or bounced) and mails a confirmation link through
///   the newsletter's SMTP settings. The answer is the same page whatever the address's state, so the form
///   does not tell who is subscribed; an active address is left alone and mailed nothing.
/// - `GET …/confirm?t=TOKEN` shows a page with one button and changes nothing (mail scanners fetch links,
///   and must not confirm a subscription someone else typed in); its `POST` activates the row. Tokens are
///   ``SubscriberTokens/confirmationToken(for:now:)``: unforgeable, valid for
///   ``SubscriberTokens/confirmationValidity``, and only for a row that is still `pending`.
/// - Rate limits: one client may POST the form or a confirmation at most ``clientLimit`` times per
///   ``clientWindow``; one address may be submitted at most ``addressLimit`` times per ``addressWindow``
///   (so it gets at most that many confirmation mails). Over a limit: 429 with a page, nothing changes.
///   The client is the TCP peer, or the `X-Real-IP` header when the peer is on loopback (the web server in
///   front sets it).
/// - No redirects: every answer is a page; the confirmation link's origin comes from `unsubscribe_url`,
///   never from the request.
extension SubscriptionServer {
    /// Form and confirmation POSTs allowed per client per ``clientWindow``.
    public static let clientLimit = 10
    /// The client limit's window: 10 minutes.
    public static let clientWindow: Double = 600
    /// Form submissions (confirmation mails) allowed per address per ``addressWindow``.
    public static let addressLimit = 3
    /// The address limit's window: 1 hour.
    public static let addressWindow: Double = 3600

    /// Characters left as they are in a link's token (a confirmation token is digits, `-` and base32).
    static let tokenCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-"))

    var subscribePath: String { route.basePath + "subscribe" }
    var confirmPath: String { route.basePath + "confirm" }

    func addSubscribeRoutes(to router: Router<ServerRequestContext>) {
        router.get(RouterPath(subscribePath)) { _, _ in
            self.html(self.pages.subscribePage(.form, action: self.subscribePath))
        }
        router.post(RouterPath(subscribePath)) { request, context in
            try await self.subscribe(request, context: context)
        }
        router.get(RouterPath(confirmPath)) { request, _ in
            try self.showConfirmPage(request)
        }
        router.post(RouterPath(confirmPath)) { request, context in
            try await self.confirm(request, context: context)
        }
    }

    /// The confirmation link for `token`: absolute (for the mail, on the origin of `unsubscribe_url`) or
    /// relative (the page's form action).
    func confirmLink(token: String, absolute: Bool) -> String {
        let encoded = token.addingPercentEncoding(withAllowedCharacters: Self.tokenCharacters) ?? ""
        return (absolute ? route.origin : "") + confirmPath + "?t=" + encoded
    }

    // MARK: - The form

    private func subscribe(_ request: Request, context: ServerRequestContext) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxBodyBytes {
            return text("request body too large\n", status: .contentTooLarge)
        }
        let body = try await request.body.collect(upTo: Self.maxBodyBytes)
        guard clientLimiter.allow(clientKey(request, context: context)) else {
            return html(pages.subscribePage(.limited), status: .tooManyRequests)
        }
        let fields = Self.formFields(String(buffer: body))
        let typed = fields["email"] ?? ""
        guard typed.utf8.count <= 254, let cleaned = try? SubscriberAddress.clean(typed) else {
            return html(
                pages.subscribePage(
                    .form, action: subscribePath, error: "请填写有效的电子邮箱 · Please enter a valid email address"),
                status: .badRequest)
        }
        let email = cleaned.email
        guard addressLimiter.allow(SubscriberAddress.key(email)) else {
            return html(pages.subscribePage(.limited), status: .tooManyRequests)
        }
        let name = fields["name"].map { String($0.prefix(100)) }
        let outcome: SubscriberRequestOutcome
        do {
            outcome = try await changes.submit(.subscribe(email: email, name: name, today: today()))
        } catch {
            logger.error("cannot update the subscriber list", metadata: ["error": "\(error)"])
            return html(pages.subscribePage(.unavailable), status: .serviceUnavailable)
        }
        switch outcome {
        case .pending(let stored):
            guard let mailer else { return html(pages.subscribePage(.unavailable), status: .serviceUnavailable) }
            let link = confirmLink(token: tokens.confirmationToken(for: stored, now: Date()), absolute: true)
            do {
                _ = try await Self.offPool { try mailer.send(to: stored, link: link) }
                logger.notice("subscribe form: confirmation mailed")
            } catch {
                logger.error("cannot mail the confirmation", metadata: ["error": "\(error)"])
                return html(pages.subscribePage(.unavailable), status: .serviceUnavailable)
            }
        case .unchanged, .changed:
            logger.info("subscribe form for an active address: nothing mailed")
        case .unknown:
            return html(
                pages.subscribePage(
                    .form, action: subscribePath, error: "请填写有效的电子邮箱 · Please enter a valid email address"),
                status: .badRequest)
        }
        return html(pages.subscribePage(.sent, email: email))
    }

    // MARK: - The confirmation link

    private func confirmationToken(_ request: Request) -> String? {
        guard let token = request.uri.queryParameters.get("t"),
            SubscriberTokens.confirmationExpiry(of: token, now: Date()) != nil
        else { return nil }
        return token
    }

    /// `GET`: the page with the button when the token belongs to a pending row; changes nothing.
    private func showConfirmPage(_ request: Request) throws -> Response {
        let now = Date()
        guard let token = confirmationToken(request),
            let subscriber = try cache.current().list.subscribers.first(where: {
                $0.status == .pending && tokens.verifyConfirmation(token, for: $0.email, now: now)
            })
        else {
            return html(pages.subscribePage(.invalid), status: .notFound)
        }
        return html(
            pages.subscribePage(.confirm, email: subscriber.email, action: confirmLink(token: token, absolute: false)))
    }

    /// `POST`: activates the pending row (through the change queue: the list's lock and atomic write).
    private func confirm(_ request: Request, context: ServerRequestContext) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxBodyBytes {
            return text("request body too large\n", status: .contentTooLarge)
        }
        _ = try await request.body.collect(upTo: Self.maxBodyBytes)
        guard clientLimiter.allow(clientKey(request, context: context)) else {
            return html(pages.subscribePage(.limited), status: .tooManyRequests)
        }
        guard let token = confirmationToken(request) else {
            return html(pages.subscribePage(.invalid), status: .notFound)
        }
        let outcome: SubscriberRequestOutcome
        do {
            outcome = try await changes.submit(.confirm(token: token, now: Date()))
        } catch {
            logger.error("cannot update the subscriber list", metadata: ["error": "\(error)"])
            return html(pages.subscribePage(.unavailable), status: .serviceUnavailable)
        }
        guard case .changed(let email) = outcome else {
            return html(pages.subscribePage(.invalid), status: .notFound)
        }
        logger.notice("subscription confirmed")
        return html(pages.subscribePage(.confirmed, email: email))
    }

    // MARK: - Helpers

    /// The client for rate limiting: `X-Real-IP` from a web server on loopback, else the TCP peer.
    func clientKey(_ request: Request, context: ServerRequestContext) -> String {
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        if peer == "127.0.0.1" || peer == "::1", let name = HTTPField.Name("X-Real-IP"),
            let real = request.headers[name], !real.isEmpty, real.utf8.count <= 64
        {
            return real
        }
        return peer
    }

    /// `application/x-www-form-urlencoded` fields (the first value of each name; `+` is a space).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }

    /// Today's date in the newsletter's time zone (ISO 8601), for a new row's `added` column.
    func today() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// Runs blocking work (libcurl) on a thread of its own, off the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
