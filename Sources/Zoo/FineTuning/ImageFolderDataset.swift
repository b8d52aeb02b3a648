import Foundation
import ZooVision

/// Labelled images in torchvision's ImageFolder convention, `DIR/class_name/image.jpg`: the
/// class names are the sub-folder names, sorted, and a class's label is its position. Images
/// are JPEG, PNG, WebP, TIFF, GIF or BMP files (recognised by extension, as ImageFolder does), found at any depth
/// inside their class folder; hidden files are ignored and anything else is skipped and listed
/// in `skipped`, for the caller to warn about.
public struct ImageFolderDataset: Sendable {
    /// One labelled image.
    public struct Sample: Sendable {
        /// Where the image comes from.
        public var image: ImageSource
        /// Index into `classes`.
        public var label: Int
        /// A short name for messages and reports (the path inside the dataset folder).
        public var name: String

        /// A sample of class `label` (an index into `classes`), called `name` in reports.
        public init(image: ImageSource, label: Int, name: String) {
            self.image = image; self.label = label; self.name = name
        }
    }

    /// A file in the folder that is not part of the dataset, and why.
    public struct SkippedFile: Sendable, Hashable {
        /// The skipped file's path.
        public var path: String
        /// Why it was skipped.
        public var reason: String
    }

    /// Extensions read as images (lower-cased): the formats `ImageDecoder` reads.
    public static let imageExtensions: Set<String> = ImageFormat.fileExtensions

    /// The class names (the sub-folders' names), sorted.
    public let classes: [String]
    /// Every image, in class then file name order.
    public let samples: [Sample]
    /// Files in the folder that are not images, with the reason.
    public let skipped: [SkippedFile]

    /// A dataset from samples already at hand (in-memory images, say). Needs at least two
    /// distinct class names, every label in range and at least one sample per class.
    public init(classes: [String], samples: [Sample]) throws {
        guard classes.count >= 2 else { throw FineTuningError.tooFewClasses(folder: "dataset", found: classes) }
        guard Set(classes).count == classes.count else { throw FineTuningError.badDataset("class names repeat: \(classes)") }
        var counts = [Int](repeating: 0, count: classes.count)
        for s in samples {
            guard classes.indices.contains(s.label) else {
                throw FineTuningError.badDataset("\(s.name): label \(s.label) is not in 0..<\(classes.count)")
            }
            counts[s.label] += 1
        }
        if let empty = counts.firstIndex(of: 0) { throw FineTuningError.emptyClass(folder: "dataset", className: classes[empty]) }
        self.init(unchecked: classes, samples: samples, skipped: [])
    }

    /// Reads `DIR/class_name/...` without decoding anything yet.
    public init(folder: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FineTuningError.notAFolder(path: folder.path)
        }
        var classes: [String] = []
        var skipped: [SkippedFile] = []
        for name in try fm.contentsOfDirectory(atPath: folder.path).sorted() where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            if fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                classes.append(name)
            } else {
                skipped.append(SkippedFile(path: url.path, reason: "not inside a class folder"))
            }
        }
        guard classes.count >= 2 else { throw FineTuningError.tooFewClasses(folder: folder.path, found: classes) }
        var samples: [Sample] = []
        for (label, name) in classes.enumerated() {
            let classFolder = folder.appendingPathComponent(name)
            var found = 0
            for relative in try Self.files(under: classFolder) {
                let url = classFolder.appendingPathComponent(relative)
                guard Self.imageExtensions.contains(url.pathExtension.lowercased()) else {
                    skipped.append(SkippedFile(path: url.path, reason: "not a \(ImageFormat.supportedList) image"))
                    continue
                }
                samples.append(Sample(image: .file(url), label: label, name: name + "/" + relative))
                found += 1
            }
            guard found > 0 else { throw FineTuningError.emptyClass(folder: folder.path, className: name) }
        }
        self.init(unchecked: classes, samples: samples, skipped: skipped)
    }

    private init(unchecked classes: [String], samples: [Sample], skipped: [SkippedFile]) {
        self.classes = classes
        self.samples = samples
        self.skipped = skipped
    }

    /// Samples per class, in class order.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classes.count)
        for s in samples { counts[s.label] += 1 }
        return counts
    }

    /// The samples at `indices` (same classes; a class may end up with none).
    public func subset(_ indices: [Int]) -> ImageFolderDataset {
        ImageFolderDataset(unchecked: classes, samples: indices.map { samples[$0] }, skipped: [])
    }

    /// A stratified split: from each class, `validationFraction` of its samples (rounded, at
    /// least one when the class has two or more, never all of them) go to validation, chosen
    /// by a shuffle seeded with `seed`. Both index lists are in sample order.
    public func stratifiedSplit(validationFraction: Double, seed: UInt64) -> (train: [Int], validation: [Int]) {
        precondition((0..<1).contains(validationFraction), "validation fraction \(validationFraction) outside [0, 1)")
        var byClass = [[Int]](repeating: [], count: classes.count)
        for (i, s) in samples.enumerated() { byClass[s.label].append(i) }
        var validation: [Int] = []
        for (label, var indices) in byClass.enumerated() where validationFraction > 0 && indices.count >= 2 {
            var rng = SplitMix64.derived(seed: seed, 0x5B17, UInt64(label))
            rng.shuffle(&indices)
            let n = min(max(Int((Double(indices.count) * validationFraction).rounded()), 1), indices.count - 1)
            validation += indices.prefix(n)
        }
        let chosen = Set(validation)
        return (samples.indices.filter { !chosen.contains($0) }, validation.sorted())
    }

    /// Regular files under `folder`, at any depth, as sorted relative paths; hidden ones left out.
    private static func files(under folder: URL) throws -> [String] {
        let fm = FileManager.default
        var result: [String] = []
        // A symbolic link back up the tree must not send the walk round forever.
        var visited = Set<String>()
        func walk(_ relative: String) throws {
            let url = relative.isEmpty ? folder : folder.appendingPathComponent(relative)
            guard visited.insert(url.resolvingSymlinksInPath().path).inserted else { return }
            for name in try fm.contentsOfDirectory(atPath: url.path).sorted() where !name.hasPrefix(".") {
                let path = relative.isEmpty ? name : relative + "/" + name
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue { try walk(path) } else { result.append(path) }
            }
        }
        try walk("")
        return result
    }
}
