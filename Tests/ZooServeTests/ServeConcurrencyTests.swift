import Foundation
import Testing
import Zoo
import ZooServe

/// 16 clients x 50 requests with mixed images against one server running two model calls at
/// once: no error, every answer equal bit for bit to what the image gets alone, and batches
/// larger than 1 in /metrics.
@Suite(.serialized)
struct ServeConcurrencyTests {
    static let images = ["cat.jpg", "coffee.jpg", "rocket.jpg", "astronaut.jpg"]

    @Test func sixteenClientsFiftyRequestsEachEqualSingleAnswers() async throws {
        try await ServerHarness.with({ $0.batchDelay = .milliseconds(5); $0.modelWorkers = 2 }) { server in
            // Alone: one request at a time, so each runs in a batch of one.
            var alone: [String: ImageReport] = [:]
            for name in Self.images {
                let answer = try await server.post("/v1/models/tiny-cnn/classify?file=\(name)", try ServerHarness.sample(name))
                #expect(answer.status == 200)
                alone[name] = try answer.decode(ImageReport.self)
            }
            let bodies = try Dictionary(uniqueKeysWithValues: Self.images.map { ($0, try ServerHarness.sample($0)) })
            let expected = alone
            let mismatches = try await withThrowingTaskGroup(of: [String].self) { group in
                for client in 0..<16 {
                    group.addTask {
                        var problems: [String] = []
                        for i in 0..<50 {
                            let name = Self.images[(client + i) % Self.images.count]
                            let answer = try await server.post("/v1/models/tiny-cnn/classify?file=\(name)", bodies[name]!)
                            if answer.status != 200 || !Self.same((try? answer.decode(ImageReport.self)), expected[name]!) {
                                problems.append("client \(client) request \(i) \(name): \(answer.status) \(answer.text.prefix(200))")
                            }
                        }
                        return problems
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let count = mismatches.count
            #expect(count == 0, "\(mismatches.first ?? "")")

            let metrics = try await server.get("/metrics").text
            let batches = Self.value(of: "zoo_batch_size_count", in: metrics)
            let single = Self.value(of: "zoo_batch_size_bucket", le: "1.0", in: metrics)
            let images = Self.value(of: "zoo_images_total", in: metrics)
            #expect(images == 16 * 50 + 4)
            #expect(batches < images, "batches larger than 1: \(batches) calls for \(images) images")
            #expect(single < batches, "some batch held more than one image")
        }
    }

    /// Same file, classes and ranks, and the same score bits.
    static func same(_ a: ImageReport?, _ b: ImageReport) -> Bool {
        guard let a, a.file == b.file, let p = a.predictions, let q = b.predictions, p.count == q.count else { return false }
        return zip(p, q).allSatisfy { $0.index == $1.index && $0.rank == $1.rank && $0.score.bitPattern == $1.score.bitPattern }
    }

    /// The value of the first sample of `metric` (with `le` when given) in Prometheus text.
    static func value(of metric: String, le: String? = nil, in text: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(metric) {
            if let le, !line.contains("le=\"\(le)\"") { continue }
            if let number = line.split(separator: " ").last.flatMap({ Double($0) }) { return number }
        }
        return -1
    }
}
