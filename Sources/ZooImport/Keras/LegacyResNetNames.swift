/// The layer names of the ResNet50 weights Keras published before 2019 (`res2a_branch2a`,
/// `bn2a_branch2a`, `conv1`, `bn_conv1`, `fc1000`, from the original Caffe model), translated
/// to today's keras.applications names (`conv2_block1_1_conv`, ...). The old model added the
/// shortcut second, so its layer order differs too: matching must go by these names.
enum LegacyResNetNames {
    /// Today's name for an old one, or nil when `name` is not in the old scheme.
    static func modern(_ name: String) -> String? {
        switch name {
        case "conv1": return "conv1_conv"
        case "bn_conv1": return "conv1_bn"
        case "fc1000": return "predictions"
        default: break
        }
        // res<stage><block letter>_branch<1|2a|2b|2c>, bn<stage><block letter>_branch...
        let kind: String
        var rest: Substring
        if name.hasPrefix("res") { kind = "conv"; rest = name.dropFirst(3) }
        else if name.hasPrefix("bn") { kind = "bn"; rest = name.dropFirst(2) }
        else { return nil }
        guard let stage = rest.first, let stageNumber = stage.wholeNumberValue, (2...5).contains(stageNumber) else { return nil }
        rest = rest.dropFirst()
        guard let letter = rest.first, let ascii = letter.asciiValue, letter >= "a", letter <= "z" else { return nil }
        rest = rest.dropFirst()
        let branches = ["_branch1": 0, "_branch2a": 1, "_branch2b": 2, "_branch2c": 3]
        guard let index = branches[String(rest)] else { return nil }
        let block = Int(ascii) - 96  // a -> 1
        return "conv\(stageNumber)_block\(block)_\(index)_\(kind)"
    }

    /// The layers under today's names when every layer follows the old scheme, else nil.
    static func translated(_ layers: [StoredLayer]) -> [StoredLayer]? {
        guard layers.contains(where: { $0.name == "bn_conv1" }) else { return nil }
        var result: [StoredLayer] = []
        for layer in layers {
            guard let name = modern(layer.name) else { return nil }
            result.append(StoredLayer(name: name, weights: layer.weights))
        }
        return result
    }
}
