import Foundation
import Zoo
import ZooModels

extension InfoCommand {
    /// Keras counts a batch norm's moving statistics as (non-trainable) weights; PyTorch, and
    /// ONNX exports of PyTorch models, do not (they are buffers): follow the model's framework.
    var countsRunningStatistics: Bool {
        let spec = name ?? options.model ?? ModelOptions.defaultModel
        if ["h5", "hdf5", "keras"].contains(URL(fileURLWithPath: spec).pathExtension.lowercased()) { return true }
        if case .keras? = (try? ModelSource(spec, options: options.loadOptions))?.manifest?.architecture { return true }
        return false
    }
}
