import Foundation

extension WeightsFetcher {
    /// How many times one download resumes after dropped connections before giving up.
    static let maxResumes = 10

    /// Receives `url` into `partial`, resuming with `Range: bytes=N-` when the connection drops
    /// or stalls after bringing new bytes (a server that ignores the range sends the file again
    /// from its start). An attempt that brings nothing new ends the download with its error.
    static func receiveResuming(_ url: URL, into partial: PartialFile, idleTimeout: TimeInterval, reporter: FetchReporter,
                                cancellation: FetchCancellation, progress: @escaping Progress) throws {
        var resumes = 0
        while true {
            try cancellation.check()
            let before = partial.count
            let receiver = DownloadReceiver(url: url, expectedSize: partial.source.size, output: partial, progress: progress)
            do {
                try receiver.run(timeout: idleTimeout, cancellation: cancellation)
                return
            } catch let error as FetchError where error.problem.isInterruption && partial.count > before && resumes < maxResumes {
                resumes += 1
                reporter.line("\(partial.source.file): \(error.problem.interruptionText) after \(ByteCount.grouped(partial.count)) bytes; resuming (\(resumes) of at most \(maxResumes))")
            }
        }
    }
}

extension FetchError.Problem {
    /// A transfer cut off by the network (closed early, reset, timed out), which a Range
    /// request may continue; not an answer from the server such as a status or a wrong size.
    var isInterruption: Bool {
        switch self {
        case .connectionClosed, .network: true
        default: false
        }
    }

    var interruptionText: String {
        switch self {
        case .connectionClosed: "the connection closed"
        case .network(let detail): "the transfer failed (\(detail))"
        default: "the transfer stopped"
        }
    }
}
