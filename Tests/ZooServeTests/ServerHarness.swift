import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import Zoo
import ZooServe
import ZooTestSupport

/// A `ZooServer` on 127.0.0.1 at a free port for one test, stopped (cancelled) when the test's
/// body ends, and an HTTP client for it.
final class ServerHarness: Sendable {
    let port: Int
    let session: URLSession
    private let task: Task<Void, any Error>

    /// Runs `body` against a server for `models` with `configure` applied to the settings.
    static func with<T>(models: [String] = ["tiny-cnn"], _ configure: (inout ServeConfiguration) -> Void = { _ in },
                        _ body: (ServerHarness) async throws -> T) async throws -> T {
        var settings = ServeConfiguration()
        settings.port = 0
        settings.examplesFolder = SampleImages.folder
        configure(&settings)
        let loaded = try models.map { try Zoo.load($0) }
        let harness = try await ServerHarness(server: ZooServer(models: loaded, configuration: settings))
        defer { harness.stop() }
        return try await body(harness)
    }

    private init(server: ZooServer) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        task = Task { try await server.run { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError("the server did not start") }
        self.port = port
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 32
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    func stop() {
        task.cancel()
        session.invalidateAndCancel()
    }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    /// Sends one request; the status, body and headers that came back.
    func request(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> Answer {
        var request = URLRequest(url: url(path))
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        return Answer(status: http.statusCode, body: data, headers: http.allHeaderFields as? [String: String] ?? [:])
    }

    func get(_ path: String) async throws -> Answer { try await request("GET", path) }

    func post(_ path: String, _ body: Data, headers: [String: String] = [:]) async throws -> Answer {
        try await request("POST", path, body: body, headers: headers)
    }

    /// The bytes of one of the repository's sample photos.
    static func sample(_ name: String) throws -> Data { try Data(contentsOf: SampleImages.url(name)) }
}

/// One HTTP answer.
struct Answer: Sendable {
    var status: Int
    var body: Data
    var headers: [String: String]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else { throw HarnessError("not a JSON object: \(text)") }
        return object
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: body) }

    /// The `error` of an error answer.
    var error: String? { (try? json())?["error"] as? String }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A multipart/form-data body with one file field.
func multipartBody(field: String, filename: String, data: Data, boundary: String = "zoo-test-boundary-7d1f") -> (Data, String) {
    var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n".utf8)
    body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
    body += data
    body += Data("\r\n--\(boundary)--\r\n".utf8)
    return (body, "multipart/form-data; boundary=\(boundary)")
}
