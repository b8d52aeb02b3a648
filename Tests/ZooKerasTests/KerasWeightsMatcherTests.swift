import Foundation
import Testing
import ZooHDF5
import ZooModels
import ZooTensor
@testable import ZooImport

/// Matching rules on hand-made layer lists (no weights are read, so any group will do).
@Suite struct KerasWeightsMatcherTests {
    let file = URL(fileURLWithPath: "/tmp/weights.h5")

    func stored(_ layers: [(String, [(String, Shape)])]) throws -> [StoredLayer] {
        let group = try HDF5File(path: KerasFixtures.url("sequential_k3.h5").path).root
        return layers.map { name, weights in
            StoredLayer(name: name, weights: weights.map { StoredWeight(name: $0.0, path: $0.0, group: group, shape: $0.1) })
        }
    }

    let spec = WeightsSpec(layers: [
        .init(name: "block1_conv1", weights: [.init(name: "kernel", shape: [3, 3, 3, 64]), .init(name: "bias", shape: [64])]),
        .init(name: "block1_conv2", weights: [.init(name: "kernel", shape: [3, 3, 64, 64]), .init(name: "bias", shape: [64])]),
        .init(name: "fc1", weights: [.init(name: "kernel", shape: [10, 4]), .init(name: "bias", shape: [4])]),
    ])

    @Test func keras1NamesPairByOrder() throws {
        let layers = try stored([
            ("block1_conv1", [("block1_conv1_W_1:0", [3, 3, 3, 64]), ("block1_conv1_b_1:0", [64])]),
            ("block1_conv2", [("block1_conv2_W_1:0", [3, 3, 64, 64]), ("block1_conv2_b_1:0", [64])]),
            ("dense_1", [("dense_1_W_1:0", [10, 4]), ("dense_1_b_1:0", [4])]),
        ])
        let matched = try KerasWeightsMatcher.match(spec, stored: layers, file: file, what: "vgg")
        #expect(matched["fc1"]?.map(\.name) == ["dense_1_W_1:0", "dense_1_b_1:0"])
        #expect(matched["block1_conv2"]?.map(\.name) == ["block1_conv2_W_1:0", "block1_conv2_b_1:0"])
    }

    @Test func namesWinOverOrder() throws {
        // Stored in another order, weights within a layer too: names decide.
        let layers = try stored([
            ("fc1", [("fc1/bias:0", [4]), ("fc1/kernel:0", [10, 4])]),
            ("block1_conv2", [("block1_conv2/kernel:0", [3, 3, 64, 64]), ("block1_conv2/bias:0", [64])]),
            ("block1_conv1", [("block1_conv1/kernel:0", [3, 3, 3, 64]), ("block1_conv1/bias:0", [64])]),
        ])
        let matched = try KerasWeightsMatcher.match(spec, stored: layers, file: file, what: "vgg")
        #expect(matched["fc1"]?.map(\.name) == ["fc1/kernel:0", "fc1/bias:0"])
    }

    @Test func reportsEveryProblemAtOnce() throws {
        let layers = try stored([
            ("block1_conv1", [("block1_conv1/kernel:0", [3, 3, 3, 32]), ("block1_conv1/bias:0", [32])]),
            ("fc1", [("fc1/kernel:0", [10, 4])]),
            ("surplus", [("surplus/kernel:0", [1])]),
            ("more_surplus", [("more_surplus/kernel:0", [1])]),
        ])
        do {
            _ = try KerasWeightsMatcher.match(spec, stored: layers, file: file, what: "vgg")
            Issue.record("mismatched weights accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("weights.h5: tensors not used by the architecture: surplus, more_surplus"))
            #expect(text.contains("weights.h5: block1_conv2: missing"))
            #expect(text.contains("weights.h5: block1_conv1/kernel: expected [3,3,3,64], found [3,3,3,32]"))
            #expect(text.contains("weights.h5: block1_conv1/bias: expected [64], found [32]"))
            #expect(text.contains("weights.h5: fc1: expects 2 weights (kernel, bias), found 1 (fc1/kernel:0)"))
        }
    }

    @Test func translatesLegacyResNet50Names() throws {
        #expect(LegacyResNetNames.modern("res2a_branch2a") == "conv2_block1_1_conv")
        #expect(LegacyResNetNames.modern("bn4f_branch2c") == "conv4_block6_3_bn")
        #expect(LegacyResNetNames.modern("res3a_branch1") == "conv3_block1_0_conv")
        #expect(LegacyResNetNames.modern("bn_conv1") == "conv1_bn")
        #expect(LegacyResNetNames.modern("fc1000") == "predictions")
        #expect(LegacyResNetNames.modern("block1_conv1") == nil)
        // The old model added the shortcut second, so its stored order differs; names still fit.
        let spec = try ArchitectureConfig(.resnet50).weightsSpec()
        var old: [(String, [(String, Shape)])] = []
        let legacy = Dictionary(uniqueKeysWithValues: spec.layers.map { layer in (legacyName(layer.name), layer) })
        for (name, layer) in legacy.sorted(by: { $0.key < $1.key }) {
            old.append((name, layer.weights.map { ("\(name)_\($0.name):0", $0.shape) }))
        }
        let layers = try stored(old)
        let translated = try #require(LegacyResNetNames.translated(layers))
        let matched = try KerasWeightsMatcher.match(spec, stored: translated, file: file, what: "resnet50")
        #expect(matched.count == 107)
        #expect(matched["conv2_block1_0_conv"]?.first?.name == "res2a_branch1_kernel:0")
    }

    /// The inverse of `LegacyResNetNames.modern`, for building the old-style list.
    func legacyName(_ modern: String) -> String {
        switch modern {
        case "conv1_conv": return "conv1"
        case "conv1_bn": return "bn_conv1"
        case "predictions": return "fc1000"
        default:
            let parts = modern.split(separator: "_")  // conv2, block1, 1, conv
            let stage = parts[0].dropFirst(4), block = Int(parts[1].dropFirst(5))!
            let letter = Character(UnicodeScalar(UInt8(96 + block)))
            let branch = ["1", "2a", "2b", "2c"][Int(parts[2])!]
            return (parts[3] == "conv" ? "res" : "bn") + "\(stage)\(letter)_branch\(branch)"
        }
    }
}
