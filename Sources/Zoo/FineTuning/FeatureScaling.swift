/// Standardisation of embeddings (each feature minus its training mean, over its standard
/// deviation), as scikit-learn's `StandardScaler`. The head trains on standardised features,
/// which makes its loss well conditioned and its L2 penalty treat every feature alike; the
/// scaling is then folded into the first Dense layer, so the saved model reads raw embeddings.
struct FeatureScaling {
    var mean: [Double]
    /// 1 / standard deviation (1 for a constant feature, as scikit-learn).
    var inverseScale: [Double]

    /// The statistics of `data`'s rows.
    init(_ data: EmbeddedDataset) {
        let d = data.dimension, n = Double(max(data.count, 1))
        var mean = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        for r in 0..<data.count {
            for j in 0..<d {
                let v = Double(data.features[r * d + j])
                mean[j] += v
            }
        }
        for j in 0..<d { mean[j] /= n }
        for r in 0..<data.count {
            for j in 0..<d {
                let v = Double(data.features[r * d + j]) - mean[j]
                square[j] += v * v
            }
        }
        self.mean = mean
        inverseScale = square.map { s in
            let std = (s / n).squareRoot()
            return std > 1e-12 ? 1 / std : 1
        }
    }

    /// `data` with its features standardised.
    func apply(_ data: EmbeddedDataset) -> EmbeddedDataset {
        let d = data.dimension
        var features = data.features
        for i in features.indices {
            let j = i % d
            features[i] = Float((Double(features[i]) - mean[j]) * inverseScale[j])
        }
        return EmbeddedDataset(classes: data.classes, dimension: d, features: features, labels: data.labels)
    }

    /// Rewrites the head's first layer so that it computes on raw features what it computed
    /// on standardised ones: `W'[i, j] = W[i, j] / s_i`, `b'_j = b_j - sum_i m_i W[i, j] / s_i`.
    func fold(into head: inout TrainableHead) {
        let (kernel, bias) = head.ranges(ofLayer: 0)
        let outputs = head.layerSizes[1]
        for i in 0..<head.inputWidth {
            for j in 0..<outputs {
                let k = kernel.lowerBound + i * outputs + j
                head.parameters[k] *= inverseScale[i]
                head.parameters[bias.lowerBound + j] -= mean[i] * head.parameters[k]
            }
        }
    }
}
