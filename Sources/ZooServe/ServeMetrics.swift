import Foundation
import Prometheus
import Synchronization

/// What `GET /metrics` reports, in Prometheus text: requests by route and status, request latency
/// and queue time, batch sizes, images per second and the models loaded.
public final class ServeMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    /// Images finished in the last `window`, for the images-per-second gauge.
    private let recent = Mutex<[(at: ContinuousClock.Instant, images: Int)]>([])
    private let window: Duration = .seconds(10)
    private let imagesPerSecond: Gauge

    private static let latencyBuckets: [Duration] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].map { .milliseconds($0) }

    init(models: [String]) {
        imagesPerSecond = registry.makeGauge(descriptor: Self.name("images_per_second", unit: "", "Images run per second over the last 10 s."))
        registry.makeGauge(descriptor: Self.name("models_loaded", unit: "", "Models loaded and ready.")).set(Double(models.count))
        for model in models {
            registry.makeGauge(descriptor: Self.name("model_ready", unit: "", "1 for each loaded model."), labels: [("model", model)]).set(1.0)
        }
    }

    private static func name(_ metric: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "zoo", metricName: metric, unitName: unit, helpText: help)
    }

    /// Counts one answered request and its time from arrival to answer.
    func recordRequest(route: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.name("requests", unit: "total", "Requests answered, by route and status."),
                             labels: [("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.name("request_duration", unit: "seconds", "Time from request to answer."),
                                       labels: [("route", route)], buckets: Self.latencyBuckets).record(duration)
    }

    /// Records one model call: its batch size and how long each of its requests waited for it.
    func recordBatch(model: String, images: Int, waits: [Duration]) {
        registry.makeValueHistogram(descriptor: Self.name("batch_size", unit: "", "Images per model call."),
                                    labels: [("model", model)], buckets: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64]).record(Double(images))
        let queue = registry.makeDurationHistogram(descriptor: Self.name("queue_wait", unit: "seconds", "Time a request waited for its batch to start."),
                                                   labels: [("model", model)], buckets: Self.latencyBuckets)
        for wait in waits { queue.record(wait) }
        registry.makeCounter(descriptor: Self.name("images", unit: "total", "Images (batch rows) run."),
                             labels: [("model", model)]).increment(by: Int64(images))
        let now = ContinuousClock.now
        recent.withLock { $0.append((now, images)) }
    }

    /// The Prometheus text exposition of every metric.
    func text() -> String {
        let now = ContinuousClock.now
        let images = recent.withLock { entries in
            entries.removeAll { now - $0.at > window }
            return entries.reduce(0) { $0 + $1.images }
        }
        imagesPerSecond.set(Double(images) / 10)
        return registry.emitToString()
    }
}
