import ZooTensor

/// The architectures a `.pth` state dict can be imported as. The raw value is zoo's name
/// (`--arch`); torchvision's own function names are accepted as aliases.
public enum TorchArchitecture: String, CaseIterable, Sendable {
    /// EfficientNet-Lite0 as the `efficientnet_lite_pytorch` package builds it.
    case efficientNetLite0 = "efficientnet-lite0"
    /// torchvision `resnet18`.
    case resnet18 = "tv-resnet18"
    /// torchvision `resnet34`.
    case resnet34 = "tv-resnet34"
    /// torchvision `resnet50` (v1.5).
    case resnet50 = "tv-resnet50"
    /// torchvision `vgg16`.
    case vgg16 = "tv-vgg16"
    /// torchvision `vgg19`.
    case vgg19 = "tv-vgg19"
    /// torchvision `mobilenet_v2`.
    case mobileNetV2 = "tv-mobilenetv2"

    /// Reads `--arch`: `tv-resnet18`, or torchvision's `resnet18`, `mobilenet_v2`, `vgg16`, ...
    /// Case, `-`/`_` and the `tv-` prefix do not matter. Nil for anything else.
    public init?(parsing text: String) {
        var key = text.lowercased().filter { $0 != "-" && $0 != "_" }
        if key.hasPrefix("tv") { key.removeFirst(2) }
        guard let match = Self.allCases.first(where: { $0.key == key }) else { return nil }
        self = match
    }

    /// The raw value without `tv-`, `-` and `_`: what `init(parsing:)` compares.
    private var key: String {
        var key = rawValue.filter { $0 != "-" }
        if key.hasPrefix("tv") { key.removeFirst(2) }
        return key
    }

    /// The architecture a state dict's parameter names and shapes point to, as a person
    /// reading the names would tell; nil when none fits. `hint` says what was seen.
    public static func recognise(_ shapes: [String: Shape]) -> (architecture: TorchArchitecture?, hint: String?) {
        func has(_ name: String) -> Bool { shapes[name] != nil }
        if has("_conv_stem.weight"), has("_blocks.0._depthwise_conv.weight") {
            return has("_blocks.15._project_conv.weight") && !has("_blocks.16._project_conv.weight")
                ? (.efficientNetLite0, nil) : (nil, "EfficientNet blocks, but not Lite0's 16")
        }
        if has("conv1.weight"), has("layer1.0.conv1.weight"), has("fc.weight") {
            // torchvision counts blocks layerN.0, layerN.1, ...: the depth is in those counts.
            let blocks = (1...4).map { stage in (0...).prefix { has("layer\(stage).\($0).conv1.weight") }.count }
            let bottleneck = has("layer1.0.conv3.weight")
            switch (bottleneck, blocks) {
            case (false, [2, 2, 2, 2]): return (.resnet18, nil)
            case (false, [3, 4, 6, 3]): return (.resnet34, nil)
            case (true, [3, 4, 6, 3]): return (.resnet50, nil)
            default: return (nil, "a ResNet with \(bottleneck ? "Bottleneck" : "BasicBlock") blocks \(blocks)")
            }
        }
        if has("features.0.weight"), has("classifier.6.weight") {
            // In a plain VGG features.1 is a ReLU; with batch norm it is the BatchNorm2d.
            if has("features.1.running_var") { return (nil, "a VGG with batch norm (vgg*_bn)") }
            // The last conv is features.28 in configuration D (16 layers), features.34 in E (19).
            if has("features.34.weight") { return (.vgg19, nil) }
            if has("features.28.weight") { return (.vgg16, nil) }
            return (nil, "a VGG that is neither VGG16 nor VGG19")
        }
        if has("features.0.0.weight"), has("features.1.conv.0.0.weight"), has("classifier.1.weight") {
            return has("features.18.0.weight") ? (.mobileNetV2, nil) : (nil, "MobileNet-like, without features.18")
        }
        return (nil, nil)
    }
}
