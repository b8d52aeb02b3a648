import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar for downloads, drawn on stderr only when stderr is a terminal, so
/// logs and pipes never see carriage returns. Redraws at most every `interval` seconds (the
/// first and last state always show). Pass `update` as a `WeightsFetcher.Progress`:
/// ```swift
/// let bar = ProgressBar(label: source.file)
/// let file = try await WeightsFetcher.fetch(source, into: .default, progress: bar.update)
/// bar.finish()
/// ```
public final class ProgressBar: @unchecked Sendable {
    /// Whether stderr is a terminal.
    public static var stderrIsTerminal: Bool { isatty(2) != 0 }

    /// ANSI "erase to end of line": a shorter redraw leaves no tail of the longer one.
    private static let clearToEndOfLine = "\u{1B}[K"

    /// What the bar is about (a file name), printed before it.
    public let label: String
    /// Whether the bar draws at all (stderr is a terminal).
    public let isEnabled: Bool
    private let interval: TimeInterval
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var lastDraw: Date?
    private var last: (done: Int64, total: Int64?) = (0, nil)
    private var drawn = false

    /// A bar named `label`. By default it draws on stderr, and only when stderr is a terminal;
    /// `write` receives each redraw instead (for tests and other sinks).
    public init(label: String, isEnabled: Bool = ProgressBar.stderrIsTerminal, interval: TimeInterval = 0.1,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.isEnabled = isEnabled
        self.interval = interval
        self.write = write
    }

    /// Records progress and redraws if the last redraw is old enough.
    public func update(_ done: Int64, _ total: Int64?) {
        guard isEnabled else { return }
        let now = Date()
        let line: String? = lock.withLock {
            last = (done, total)
            if let lastDraw, now.timeIntervalSince(lastDraw) < interval, done != total { return nil }
            lastDraw = now
            drawn = true
            return "\r" + Self.render(label: label, done: done, total: total) + Self.clearToEndOfLine
        }
        if let line { write(line) }
    }

    /// Draws the final state and ends the line (nothing if nothing was drawn).
    public func finish() {
        guard isEnabled else { return }
        let line: String? = lock.withLock {
            guard drawn else { return nil }
            drawn = false
            return "\r" + Self.render(label: label, done: last.done, total: last.total) + Self.clearToEndOfLine + "\n"
        }
        if let line { write(line) }
    }

    /// One frame: `label [#########...........]  45%  8.5 MB of 18.8 MB`, or the bytes so far
    /// when the total is unknown.
    public static func render(label: String, done: Int64, total: Int64?, width: Int = 30) -> String {
        guard let total, total > 0 else { return "\(label) \(ByteCount.short(done))" }
        let fraction = min(max(Double(done) / Double(total), 0), 1)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = String(Int((fraction * 100).rounded(.down)))
        let padded = String(repeating: " ", count: 3 - percent.count) + percent
        return "\(label) [\(bar)] \(padded)%  \(ByteCount.short(done)) of \(ByteCount.short(total))"
    }
}
