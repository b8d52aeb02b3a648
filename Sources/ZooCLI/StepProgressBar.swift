import Foundation
import ZooFetch

/// A one-line bar counting steps (images, batches), drawn on stderr only when stderr is a
/// terminal, like `ProgressBar` (whose frames count bytes):
/// `embedding [##########..........]  50%  100/200`, or `embedding  100 done` when the total
/// is not known ahead (a list read from a pipe).
final class StepProgressBar {
    let label: String
    let isEnabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(label: String, isEnabled: Bool = ProgressBar.stderrIsTerminal) {
        self.label = label
        self.isEnabled = isEnabled
    }

    /// Redraws at most ten times a second; the last step always shows.
    func update(_ done: Int, of total: Int?) {
        guard isEnabled, done == total || Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = Date()
        drawn = true
        FileHandle.standardError.write(Data(("\r" + Self.render(label: label, done: done, total: total) + "\u{1B}[K").utf8))
    }

    /// Wipes the bar, so a result printed to the same terminal starts on a clean line; the
    /// next `update` draws it again.
    func clear() {
        guard isEnabled, drawn else { return }
        drawn = false
        lastDraw = .distantPast
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// Ends the line, if anything was drawn.
    func finish() {
        guard isEnabled, drawn else { return }
        drawn = false
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func render(label: String, done: Int, total: Int?, width: Int = 30) -> String {
        guard let total else { return "\(label)  \(done) done" }
        let fraction = total > 0 ? min(max(Double(done) / Double(total), 0), 1) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let percent = String(Int((fraction * 100).rounded(.down)))
        return "\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
            + String(repeating: " ", count: 3 - percent.count) + percent + "%  \(done)/\(total)"
    }
}
