import Testing
import ZooKernels
import ZooModels

/// Every architecture against the numbers keras.applications reports for the same model.
@Suite struct ArchitectureTests {
    /// `model.count_params()` in Keras with include_top and 1000 classes.
    static let kerasParameterCounts: [Architecture: Int] = [
        .vgg16: 138_357_544, .vgg19: 143_667_240, .resnet50: 25_636_712,
        .resnet101: 44_707_176, .resnet152: 60_419_944, .mobileNetV2: 3_538_984,
    ]

    @Test(arguments: Architecture.allCases)
    func parameterCountMatchesKeras(_ architecture: Architecture) throws {
        let spec = try ArchitectureConfig(architecture).weightsSpec()
        #expect(spec.parameterCount == Self.kerasParameterCounts[architecture])
    }

    @Test(arguments: Architecture.allCases)
    func outputShapes(_ architecture: Architecture) throws {
        let top = try ArchitectureConfig(architecture).kerasModel()
        #expect(try top.shapes()[top.outputs[0]] == [1000])
        #expect(top.outputs == ["predictions"])
        let features = try ArchitectureConfig(architecture, inputSize: 160, includeTop: false).kerasModel()
        let channels = architecture == .vgg16 || architecture == .vgg19 ? 512 : architecture == .mobileNetV2 ? 1280 : 2048
        #expect(try features.shapes()[features.outputs[0]] == [5, 5, channels])
        let pooled = try ArchitectureConfig(architecture, includeTop: false, pooling: .max).kerasModel()
        #expect(try pooled.shapes()[pooled.outputs[0]] == [channels])
    }

    /// (alpha, Keras count with the top, without it) for every published width.
    static let mobileNetV2Counts: [(Double, Int, Int)] = [
        (0.35, 1_691_208, 410_208), (0.5, 1_987_224, 706_224), (0.75, 2_663_064, 1_382_064),
        (1.0, 3_538_984, 2_257_984), (1.3, 5_431_048, 3_766_048), (1.4, 6_156_712, 4_363_712),
    ]

    @Test func mobileNetV2WidthsMatchKeras() throws {
        for (alpha, withTop, withoutTop) in Self.mobileNetV2Counts {
            #expect(try ArchitectureConfig(.mobileNetV2, alpha: alpha).weightsSpec().parameterCount == withTop, "alpha \(alpha)")
            let features = ArchitectureConfig(.mobileNetV2, inputSize: 96, alpha: alpha, includeTop: false)
            #expect(try features.weightsSpec().parameterCount == withoutTop, "alpha \(alpha)")
        }
        // The last convolution widens only for alpha > 1.
        let wide = try ArchitectureConfig(.mobileNetV2, inputSize: 96, alpha: 1.4, includeTop: false).kerasModel()
        #expect(try wide.shapes()["out_relu"] == [3, 3, 1792])
    }

    @Test func mobileNetV2InputSizesKeepWeights() throws {
        let reference = try ArchitectureConfig(.mobileNetV2, alpha: 0.5).weightsSpec()
        for size in Architecture.mobileNetV2InputSizes {
            let model = try ArchitectureConfig(.mobileNetV2, inputSize: size, alpha: 0.5).kerasModel()
            #expect(try model.weightsSpec() == reference)
            #expect(try model.shapes()["out_relu"]?.first == (size + 31) / 32)
        }
    }

    @Test func mobileNetV2PadsLikeKeras() throws {
        let model = try ArchitectureConfig(.mobileNetV2, inputSize: 96, alpha: 0.35).kerasModel()
        // correct_pad: input 48 (even) gets ((0, 1), (0, 1)) before block_1's stride-2 depthwise.
        #expect(model.node(named: "block_1_pad")?.layer == .zeroPadding2D(Padding2D(top: 0, left: 0, bottom: 1, right: 1)))
        #expect(model.node(named: "block_1_depthwise")?.inputs == ["block_1_pad"])
        #expect(model.node(named: "expanded_conv_project")?.inputs == ["expanded_conv_depthwise_relu"])
        #expect(model.node(named: "block_2_add")?.inputs == ["block_1_project_BN", "block_2_project_BN"])
        #expect(try model.shapes()["Conv1"] == [48, 48, 16])
    }

    /// Keras' `model.layers` order, which weights-only files follow (read off Keras 3.15).
    @Test func resNetLayerOrderMatchesKeras() throws {
        let names = try ArchitectureConfig(.resnet50).kerasModel().kerasOrder().map(\.name)
        let start = try #require(names.firstIndex(of: "conv2_block1_1_conv"))
        #expect(Array(names[start..<start + 12]) == [
            "conv2_block1_1_conv", "conv2_block1_1_bn", "conv2_block1_1_relu", "conv2_block1_2_conv",
            "conv2_block1_2_bn", "conv2_block1_2_relu", "conv2_block1_0_conv", "conv2_block1_3_conv",
            "conv2_block1_0_bn", "conv2_block1_3_bn", "conv2_block1_add", "conv2_block1_out",
        ])
        #expect(names.first == "input_layer")
        #expect(names.last == "predictions")
    }

    @Test func mobileNetV2LayerOrderMatchesKeras() throws {
        let spec = try ArchitectureConfig(.mobileNetV2, inputSize: 96, alpha: 0.35).weightsSpec()
        #expect(spec.layers.count == 105)
        #expect(spec.layers.prefix(8).map(\.name) == [
            "Conv1", "bn_Conv1", "expanded_conv_depthwise", "expanded_conv_depthwise_BN",
            "expanded_conv_project", "expanded_conv_project_BN", "block_1_expand", "block_1_expand_BN",
        ])
    }

    @Test func layerNamesAndWeightShapes() throws {
        let vgg = try ArchitectureConfig(.vgg19).weightsSpec()
        #expect(vgg.layers.map(\.name).prefix(3) == ["block1_conv1", "block1_conv2", "block2_conv1"])
        #expect(vgg.layer(named: "fc1")?.weights.map(\.shape) == [[25088, 4096], [4096]])
        let resnet = try ArchitectureConfig(.resnet152).weightsSpec()
        #expect(resnet.layer(named: "conv4_block36_3_conv")?.weights.map(\.shape) == [[1, 1, 256, 1024], [1024]])
        #expect(resnet.layer(named: "conv3_block1_0_conv")?.weights.map(\.shape) == [[1, 1, 256, 512], [512]])
        #expect(resnet.layer(named: "conv1_bn")?.weights.map(\.name) == ["gamma", "beta", "moving_mean", "moving_variance"])
        let mobile = try ArchitectureConfig(.mobileNetV2, alpha: 0.35).weightsSpec()
        #expect(mobile.layer(named: "block_3_depthwise")?.weights.map(\.shape) == [[3, 3, 48, 1]])
        #expect(mobile.layer(named: "block_16_project")?.weights.map(\.shape) == [[1, 1, 336, 112]])
    }

    @Test func parsesArchitectureNames() throws {
        #expect(try ArchitectureConfig(parsing: "resnet50") == ArchitectureConfig(.resnet50))
        #expect(try ArchitectureConfig(parsing: "mobilenet_v2_0.35_96") == ArchitectureConfig(.mobileNetV2, inputSize: 96, alpha: 0.35))
        #expect(try ArchitectureConfig(parsing: "vgg16_avg") == ArchitectureConfig(.vgg16, includeTop: false, pooling: .average))
        #expect(try ArchitectureConfig(parsing: "mobilenetv2_1.0_224_no_top") == ArchitectureConfig(.mobileNetV2, includeTop: false))
        #expect(ArchitectureConfig(.mobileNetV2, inputSize: 96, alpha: 0.35).description == "mobilenetv2_0.35_96")
        #expect(throws: ArchitectureError.unknown("inception")) { try ArchitectureConfig(parsing: "inception") }
        #expect(throws: ArchitectureError.self) { try ArchitectureConfig(parsing: "resnet50_huge") }
        #expect(throws: ArchitectureError.self) { try ArchitectureConfig(parsing: "vgg16_8") }
    }
}
