import Hummingbird
import NIOCore

/// The request context of `newsletter serve`: Hummingbird's basics plus the peer's address (for
/// rate limiting) and a small upload limit.
struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The TCP peer (the web server in front, in production).
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies larger than this are refused with 413 when decoded.
    var maxUploadSize: Int { SubscriptionServer.maxBodyBytes }
}
