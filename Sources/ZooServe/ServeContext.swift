import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the connection, so a client that
/// sends its body too slowly can be disconnected (`RequestBodyReader`).
struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
