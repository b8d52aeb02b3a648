import Foundation
import Testing
import ZooImport

/// Broken, hostile and mismatched files: each fails with a clear error naming the file and the
/// part that is wrong, never a crash or HDF5's own printing.
@Suite struct KerasErrorTests {
    func message(_ name: String, architecture: String? = nil) throws -> String {
        let url = try KerasFixtures.url(name)
        do {
            _ = try KerasImporter.importGraph(from: url, architecture: architecture)
        } catch let error as ImportError {
            return error.description
        }
        Issue.record("\(name) imported without error")
        return ""
    }

    @Test func notHDF5() throws {
        let text = try message("not_hdf5.h5")
        #expect(text == "not_hdf5.h5: not an HDF5 file")
    }

    @Test func truncatedFile() throws {
        let text = try message("truncated.h5")
        #expect(text.hasPrefix("truncated.h5: truncated: "))
        #expect(text.contains("eof"))
    }

    @Test func missingFile() throws {
        let text = try message("no_such_file.h5")
        #expect(text == "no_such_file.h5: no such file")
    }

    @Test func wrongArchitecture() throws {
        let text = try message("mobilenetv2_035_96_weights.h5", architecture: "resnet50")
        // Only the classifier's name agrees.
        #expect(text.hasPrefix("mobilenetv2_035_96_weights.h5: layer_names: weights do not fit resnet50: 1 of 107 layers"))
        #expect(text.contains("conv1_conv: missing"))
        #expect(text.contains("tensors not used by the architecture: Conv1, bn_Conv1"))
    }

    @Test func wrongWidthNamesEveryMisShapedLayer() throws {
        let text = try message("mobilenetv2_035_96_weights.h5", architecture: "mobilenetv2_0.5_96")
        #expect(text.hasPrefix("mobilenetv2_035_96_weights.h5: block_1_project/kernel: expected [1,1,48,16], found [1,1,48,8]; "))
        #expect(text.contains("block_2_depthwise/depthwise_kernel: expected [3,3,96,1], found [3,3,48,1]"))
        #expect(!text.contains("Conv1/kernel"))
        // Long reports are cut after 24 problems.
        #expect(text.hasSuffix("weights: ... 163 more problems"))
    }

    @Test func badWeightsInFullModel() throws {
        let text = try message("residual_bad_weights.h5")
        #expect(text.contains("residual_bad_weights.h5: block1_conv2: missing"))
        #expect(text.contains("tensors not used by the architecture: surplus_dense"))
        #expect(text.contains("block0_conv1/kernel: expected [3,3,8,8], found [3,3,8,4]"))
    }

    @Test func unrecognisedWeights() throws {
        // A full model's weights group read as weights-only: no zoo architecture has these layers.
        let url = try KerasFixtures.url("residual_k3.h5")
        #expect(throws: ImportError.self) { try KerasImporter.recognizeArchitecture(at: url) }
        do {
            _ = try KerasImporter.recognizeArchitecture(at: url)
        } catch {
            #expect("\(error)".contains("fit no known architecture; pass --arch"))
        }
    }

    @Test func archiveEntryEscaping() throws {
        let text = try message("escaping_entry.keras")
        #expect(text == "escaping_entry.keras: zip entry '../outside.txt': path escapes the archive")
    }

    @Test func archiveWithoutWeights() throws {
        #expect(try message("no_weights.keras") == "no_weights.keras: model.weights.h5: missing")
    }

    @Test func unsupportedLayer() throws {
        let text = try message("unsupported_layer.keras")
        #expect(text.hasPrefix("unsupported_layer.keras: node 'stem_relu': unsupported GaussianNoise: zoo builds InputLayer, Conv2D"))
    }
}
