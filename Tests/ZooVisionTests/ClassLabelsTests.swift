import Foundation
import Testing
import ZooTestSupport
@testable import ZooVision

/// The committed ImageNet class index and top-k decoding.
@Suite struct ClassLabelsTests {
    static let imageNetFile = Fixtures.repositoryRoot.appendingPathComponent("zoo/imagenet_classes.json")

    @Test func imageNetHasTheThousandClassesInOrder() throws {
        let labels = try ImageNetLabels.load(contentsOf: Self.imageNetFile)
        #expect(labels.count == 1000)
        #expect(labels[0] == ClassLabel(index: 0, id: "n01440764", name: "tench"))
        #expect(labels[281].name == "tabby")
        #expect(labels[285].name == "Egyptian_cat")
        #expect(labels[999] == ClassLabel(index: 999, id: "n15075141", name: "toilet_tissue"))
        // The class order is the sorted WordNet ids; both "crane"s are there (bird and machine).
        let ids = labels.classes.map(\.id)
        #expect(ids == ids.sorted() && Set(ids).count == 1000)
        #expect(labels.classes.filter { $0.name == "crane" }.map(\.index) == [134, 517])
    }

    @Test func topKIsBestFirstWithTiesInIndexOrder() {
        let labels = ClassLabels(names: ["a", "b", "c", "d", "e"])
        let top = labels.top(3, of: [0.1, 0.3, 0.3, 0.05, 0.3])
        #expect(top.map(\.index) == [1, 2, 4])
        #expect(top[0] == Prediction(index: 1, id: "b", label: "b", score: 0.3))
        #expect(labels.top(10, of: [0.1, 0.3, 0.3, 0.05, 0.3]).map(\.index) == [1, 2, 4, 0, 3])
        #expect(labels.top(0, of: [1, 2, 3, 4, 5]).isEmpty)
    }

    @Test func nanScoresComeLast() {
        #expect(topIndices(3, of: [.nan, 1, .nan, 2]) == [3, 1, 0])
        #expect(topIndices(4, of: [-.infinity, .nan, .infinity, 0]) == [2, 3, 0, 1])
    }

    @Test func topKAgreesWithAFullSort() {
        var generator = SeededRandom(seed: 7)
        for _ in 0..<50 {
            let scores = (0..<200).map { _ in Float(Int.random(in: 0..<40, using: &generator)) / 40 }
            let k = Int.random(in: 0...30, using: &generator)
            let sorted = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
            #expect(topIndices(k, of: scores) == Array(sorted.prefix(k)))
        }
    }

    @Test func badLabelFilesAreNamed() throws {
        let cases: [(String, String)] = [
            ("[1, 2]", "not a class index"),
            ("{\"0\": [\"n1\", \"a\"], \"2\": [\"n2\", \"b\"]}", "key '2' is not an index in 0..<2"),
            ("{\"0\": [\"n1\"]}", "class 0: expected [id, name], found 1 strings"),
        ]
        for (json, detail) in cases {
            do {
                _ = try ClassLabels(classIndexJSON: Data(json.utf8), file: "labels.json")
                Issue.record("\(json) was accepted")
            } catch let error as VisionError {
                #expect(error.description.hasPrefix("labels.json: \(detail)"), "\(error)")
            }
        }
        let url = Fixtures.url("manifest.json")
        #expect(throws: VisionError.self) { try ImageNetLabels.load(contentsOf: url) }
    }
}
