import Foundation

/// One output class of a classifier.
public struct ClassLabel: Sendable, Hashable, Codable {
    /// Position in the model's output vector.
    public let index: Int
    /// A stable identifier: the WordNet id for ImageNet (`n01440764`), else the name.
    public let id: String
    /// What a person reads (`tench`).
    public let name: String

    /// A class at output `index`.
    public init(index: Int, id: String, name: String) {
        self.index = index
        self.id = id
        self.name = name
    }
}

/// The classes of a classifier's output, in output order.
public struct ClassLabels: Sendable, Hashable {
    /// Every class, in output order.
    public let classes: [ClassLabel]

    /// Labels with ids and names, index by position.
    public init(_ entries: [(id: String, name: String)]) {
        classes = entries.enumerated().map { ClassLabel(index: $0.offset, id: $0.element.id, name: $0.element.name) }
    }

    /// Labels whose id is their name, e.g. the folders of a fine-tuning dataset.
    public init(names: [String]) {
        self.init(names.map { (id: $0, name: $0) })
    }

    /// Reads a class index in Keras' `imagenet_class_index.json` form:
    /// `{"0": ["n01440764", "tench"], "1": [...], ...}`, keys 0..<count with none missing.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw VisionError.badLabels(file: url.path, detail: "cannot be read (\(error.localizedDescription))")
        }
        try self.init(classIndexJSON: data, file: url.path)
    }

    /// Parses Keras' class-index JSON; `file` names it in errors.
    public init(classIndexJSON data: Data, file: String) throws {
        func fail(_ detail: String) -> VisionError { .badLabels(file: file, detail: detail) }
        let object: [String: [String]]
        do { object = try JSONDecoder().decode([String: [String]].self, from: data) } catch {
            throw fail("not a class index (expected {\"0\": [\"id\", \"name\"], ...})")
        }
        var entries = [(id: String, name: String)?](repeating: nil, count: object.count)
        for (key, value) in object {
            guard let index = Int(key), entries.indices.contains(index) else {
                throw fail("key '\(key)' is not an index in 0..<\(object.count)")
            }
            guard value.count == 2 else { throw fail("class \(key): expected [id, name], found \(value.count) strings") }
            entries[index] = (value[0], value[1])
        }
        self.init(entries.map { $0! })
    }

    /// Number of classes (the length of the output vector).
    public var count: Int { classes.count }

    /// The class at output position `index`.
    public subscript(index: Int) -> ClassLabel { classes[index] }
}
