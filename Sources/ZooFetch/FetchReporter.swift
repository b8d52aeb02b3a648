import Foundation

/// Where a fetch tells the user what it does, on stderr by default: a progress bar per
/// download when stderr is a terminal, otherwise one line per step (fetching, resuming,
/// verified), so logs never see carriage returns. Notices (the first-use pin, waiting for
/// another process) are one line either way.
public final class FetchReporter: @unchecked Sendable {
    private let drawsBars: Bool
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var bar: ProgressBar?

    /// `write` receives whole lines (ending in a newline) and, when `drawsBars`, bar frames.
    public init(drawsBars: Bool, write: @escaping @Sendable (String) -> Void) {
        self.drawsBars = drawsBars
        self.write = write
    }

    /// Bars on a terminal, lines otherwise, on stderr.
    public static var standardError: FetchReporter {
        FetchReporter(drawsBars: ProgressBar.stderrIsTerminal) { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Says nothing.
    public static let silent = FetchReporter(drawsBars: false) { _ in }

    /// One line, after ending any bar being drawn.
    public func line(_ text: String) {
        let current = lock.withLock {
            defer { bar = nil }
            return bar
        }
        current?.finish()
        write("zoo: " + text + "\n")
    }

    /// A download of `file` from `url` starts (or resumes at `offset` bytes).
    func downloadStarted(_ file: String, from url: URL) {
        if drawsBars {
            let started = ProgressBar(label: file, isEnabled: true, write: write)
            lock.withLock { bar = started }
        } else {
            line("fetching \(file) from \(url.absoluteString)")
        }
    }

    /// Bytes done and the total, when known.
    func progress(_ done: Int64, _ total: Int64?) {
        lock.withLock { bar }?.update(done, total)
    }

    /// The download ended (well or not): the bar's last frame stays on its line.
    func downloadEnded() {
        let current = lock.withLock {
            defer { bar = nil }
            return bar
        }
        current?.finish()
    }
}
