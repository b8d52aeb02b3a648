/// What the names keras.applications publishes its weights files under say about the model:
/// the only place zoo reads them. A weights-only file's layers tell the architecture, the
/// classifier and MobileNetV2's width, but not the input size, which only the name carries:
///
///     vgg16_weights_tf_dim_ordering_tf_kernels.h5            (vgg19, resnet50/101/152 alike)
///     vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5
///     mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{alpha}_{rows}.h5
///     mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{alpha}_{rows}_no_top.h5
///
/// `{alpha}` is Python's `str(float)` of the width (`0.35`, `1.0`) and `{rows}` the input size.
public enum KerasApplicationsFileName {
    static let marker = "_weights_tf_dim_ordering_tf_kernels"

    /// The configuration a file named `fileName` (a last path component) was published for,
    /// or nil when the name is not one of Keras' patterns. Copies a browser renamed
    /// (`name (1).h5`) are not recognised: the name is matched exactly.
    public static func architecture(fromFileName fileName: String) -> ArchitectureConfig? {
        guard fileName.hasSuffix(".h5"), let range = fileName.range(of: marker) else { return nil }
        let prefix = String(fileName[..<range.lowerBound])
        let rest = fileName[range.upperBound...].dropLast(".h5".count)
        if rest.isEmpty { return plain(prefix, includeTop: true) }
        guard rest.hasPrefix("_") else { return nil }
        var options = rest.dropFirst().split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        if prefix == "mobilenet_v2" {
            var includeTop = true
            if options.suffix(2) == ["no", "top"] { includeTop = false; options.removeLast(2) }
            guard options.count == 2, options[0].contains("."), let alpha = Double(options[0]), let size = Int(options[1]) else { return nil }
            let config = ArchitectureConfig(.mobileNetV2, inputSize: size, alpha: alpha, includeTop: includeTop)
            return (try? config.validate()) == nil ? nil : config
        }
        return options == ["notop"] ? plain(prefix, includeTop: false) : nil
    }

    /// VGG and ResNet files: 224x224, with or without the classifier.
    private static func plain(_ prefix: String, includeTop: Bool) -> ArchitectureConfig? {
        guard let architecture = Architecture(rawValue: prefix), architecture != .mobileNetV2 else { return nil }
        return ArchitectureConfig(architecture, includeTop: includeTop)
    }
}
