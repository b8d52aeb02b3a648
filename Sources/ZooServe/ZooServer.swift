import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Zoo
import ZooTensor

/// `zoo serve`: the loaded models over HTTP — the Open Inference Protocol, image routes,
/// metrics and the page — until SIGTERM or SIGINT, which stop new connections, let the
/// requests in flight finish and return.
public final class ZooServer: Sendable {
    private let state: ServerState

    /// A server for `models` (each loaded once; every connection shares them).
    public init(models: [Model], configuration: ServeConfiguration) {
        state = ServerState(models: models, configuration: configuration)
    }

    /// Serves until a signal or the task's cancellation (both shut down gracefully: no new
    /// connections, the requests in flight finish); `onRunning` gets the port it listens on
    /// (the one chosen for port 0).
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let configuration = state.configuration
        let router = Router(context: ServeContext.self)
        router.add(middleware: ErrorsAndMetricsMiddleware(metrics: state.metrics))
        InferenceRoutes(server: state).register(on: router)
        ImageRoutes(server: state).register(on: router)
        PageRoutes(server: state).register(on: router)

        var logger = Logger(label: "zoo-serve")
        logger.logLevel = environmentVariable("LOG_LEVEL").flatMap { Logger.Level(rawValue: $0) } ?? .warning
        let idle = TimeAmount.nanoseconds(Int64(configuration.bodyTimeout.components.seconds) * 1_000_000_000
                                          + configuration.bodyTimeout.components.attoseconds / 1_000_000_000)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: idle)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "zoo"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        defer { state.stop() }
        // Cancelling `run` (tests do) shuts down as SIGTERM does. Cancelling the server's own
        // tasks instead would cut connections mid-request and Hummingbird logs that as errors;
        // so the group runs in a task of its own, which the caller's cancellation does not reach.
        let running = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}
