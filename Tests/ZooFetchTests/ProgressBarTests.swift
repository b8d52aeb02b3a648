import Foundation
import Testing
import ZooFetch

@Suite struct ProgressBarTests {
    /// Collects what a bar writes.
    final class Sink: @unchecked Sendable {
        private let lock = NSLock()
        private var writes: [String] = []
        func write(_ text: String) { lock.withLock { writes.append(text) } }
        var all: [String] { lock.withLock { writes } }
    }

    @Test func rendersFractionAndSizes() {
        #expect(ProgressBar.render(label: "w.pth", done: 50_000, total: 100_000, width: 10)
            == "w.pth [#####.....]  50%  50.0 kB of 100.0 kB")
        #expect(ProgressBar.render(label: "w.pth", done: 18_826_032, total: 18_826_032, width: 4)
            == "w.pth [####] 100%  18.8 MB of 18.8 MB")
        #expect(ProgressBar.render(label: "w.pth", done: 999, total: nil) == "w.pth 999 B")
        #expect(ProgressBar.render(label: "w.pth", done: 200, total: 100, width: 2) == "w.pth [##] 100%  200 B of 100 B")
    }

    @Test func disabledBarWritesNothing() {
        let sink = Sink()
        let bar = ProgressBar(label: "w.pth", isEnabled: false, write: sink.write)
        bar.update(0, 10)
        bar.update(10, 10)
        bar.finish()
        #expect(sink.all.isEmpty)
    }

    @Test func redrawsAreThrottledButTheEndAlwaysShows() {
        let sink = Sink()
        let bar = ProgressBar(label: "w.pth", isEnabled: true, interval: 3600, write: sink.write)
        bar.update(0, 100)
        bar.update(10, 100)
        bar.update(50, 100)
        #expect(sink.all.count == 1, "one redraw per interval")
        bar.update(100, 100)
        #expect(sink.all.count == 2, "the last state is drawn at once")
        bar.finish()
        #expect(sink.all.last?.hasPrefix("\rw.pth [") == true)
        #expect(sink.all.last?.hasSuffix("100%  100 B of 100 B\u{1B}[K\n") == true)
    }

    @Test func finishWithoutProgressWritesNothing() {
        let sink = Sink()
        ProgressBar(label: "w.pth", isEnabled: true, write: sink.write).finish()
        #expect(sink.all.isEmpty)
    }
}
