/// IEEE 754 half-precision conversion done on the bits, so it works where the platform has
/// no `Float16` type (macOS on Intel). Rounds to nearest even, keeps infinities and NaN.
extension Float {
    /// The float nearest to an IEEE half-precision value given by its bits.
    public init(float16Bits h: UInt16) {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        var bits: UInt32
        if exponent == 0 {
            if mantissa == 0 {
                bits = sign
            } else {
                // Subnormal half: normalise into a float exponent.
                var m = mantissa
                var e = -1
                repeat { e += 1; m <<= 1 } while m & 0x400 == 0
                bits = sign | UInt32(127 - 15 - e) << 23 | (m & 0x3FF) << 13
            }
        } else if exponent == 0x1F {
            bits = sign | 0x7F80_0000 | mantissa << 13
        } else {
            bits = sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13
        }
        self = Float(bitPattern: bits)
    }

    /// This float rounded to half precision (to nearest even), as bits.
    public var float16Bits: UInt16 {
        let bits = bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        var mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF { return sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0) }
        let e = exponent - 127 + 15
        if e >= 0x1F { return sign | 0x7C00 }
        if e <= 0 {
            if e < -10 { return sign }
            mantissa |= 0x80_0000
            let shift = UInt32(14 - e)
            var half = mantissa >> shift
            let remainder = mantissa & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(e) << 10 | mantissa >> 13
        let remainder = mantissa & 0x1FFF
        if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }
}
