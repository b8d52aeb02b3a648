import Foundation
import Testing
import ZooFetch
import ZooTestSupport

/// `zoo predict --model NAME photo` on an empty cache, end to end through the built `zoo`:
/// fetched from the `ZOO_MIRROR` loopback server, verified as the publisher allows, converted
/// once to `.zoo`, then classified; the second run reads the `.zoo` and touches no socket
/// (the server is stopped by then). The models are a team's own manifests in `ZOO_HOME`, so
/// `list`, `info`, `fetch` and `predict` must all know them.
@Suite struct FirstUseTests {
    /// A Keras-layout weights file under its keras-applications name, checked by md5.
    @Test func kerasWeightsFetchedVerifiedConvertedAndCached() throws {
        let home = try FirstUseHome()
        defer { home.remove() }
        try home.addKerasModel()
        let server = try LocalHTTPServer(routes: [FirstUseHome.kerasPath: .ok(try Data(contentsOf: FirstUseHome.kerasWeights))])
        defer { server.stop() }
        let env = home.environment(server)

        let first = try ZooExecutable.run(["predict", "--model", "team-mobilenet", FirstUseHome.photo], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(predictionLines(first.stdout).count == 5, "\(first.stdout)")
        #expect(server.requests(FirstUseHome.kerasPath) == 1)
        let steps = stderrLines(first)
        #expect(steps.count == 3, "one line per step: \(first.stderr)")
        #expect(steps.first == "zoo: fetching \(FirstUseHome.kerasFile) from \(server.url(FirstUseHome.kerasPath).absoluteString)")
        #expect(steps.contains("zoo: \(FirstUseHome.kerasFile): verified (md5 \(try MD5.hex(ofFile: FirstUseHome.kerasWeights).prefix(12))…)"))
        #expect(steps.last?.hasPrefix("zoo: converted to \(home.converted("team-mobilenet").path) (") == true, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.weights.appendingPathComponent(FirstUseHome.kerasFile).path))

        // The same answer straight from the fixture file, never fetched nor converted.
        let direct = try ZooExecutable.run(["predict", "--model", FirstUseHome.kerasWeights.path, "--arch", "team-mobilenet",
                                        FirstUseHome.photo], environment: home.environment(nil))
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(predictionLines(direct.stdout) == predictionLines(first.stdout))

        server.stop()
        let second = try ZooExecutable.run(["predict", "--model", "team-mobilenet", FirstUseHome.photo], environment: env)
        #expect(second.status == 0 && second.stderr.isEmpty, "the cached .zoo, no network: \(second.stderr)")
        #expect(second.stdout == first.stdout)

        // The cached file is recognised by its name and layers: the team model's preprocessing
        // and labels without --arch, and one line saying so.
        let cached = home.weights.appendingPathComponent(FirstUseHome.kerasFile).path
        let recognised = try ZooExecutable.run(["predict", "--model", cached, FirstUseHome.photo], environment: env)
        #expect(recognised.status == 0, "\(recognised.stderr)")
        #expect(stderrLines(recognised) == ["zoo: \(FirstUseHome.kerasFile) is team-mobilenet (recognised from its weights)"])
        #expect(predictionLines(recognised.stdout) == predictionLines(first.stdout))
    }

    /// A `.zoo` that an older zoo converted (format 1.0: no Keras padding rules, so other input
    /// sizes would keep the saved pads) is converted again from the cached weights, quietly;
    /// without the weights it is used as it is.
    @Test func olderConversionIsMadeAgainFromTheCachedWeights() throws {
        let home = try FirstUseHome()
        defer { home.remove() }
        try home.addKerasModel()
        // The weights already in the cache (as the offline message suggests): no server needed.
        try FileManager.default.createDirectory(at: home.weights, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FirstUseHome.kerasWeights, to: home.weights.appendingPathComponent(FirstUseHome.kerasFile))
        let env = home.environment(nil)
        let first = try ZooExecutable.run(["predict", "--model", "team-mobilenet", FirstUseHome.photo], environment: env)
        #expect(first.status == 0, "\(first.stderr)")

        let converted = home.converted("team-mobilenet")
        func formatVersion() throws -> String? {
            let header = String(decoding: try Data(contentsOf: converted).prefix(4096), as: UTF8.self)
            return header.firstMatch(of: /"format_version":"([0-9.]+)"/).map { String($0.1) }
        }
        let current = try #require(try formatVersion())
        #expect(current != "1.0")
        // Mark the file as written by format 1.0 (same length, so it stays a valid file).
        func markOlder() throws {
            var bytes = try Data(contentsOf: converted)
            let marker = Data("\"format_version\":\"\(current)\"".utf8)
            let range = try #require(bytes.range(of: marker))
            bytes.replaceSubrange(range, with: Data("\"format_version\":\"1.0\"".utf8))
            try bytes.write(to: converted)
        }
        try markOlder()
        let again = try ZooExecutable.run(["predict", "--model", "team-mobilenet", FirstUseHome.photo], environment: env)
        #expect(again.status == 0 && again.stderr.isEmpty, "converted again, quietly, without the network: \(again.stderr)")
        #expect(again.stdout == first.stdout)
        #expect(try formatVersion() == current)

        try markOlder()
        try FileManager.default.removeItem(at: home.weights.appendingPathComponent(FirstUseHome.kerasFile))
        let kept = try ZooExecutable.run(["predict", "--model", "team-mobilenet", FirstUseHome.photo], environment: env)
        #expect(kept.status == 0 && kept.stderr.isEmpty, "\(kept.stderr)")
        #expect(kept.stdout == first.stdout)
        #expect(try formatVersion() == "1.0", "no weights to convert from: the older file is used")
    }

    /// A torchvision-layout state dict named `resnet18-<first 8 hex of its sha256>.pth`:
    /// checked as torch.hub's check_hash does, its full sha256 pinned at first use. Then the
    /// team model is in `zoo list`, `zoo info` and `zoo fetch` too.
    @Test func torchvisionWeightsCheckedByPrefixAndPinned() throws {
        let home = try FirstUseHome()
        defer { home.remove() }
        let (file, path) = try home.addTorchModel()
        let server = try LocalHTTPServer(routes: [path: .ok(try Data(contentsOf: FirstUseHome.torchWeights))])
        defer { server.stop() }
        let env = home.environment(server)
        let sha256 = try SHA256.hex(ofFile: FirstUseHome.torchWeights)

        let first = try ZooExecutable.run(["predict", "--model", "team-resnet18", FirstUseHome.photo], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(predictionLines(first.stdout).count == 5, "\(first.stdout)")
        #expect(server.requests(path) == 1)
        let steps = stderrLines(first)
        #expect(steps.count == 4, "fetching, the pin, verified, converted: \(first.stderr)")
        #expect(steps.contains { $0.hasPrefix("zoo: \(file): publisher.invalid gives no full hash (only the sha256 prefix \(sha256.prefix(8)) in the file name, which matched); pinned its sha256 \(sha256)") },
                "\(first.stderr)")
        #expect(steps.contains("zoo: \(file): verified (sha256 prefix \(sha256.prefix(8)) in its name (torch.hub's check), pinned sha256)"))
        let pin = home.root.appendingPathComponent("pins/\(file).sha256")
        #expect(try String(contentsOf: pin, encoding: .utf8) == "\(sha256)  \(file)\n")

        server.stop()
        let second = try ZooExecutable.run(["predict", "--model", "team-resnet18", FirstUseHome.photo], environment: env)
        #expect(second.status == 0 && second.stderr.isEmpty, "the cached .zoo, no network: \(second.stderr)")
        #expect(second.stdout == first.stdout)

        let list = try ZooExecutable.run(["list"], environment: env)
        #expect(list.stdout.split(separator: "\n").contains { $0.contains("team-resnet18") && $0.hasSuffix("cached (.zoo)") }, "\(list.stdout)")
        #expect(list.stdout.contains("vgg19"), "shipped models stay listed")
        let info = try ZooExecutable.run(["info", "team-resnet18"], environment: env)
        #expect(info.status == 0 && info.stdout.contains("Model: tv-resnet18") && info.stdout.contains("Output logits: [1,10]"), "\(info.stdout)\(info.stderr)")
        let fetch = try ZooExecutable.run(["fetch", "team-resnet18"], environment: env)
        #expect(fetch.status == 0, "\(fetch.stderr)")
        #expect(fetch.stdout.contains("team-resnet18: \(file) verified ("), "\(fetch.stdout)")
        #expect(server.requests(path) == 1, "nothing fetched again")
    }

    /// Each check refuses the file in one line, and nothing is left in the cache as if good.
    @Test func wrongPrefixChangedFileAndWrongMD5AreRefused() throws {
        let torch = try Data(contentsOf: FirstUseHome.torchWeights)

        let prefixHome = try FirstUseHome()
        defer { prefixHome.remove() }
        let (file, path) = try prefixHome.addTorchModel(prefix: "0123abcd")
        let prefixServer = try LocalHTTPServer(routes: [path: .ok(torch)])
        defer { prefixServer.stop() }
        let wrongPrefix = try ZooExecutable.run(["predict", "--model", "team-resnet18", FirstUseHome.photo],
                                            environment: prefixHome.environment(prefixServer))
        expectRefused(wrongPrefix, containing: "\(file): sha256 is \(try SHA256.hex(ofFile: FirstUseHome.torchWeights)), which does not start with 0123abcd", "wrong prefix")
        #expect(cachedNames(prefixHome.weights).isEmpty && !FileManager.default.fileExists(atPath: prefixHome.converted("team-resnet18").path))

        let md5Home = try FirstUseHome()
        defer { md5Home.remove() }
        try md5Home.addKerasModel(weights: ["file": FirstUseHome.kerasFile, "url": FirstUseHome.publisher + FirstUseHome.kerasPath,
                                            "md5": String(repeating: "0", count: 32)])
        let md5Server = try LocalHTTPServer(routes: [FirstUseHome.kerasPath: .ok(try Data(contentsOf: FirstUseHome.kerasWeights))])
        defer { md5Server.stop() }
        let wrongMD5 = try ZooExecutable.run(["fetch", "team-mobilenet"], environment: md5Home.environment(md5Server))
        expectRefused(wrongMD5, containing: "\(FirstUseHome.kerasFile): md5 is \(try MD5.hex(ofFile: FirstUseHome.kerasWeights)), expected \(String(repeating: "0", count: 32))", "wrong md5")
        #expect(cachedNames(md5Home.weights).isEmpty)

        // Keras' MobileNetV2 way (no hash published): pinned at the first download; the file
        // served later under the same name is another one.
        let pinHome = try FirstUseHome()
        defer { pinHome.remove() }
        try pinHome.addKerasModel(weights: ["file": FirstUseHome.kerasFile, "url": FirstUseHome.publisher + FirstUseHome.kerasPath,
                                            "verify": "pinned-on-first-use"])
        let original = try Data(contentsOf: FirstUseHome.kerasWeights)
        let firstServer = try LocalHTTPServer(routes: [FirstUseHome.kerasPath: .ok(original)])
        let pinned = try ZooExecutable.run(["fetch", "team-mobilenet"], environment: pinHome.environment(firstServer))
        firstServer.stop()
        #expect(pinned.status == 0, "\(pinned.stderr)")
        #expect(pinned.stderr.contains("gives no full hash (no hash at all); pinned its sha256 \(SHA256.hex(of: original))"), "\(pinned.stderr)")
        try FileManager.default.removeItem(at: pinHome.weights)
        try FileManager.default.removeItem(at: pinHome.converted("team-mobilenet"))
        var changed = original
        changed[changed.count - 1] ^= 0xFF
        let changedServer = try LocalHTTPServer(routes: [FirstUseHome.kerasPath: .ok(changed)])
        defer { changedServer.stop() }
        let refused = try ZooExecutable.run(["predict", "--model", "team-mobilenet", FirstUseHome.photo], environment: pinHome.environment(changedServer))
        expectRefused(refused, containing: "\(FirstUseHome.kerasFile): sha256 is \(SHA256.hex(of: changed)), but its first download had \(SHA256.hex(of: original))",
                      "changed after pinning")
        #expect(cachedNames(pinHome.weights).isEmpty && !FileManager.default.fileExists(atPath: pinHome.converted("team-mobilenet").path))
    }

    /// Offline, the one line says what to download, where to put it, or to pass it with
    /// --weights FILE: each of those works, for `predict` and `fetch` alike, and a file put in
    /// the cache by hand is verified, not trusted.
    @Test func whatTheOfflineMessageSuggestsWorks() throws {
        let home = try FirstUseHome()
        defer { home.remove() }
        let (file, _) = try home.addTorchModel()
        let env = home.environment(nil).merging(["ZOO_OFFLINE": "1"]) { $1 }
        let destination = home.weights.appendingPathComponent(file)

        let offline = try ZooExecutable.run(["predict", "--model", "team-resnet18", FirstUseHome.photo], environment: env)
        expectOneErrorLine(offline, status: 1, containing: "\(file): not cached, and zoo is offline (--offline or ZOO_OFFLINE=1): download it from "
            + "\(FirstUseHome.publisher)/models/\(file) and put it at \(destination.path), or pass it with --weights FILE", "offline")

        let given = try ZooExecutable.run(["predict", "--model", "team-resnet18", "--weights", FirstUseHome.torchWeights.path, FirstUseHome.photo],
                                      environment: env)
        #expect(given.status == 0 && predictionLines(given.stdout).count == 5, "predict --weights: \(given.stderr)")

        // Put by hand, damaged: refused; then the right file: verified, pinned, converted.
        try FileManager.default.createDirectory(at: home.weights, withIntermediateDirectories: true)
        var damaged = try Data(contentsOf: FirstUseHome.torchWeights)
        damaged[damaged.count / 2] ^= 0xFF
        try damaged.write(to: destination)
        let refused = try ZooExecutable.run(["predict", "--model", "team-resnet18", FirstUseHome.photo], environment: env)
        expectOneErrorLine(refused, status: 1, containing: "\(file): sha256 is \(SHA256.hex(of: damaged)), which does not start with", "damaged by hand")
        try FileManager.default.removeItem(at: destination)
        try FileManager.default.copyItem(at: FirstUseHome.torchWeights, to: destination)
        let byHand = try ZooExecutable.run(["predict", "--model", "team-resnet18", FirstUseHome.photo], environment: env)
        #expect(byHand.status == 0 && byHand.stdout == given.stdout, "put by hand: \(byHand.stderr)")
        #expect(stderrLines(byHand).count == 1 && byHand.stderr.contains("zoo: \(file): publisher.invalid gives no full hash"), "only the pin is told: \(byHand.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.converted("team-resnet18").path), "converted once")

        // fetch takes the file the same way (--weights, or --from as before).
        let fetchHome = try FirstUseHome()
        defer { fetchHome.remove() }
        _ = try fetchHome.addTorchModel()
        let fetched = try ZooExecutable.run(["fetch", "team-resnet18", "--weights", FirstUseHome.torchWeights.path],
                                        environment: fetchHome.environment(nil).merging(["ZOO_OFFLINE": "1"]) { $1 })
        #expect(fetched.status == 0 && fetched.stdout.contains("team-resnet18: \(file) verified ("), "fetch --weights: \(fetched.stderr)")
    }
}
