import Foundation
import Testing
import Zoo
import ZooTestSupport
import ZooVision

/// Reading ImageFolder trees and splitting them.
@Suite struct FineTuningDatasetTests {
    static func image(_ value: UInt8, size: Int = 4) -> RGBImage {
        RGBImage(width: size, height: size, pixels: [UInt8](repeating: value, count: size * size * 3))
    }

    @Test func readsClassFoldersAndSkipsWhatIsNotAnImage() throws {
        let root = try FineTuningFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try FineTuningFixtures.writePNG(Self.image(10), to: root, "dog/b.png")
        try FineTuningFixtures.writePNG(Self.image(20), to: root, "dog/a.PNG")
        try FineTuningFixtures.writePNG(Self.image(30), to: root, "cat/nested/deeper/c.png")
        try FineTuningFixtures.writePNG(Self.image(40), to: root, "cat/d.png")
        try Data("notes".utf8).write(to: root.appendingPathComponent("dog/notes.txt"))
        try Data("hidden".utf8).write(to: root.appendingPathComponent("cat/.DS_Store"))
        try Data("readme".utf8).write(to: root.appendingPathComponent("README.md"))

        let dataset = try ImageFolderDataset(folder: root)
        #expect(dataset.classes == ["cat", "dog"])
        #expect(dataset.samples.map(\.name) == ["cat/d.png", "cat/nested/deeper/c.png", "dog/a.PNG", "dog/b.png"])
        #expect(dataset.samples.map(\.label) == [0, 0, 1, 1])
        #expect(dataset.classCounts == [2, 2])
        #expect(Set(dataset.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent }) == ["notes.txt", "README.md"])
        #expect(dataset.skipped.allSatisfy { !$0.reason.isEmpty })
        // The PNG writer and the decoder agree: the test images are what they claim.
        guard case .file(let url) = dataset.samples[1].image else { Issue.record("expected a file"); return }
        #expect(try ImageDecoder.decode(contentsOf: url) == Self.image(30))
    }

    @Test func anEmptyClassOrFewerThanTwoClassesIsAnError() throws {
        let root = try FineTuningFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try FineTuningFixtures.writePNG(Self.image(1), to: root, "only/a.png")
        #expect(throws: FineTuningError.tooFewClasses(folder: root.path, found: ["only"])) { try ImageFolderDataset(folder: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: root.appendingPathComponent("empty/x.txt"))
        #expect(throws: FineTuningError.emptyClass(folder: root.path, className: "empty")) { try ImageFolderDataset(folder: root) }
        let missing = root.appendingPathComponent("missing")
        #expect(throws: FineTuningError.notAFolder(path: missing.path)) { try ImageFolderDataset(folder: missing) }
        let error = FineTuningError.emptyClass(folder: root.path, className: "empty").description
        #expect(error.contains(root.path) && error.contains("'empty'"))

        let sample = ImageFolderDataset.Sample(image: .rgb(Self.image(1)), label: 0, name: "a")
        #expect(throws: FineTuningError.self) { try ImageFolderDataset(classes: ["a", "b"], samples: [sample]) }
        #expect(throws: FineTuningError.self) { try ImageFolderDataset(classes: ["a"], samples: [sample]) }
    }

    @Test func stratifiedSplitTakesTheFractionOfEachClass() throws {
        let counts = [10, 3, 1, 20]
        var samples: [ImageFolderDataset.Sample] = []
        for (label, n) in counts.enumerated() {
            for i in 0..<n { samples.append(.init(image: .rgb(Self.image(UInt8(i))), label: label, name: "\(label)/\(i)")) }
        }
        let dataset = try ImageFolderDataset(classes: ["a", "b", "c", "d"], samples: samples)
        let (train, validation) = dataset.stratifiedSplit(validationFraction: 0.2, seed: 1)
        // 20% rounded, at least one of a class of two or more, never a whole class.
        #expect(dataset.subset(validation).classCounts == [2, 1, 0, 4])
        #expect(Set(train).isDisjoint(with: validation) && (train + validation).sorted() == Array(samples.indices))
        #expect(dataset.stratifiedSplit(validationFraction: 0.2, seed: 1).validation == validation)
        #expect(dataset.stratifiedSplit(validationFraction: 0.2, seed: 2).validation != validation)
        #expect(dataset.stratifiedSplit(validationFraction: 0, seed: 1).validation.isEmpty)
    }
}
