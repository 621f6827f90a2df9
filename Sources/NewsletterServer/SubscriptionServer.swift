public import Foundation
import HTTPTypes
import Hummingbird
public import Logging
public import NewsletterKit

/// `newsletter serve`: the HTTP endpoints behind a newsletter's unsubscribe links (RFC 8058
/// one-click POSTs and the page a reader sees) and its subscribe form with double opt-in, on
/// Hummingbird 2.
///
/// Meant to listen on 127.0.0.1 behind the organisation's web server, which terminates TLS and
/// passes the unsubscribe path through unchanged. Routes follow `unsubscribe_url` (see
/// ``UnsubscribeRoute``):
/// - `GET` of the link shows a page with one button and never changes anything (mail scanners
///   fetch links);
/// - `POST` to the link (RFC 8058 §3.1 body `List-Unsubscribe=One-Click`, or the page's button,
///   or an empty body) unsubscribes at once and answers 200, never a redirect;
/// - an unknown or forged token gets 404 and changes nothing; bodies over ``maxBodyBytes`` get 413;
/// - the subscribe form and its confirmation link, when an `smtp:` section is configured (see
///   ``SubscriptionServer`` `+Subscribe`).
///
/// Every change goes through ``SubscriberRequests`` (the list's lock and atomic write), batched on
/// one thread, so a running `send`, the CLI and many simultaneous clicks lose nothing.
public struct SubscriptionServer: Sendable {
    /// Request bodies larger than this many bytes are refused (413).
    public static let maxBodyBytes = 4096

    public let config: NewsletterConfig
    let route: UnsubscribeRoute
    let pages: ServerPages
    let tokens: SubscriberTokens
    let cache: SubscriberListCache
    let changes: ChangeQueue
    let logger: Logger
    /// Mails confirmation links; `nil` (no subscribe form) without an `smtp:` section.
    let mailer: ConfirmationMailer?
    let clientLimiter = RateLimiter(limit: clientLimit, window: clientWindow)
    let addressLimiter = RateLimiter(limit: addressLimit, window: addressWindow)

    /// Prepares the server for `config`.
    ///
    /// - Parameters:
    ///   - config: the loaded configuration: `unsubscribe_url`, the templates folder, the subscribers file, the
    ///     token secret and the optional `smtp:` section used for confirmation mails.
    ///   - logger: where the server logs requests, template fallbacks and list changes.
    ///   - environment: where the SMTP password (`smtp.password_env`) and the token secret are
    ///     looked up.
    /// - Throws: ``ServerError`` when `unsubscribe_url` is missing or has no token place, a template does
    ///   not parse, the token secret cannot be read, or the SMTP password variable is not set.
    public init(
        config: NewsletterConfig, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        guard let template = config.unsubscribeURL else {
            throw ServerError(
                "\(config.file.path): unsubscribe_url is not set; serve answers the links it describes (e.g. https://news.example.com/u?l=weekly&t={{token}})"
            )
        }
        do {
            route = try UnsubscribeRoute(unsubscribeURL: template)
        } catch let error as ServerError {
            throw ServerError("\(config.file.path): \(error)")
        }
        self.config = config
        self.logger = logger
        pages = try ServerPages(directory: config.templatesDirectory, title: config.title, logger: logger)
        do {
            tokens = try SubscriberTokens(config: config, environment: environment)
        } catch {
            throw ServerError("\(error)")
        }
        cache = SubscriberListCache(file: config.subscribersFile, tokens: tokens)
        changes = ChangeQueue(cache: cache)
        if let smtp = config.smtp {
            let transport: CurlSMTPTransport
            do {
                transport = try CurlSMTPTransport(
                    settings: smtp,
                    heloDomain: config.from.email.split(separator: "@").last.map(String.init) ?? "localhost",
                    configFile: config.file, environment: environment)
            } catch {
                throw ServerError("\(error)")
            }
            mailer = ConfirmationMailer(config: config, transport: transport, pages: pages)
        } else {
            mailer = nil
        }
    }

    /// The path the unsubscribe route answers, for example `/u` or `/unsubscribe/:token`.
    public var unsubscribePath: String { route.routePath }

    /// The path of the subscribe form (for example `/subscribe`), or `nil` when there is none (no `smtp:` section
    /// to mail confirmation links with).
    public var subscribeFormPath: String? { mailer == nil ? nil : subscribePath }

    /// Listens on `host:port` until SIGINT or SIGTERM (graceful shutdown: requests in flight finish).
    ///
    /// - Parameters:
    ///   - host: the host name or IP address to bind, for example `127.0.0.1`.
    ///   - port: the TCP port; 0 lets the kernel choose one (reported to `onReady`).
    ///   - onReady: called once the socket listens, with the bound port.
    /// - Throws: when the address cannot be bound.
    public func run(host: String, port: Int, onReady: @escaping @Sendable (Int) async -> Void) async throws {
        let application = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) },
            logger: logger
        )
        try await application.runService()
    }

    func makeRouter() -> Router<ServerRequestContext> {
        // HEAD answers as GET without the page (RFC 9110 §9.3.2): link checkers and mail scanners probe links with
        // HEAD, and a 404 made them report the unsubscribe link dead.
        let router = Router(context: ServerRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.middlewares.add(SecurityHeadersMiddleware())
        router.get(RouterPath(route.routePath)) { request, context in
            try self.showUnsubscribePage(request, context: context)
        }
        router.post(RouterPath(route.routePath)) { request, context in
            try await self.unsubscribe(request, context: context)
        }
        if mailer != nil { addSubscribeRoutes(to: router) }
        return router
    }

    // MARK: - Unsubscribe

    private func token(_ request: Request, context: ServerRequestContext) -> String? {
        let token: String?
        switch route.tokenPlace {
        case .query(let name): token = request.uri.queryParameters.get(name)
        case .pathSegment: token = context.parameters.get("token")
        }
        guard let token, !token.isEmpty, token.utf8.count <= 256 else { return nil }
        return token
    }

    /// `GET`: the page with the button; changes nothing.
    private func showUnsubscribePage(_ request: Request, context: ServerRequestContext) throws -> Response {
        if let unavailable = listMissing() { return unavailable }
        guard let token = token(request, context: context),
            let subscriber = try cache.current().index.subscriber(withToken: token)
        else {
            return html(pages.unsubscribePage(.invalid), status: .notFound)
        }
        if subscriber.status == .unsubscribed {
            return html(pages.unsubscribePage(.done, email: subscriber.email))
        }
        return html(
            pages.unsubscribePage(.ask, email: subscriber.email, action: route.relativeLink(token: token)))
    }

    /// `POST`: RFC 8058 one-click (or the page's button): unsubscribes at once, answers 200.
    private func unsubscribe(_ request: Request, context: ServerRequestContext) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxBodyBytes {
            return text("request body too large\n", status: .contentTooLarge)
        }
        _ = try await request.body.collect(upTo: Self.maxBodyBytes)
        if let unavailable = listMissing() { return unavailable }
        // Forged or unknown tokens are refused here, from the cached index, without touching the file.
        // A token known to the last read goes straight to the queue (which checks it again under the
        // lock), so genuine clicks do not wait for the list to be re-read after every batch.
        guard let token = token(request, context: context),
            try cache.lastSnapshot?.index.index(of: token) != nil || cache.current().index.index(of: token) != nil
        else {
            return text("unknown or invalid unsubscribe link; nothing was changed\n", status: .notFound)
        }
        let outcome: SubscriberRequestOutcome
        do {
            outcome = try await changes.submit(.unsubscribe(token: token))
        } catch {
            logger.error("cannot update the subscriber list", metadata: ["error": "\(error)"])
            return text("the list cannot be updated right now; please try again later\n", status: .serviceUnavailable)
        }
        switch outcome {
        case .changed(let email), .unchanged(let email), .pending(let email):
            if case .changed = outcome { logger.notice("unsubscribed by link or one-click POST") }
            return html(pages.unsubscribePage(.done, email: email))
        case .unknown:
            return text("unknown or invalid unsubscribe link; nothing was changed\n", status: .notFound)
        }
    }

    /// A 503, and an error in the log naming the file, while the subscriber list file does not exist.
    ///
    /// The file may be moved away for editing, or a copy failed. A missing list reads as empty, so every token would look unknown and a real
    /// unsubscribe be told "invalid link" and lost (a new-user trial). A 503 asks the reader, or the mail
    /// provider that sent the one-click POST, to try again.
    func listMissing() -> Response? {
        guard !FileManager.default.fileExists(atPath: cache.file.path) else { return nil }
        logger.error(
            "no such subscriber list: unsubscribe and subscribe requests are answered 503 until it is back",
            metadata: ["file": "\(cache.file.path)"])
        return text("the list cannot be updated right now; please try again later\n", status: .serviceUnavailable)
    }

    // MARK: - Responses

    func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    func text(_ message: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }
}

/// Headers on every answer: nothing cached (pages carry tokens), no referrer leaks the token, no
/// framing, no scripts, forms post only to this origin.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    static let headers = [
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        (
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
        ),
    ]

    @concurrent func handle(
        _ request: Request, context: ServerRequestContext,
        next: @concurrent (Request, ServerRequestContext) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = Response(
                status: error.status, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: "\(error.status.code) \(error.status.reasonPhrase)\n"))
            )
        }
        for (name, value) in Self.headers {
            if let name = HTTPField.Name(name) { response.headers[name] = value }
        }
        return response
    }
}
