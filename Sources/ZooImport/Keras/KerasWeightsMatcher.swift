import Foundation
import ZooModels
import ZooTensor

/// Pairs a file's stored layers with the layers a model expects, the way Keras loads
/// weights-only files but checked: layers whose names agree pair by name; the rest pair by
/// the order of layers with weights (Keras' own rule, which is what makes the 2016 VGG files
/// with Keras 1 names load); within a layer, weights pair by name when every name agrees and
/// otherwise by order. Every shape is checked, and all problems are reported together.
enum KerasWeightsMatcher {
    /// Longest list of layer names put in one error message.
    static let listLimit = 12

    /// For each expected layer, its stored weights in expected order. Throws every missing,
    /// unused and mis-shaped layer or weight at once.
    static func match(_ spec: WeightsSpec, stored: [StoredLayer], file: URL, what: String) throws -> [String: [StoredWeight]] {
        let storedByName = Dictionary(stored.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let expectedNames = Set(spec.layers.map(\.name))
        var pairs: [(WeightsSpec.Layer, StoredLayer)] = []
        var unmatchedSpec: [WeightsSpec.Layer] = []
        for layer in spec.layers {
            if let found = storedByName[layer.name] { pairs.append((layer, found)) } else { unmatchedSpec.append(layer) }
        }
        let unmatchedStored = stored.filter { !expectedNames.contains($0.name) }
        var problems: [ImportError] = []
        var result: [String: [StoredWeight]] = [:]
        // Leftovers pair by order when their counts agree, unless not one such pair fits:
        // then they are simply missing and unused (a dropped layer and an added one).
        var leftoverPairs: [(WeightsSpec.Layer, StoredLayer)] = []
        if unmatchedSpec.count == unmatchedStored.count {
            leftoverPairs = zip(unmatchedSpec, unmatchedStored).map { ($0, $1) }
            if !leftoverPairs.isEmpty, leftoverPairs.allSatisfy({ (try? matchWeights($0, $1, file: file)) == nil }) {
                leftoverPairs = []
            }
        }
        if leftoverPairs.isEmpty, !(unmatchedSpec.isEmpty && unmatchedStored.isEmpty) {
            if pairs.count * 2 < spec.layers.count {
                problems.append(.malformed(file: file, at: "layer_names", detail:
                    "weights do not fit \(what): \(pairs.count) of \(spec.layers.count) layers with weights found by name, " +
                    "file has \(stored.count) layers with weights"))
            }
            if !unmatchedStored.isEmpty {
                var names = unmatchedStored.prefix(listLimit).map(\.name)
                if unmatchedStored.count > listLimit { names.append("... \(unmatchedStored.count - listLimit) more") }
                problems.append(.unusedTensors(names: names, file: file))
            }
            problems += unmatchedSpec.map { ImportError.missingTensor(name: $0.name, file: file) }
        }
        for (expected, found) in pairs + leftoverPairs {
            do {
                result[expected.name] = try matchWeights(expected, found, file: file)
            } catch let error as ImportError {
                if case .many(let errors) = error { problems += errors } else { problems.append(error) }
            }
        }
        try throwLimited(problems, file: file)
        return result
    }

    /// Throws the problems, the first `2 * listLimit` of them in full.
    static func throwLimited(_ problems: [ImportError], file: URL) throws {
        let limit = 2 * listLimit
        guard problems.count > limit else { return try KerasWeightsFile.throwAll(problems) }
        throw ImportError.many(Array(problems.prefix(limit)) +
                               [.malformed(file: file, at: "weights", detail: "... \(problems.count - limit) more problems")])
    }

    /// The stored weights of one layer in expected order, shapes checked.
    static func matchWeights(_ expected: WeightsSpec.Layer, _ found: StoredLayer, file: URL) throws -> [StoredWeight] {
        let label = expected.name == found.name ? expected.name : "\(expected.name) (stored as \(found.name))"
        guard expected.weights.count == found.weights.count else {
            throw ImportError.malformed(file: file, at: label, detail:
                "expects \(expected.weights.count) weights (\(expected.weights.map(\.name).joined(separator: ", "))), " +
                "found \(found.weights.count) (\(found.weights.map(\.name).joined(separator: ", ")))")
        }
        var ordered = found.weights
        // By name when every stored name is one of the expected ones, else in stored order.
        let byName = expected.weights.map { spec in found.weights.first { spec.matches($0.shortName) } }
        if byName.allSatisfy({ $0 != nil }), Set(byName.compactMap { $0?.name }).count == found.weights.count {
            ordered = byName.compactMap { $0 }
        }
        var problems: [ImportError] = []
        for (spec, weight) in zip(expected.weights, ordered) where spec.shape != weight.shape {
            let tensor = weight.shortName == spec.name ? "\(expected.name)/\(spec.name)" : "\(expected.name)/\(spec.name) (stored as \(weight.name))"
            problems.append(.shapeMismatch(tensor: tensor, expected: spec.shape, found: weight.shape, file: file))
        }
        try KerasWeightsFile.throwAll(problems)
        return ordered
    }

}
