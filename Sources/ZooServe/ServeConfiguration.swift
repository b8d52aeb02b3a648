import Foundation

/// How `zoo serve` listens, batches and limits what it accepts.
public struct ServeConfiguration: Sendable {
    /// The address to bind: 127.0.0.1 by default, 0.0.0.0 to accept other hosts.
    public var host = "127.0.0.1"
    /// The TCP port; 0 picks a free one (tests read it from `ZooServer.onRunning`).
    public var port = 8080
    /// The most images (batch rows) run together in one model call.
    public var maxBatch = 8
    /// How long a batch waits for more requests when others are still arriving (only when it
    /// finds a model worker idle; under load each batch takes what queued while the workers ran).
    public var batchDelay: Duration = .milliseconds(2)
    /// Model calls that may run at once per model, each on the threads its model was loaded
    /// with. `zoo serve` runs one per thread, each call on one thread.
    public var modelWorkers = 1
    /// The largest request body accepted; larger ones get 413.
    public var maxBodyBytes = 32 << 20
    /// Requests admitted at once (decoding, queued or running); the next gets 503 + Retry-After.
    public var queueCapacity = 256
    /// How long a client may take to send its request body, and to stay silent on a connection.
    public var bodyTimeout: Duration = .seconds(10)
    /// Where the sample photos for `GET /?example=NAME` are (nil: none shipped beside this binary).
    public var examplesFolder: URL?

    /// The defaults of `zoo serve`.
    public init() {}
}
