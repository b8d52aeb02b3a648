/// Keras' `ReLU(max_value, negative_slope, threshold)` layer, exactly as Keras computes it
/// (`keras.activations.relu`, same in tf.keras): keep x where x > threshold, else 0; clip to
/// [0, max_value] when there is a max; subtract negative_slope * max(threshold - x, 0).
/// With no max and a negative threshold, values in (threshold, 0) stay negative, as in Keras.
@inlinable
package func kerasReLU(_ x: Float, maxValue: Float?, negativeSlope: Float, threshold: Float) -> Float {
    var y = x > threshold ? x : 0
    if let maxValue { y = min(max(y, 0), maxValue) }
    return y - negativeSlope * max(threshold - x, 0)
}

/// The same formula in float64, for the reference kernels.
@inlinable
package func kerasReLU(_ x: Double, maxValue: Float?, negativeSlope: Float, threshold: Float) -> Double {
    let t = Double(threshold)
    var y = x > t ? x : 0
    if let maxValue { y = min(max(y, 0), Double(maxValue)) }
    return y - Double(negativeSlope) * max(t - x, 0)
}
