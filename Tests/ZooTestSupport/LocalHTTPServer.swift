import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 (ephemeral port) serving a fixed table of routes,
/// for download tests without the internet. One connection at a time, `Connection: close` on
/// every answer, 5 s socket timeouts, and it stops when `stop()` runs or the scope of
/// `LocalHTTPServer.with` ends.
public final class LocalHTTPServer: @unchecked Sendable {
    public enum Route: Sendable {
        /// 200 with this body and its true Content-Length (or none: the body ends at close).
        case ok(Data, declaresLength: Bool = true)
        /// This status with a short text body.
        case status(Int)
        /// 200 declaring `declared` bytes, then the connection closes after `body`.
        case truncated(declared: Int, body: Data)
        /// 200 declaring `body.count` bytes; sends `sendFirst` of them, then waits (up to 50 s)
        /// for the client to go away.
        case stall(body: Data, sendFirst: Int)
        /// Honours `Range: bytes=N-` (206 + Content-Range); the first request whose bytes would
        /// pass file offset `cutAt` gets them only up to it and then the connection closes.
        case resumable(Data, cutAt: Int)
        /// 200 declaring `body.count` bytes; sends `sendFirst` of them, then the rest once `gate`
        /// opens (or after 30 s), so a test decides when the download ends instead of a timer.
        case gated(Data, sendFirst: Int, gate: Gate)
    }

    /// A one-shot signal from the test to the server thread.
    public final class Gate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        public init() {}
        public func open() { semaphore.signal() }
        fileprivate func wait(seconds: Int) { _ = semaphore.wait(timeout: .now() + .seconds(seconds)) }
    }

    public let port: UInt16
    private let listener: Int32
    private let routes: [String: Route]
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var ranges: [String: [Int?]] = [:]
    private var cutsUsed: Set<String> = []
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    /// Runs `body` with a started server and stops it afterwards, however `body` ends.
    public static func with<T>(_ routes: [String: Route], _ body: (LocalHTTPServer) async throws -> T) async throws -> T {
        let server = try LocalHTTPServer(routes: routes)
        defer { server.stop() }
        return try await body(server)
    }

    public init(routes: [String: Route]) throws {
        self.routes = routes
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ready else {
            close(fd)
            throw ServerError("bind/listen: \(errno)")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// `http://127.0.0.1:PORT/path`.
    public func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)") ?? URL(fileURLWithPath: "/")
    }

    /// How many requests arrived for `path`.
    public func requests(_ path: String) -> Int { lock.withLock { counts[path, default: 0] } }

    /// The start of each request's `Range: bytes=N-` for `path`, in order (nil: no Range).
    public func rangeStarts(_ path: String) -> [Int?] { lock.withLock { ranges[path, default: []] } }

    /// Stops accepting and waits for the accept loop to end (at most 6 s).
    public func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        _ = finished.wait(timeout: .now() + 6)
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        defer { finished.signal() }
        while !isStopped {
            // Poll so that stop() is noticed within 50 ms without closing a socket under accept().
            var entry = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            serve(client)
            close(client)
        }
    }

    private func serve(_ client: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let (path, rangeStart) = readRequest(client) else { return }
        lock.withLock {
            counts[path, default: 0] += 1
            ranges[path, default: []].append(rangeStart)
        }
        switch routes[path] ?? .status(404) {
        case let .ok(body, declaresLength):
            sendAll(client, head(200, length: declaresLength ? body.count : nil) + body)
        case .status(let code):
            let body = Data("status \(code)\n".utf8)
            sendAll(client, head(code, length: body.count) + body)
        case let .truncated(declared, body):
            sendAll(client, head(200, length: declared) + body)
        case let .stall(body, sendFirst):
            sendAll(client, head(200, length: body.count) + body.prefix(sendFirst))
            // Wait until the client hangs up (recv returns 0 or fails) or 50 s pass: long enough
            // that a test on a loaded machine cancels before the server gives up.
            var stallTimeout = timeval(tv_sec: 50, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &stallTimeout, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            _ = recv(client, &byte, 1, 0)
        case let .resumable(body, cutAt):
            let start = min(rangeStart ?? 0, body.count)
            let cut = lock.withLock { cutsUsed.insert(path).inserted } && start < cutAt ? cutAt : body.count
            let part = body.subdata(in: start..<body.count)
            var head = "HTTP/1.1 \(start > 0 ? "206 Partial Content" : "200 OK")\r\nContent-Type: application/octet-stream\r\n"
            head += "Connection: close\r\nAccept-Ranges: bytes\r\nContent-Length: \(part.count)\r\n"
            if start > 0 { head += "Content-Range: bytes \(start)-\(body.count - 1)/\(body.count)\r\n" }
            sendAll(client, Data((head + "\r\n").utf8) + body.subdata(in: start..<max(start, min(cut, body.count))))
        case let .gated(body, sendFirst, gate):
            sendAll(client, head(200, length: body.count) + body.prefix(sendFirst))
            gate.wait(seconds: 30)
            sendAll(client, body.dropFirst(sendFirst))
        }
        shutdown(client, Int32(SHUT_WR))
    }

    /// Reads up to the end of the request head and returns the path of `GET /path HTTP/1.1`
    /// and the N of a `Range: bytes=N-` header.
    private func readRequest(_ client: Int32) -> (path: String, rangeStart: Int?)? {
        var request = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.range(of: Data("\r\n\r\n".utf8)) == nil, request.count < 65_536 {
            let n = recv(client, &buffer, buffer.count, 0)
            guard n > 0 else { return nil }
            request.append(contentsOf: buffer[0..<n])
        }
        let lines = String(decoding: request, as: UTF8.self).split(separator: "\r\n")
        let parts = (lines.first ?? "").split(separator: " ")
        guard parts.count >= 2 else { return nil }
        let range = lines.dropFirst().first { $0.lowercased().hasPrefix("range: bytes=") }
        let start = range.flatMap { Int($0.dropFirst("range: bytes=".count).prefix { $0.isNumber }) }
        return (String(parts[1]), start)
    }

    private func head(_ status: Int, length: Int?) -> Data {
        let reason = [200: "OK", 404: "Not Found", 500: "Internal Server Error"][status] ?? "Status"
        var text = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n"
        if let length { text += "Content-Length: \(length)\r\n" }
        return Data((text + "\r\n").utf8)
    }

    /// Sends everything, giving up quietly if the client went away (MSG_NOSIGNAL: no SIGPIPE).
    private func sendAll(_ client: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = send(client, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                guard n > 0 else { return }
                offset += n
            }
        }
    }

    public struct ServerError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
