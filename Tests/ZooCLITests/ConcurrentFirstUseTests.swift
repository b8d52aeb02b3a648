import Foundation
import Testing
import ZooTestSupport

/// Two `zoo predict` processes started cold on the same model: one downloads while the other
/// waits on the cache lock, and both print the same top-5 from one download.
@Suite struct ConcurrentFirstUseTests {
    @Test(.timeLimit(.minutes(2))) func twoColdProcessesShareOneDownload() throws {
        let home = try FirstUseHome()
        defer { home.remove() }
        let (file, path) = try home.addTorchModel()
        // The server sends the first KB, then holds the rest until the second process waits.
        let gate = LocalHTTPServer.Gate()
        let server = try LocalHTTPServer(routes: [path: .gated(try Data(contentsOf: FirstUseHome.torchWeights), sendFirst: 1024, gate: gate)])
        defer { server.stop() }
        let arguments = ["predict", "--model", "team-resnet18", FirstUseHome.photo]

        let first = try BackgroundCLI(arguments, environment: home.environment(server))
        let downloading = BackgroundCLI.wait(seconds: 60) { server.requests(path) == 1 }
        let second = try BackgroundCLI(arguments, environment: home.environment(server))
        let waited = BackgroundCLI.wait(seconds: 60) { second.stderr.contains("waiting for another fetch of \(file)") }
        gate.open()
        let (a, b) = (first.finish(), second.finish())

        #expect(downloading, "the first process never asked for the file")
        #expect(waited, "the second process did not wait for the first: \(second.stderr)")
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\n\(b.stderr)")
        #expect(server.requests(path) == 1, "one download")
        #expect(predictionLines(a.stdout).count == 5 && a.stdout == b.stdout, "\(a.stdout)\n\(b.stdout)")
        #expect(cachedNames(home.weights) == [file], "one good copy, no partial file left")
    }
}
