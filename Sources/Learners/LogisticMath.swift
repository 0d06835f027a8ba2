/// The elementwise part of the logistic losses: `exp`, `log1p`, the sigmoid and the binary log-loss,
/// written branch-free in single precision so the compiler vectorises the loops over a block.
///
/// `exp` is Cephes' single-precision polynomial (about 1 ulp); `log1p` is the short atanh series below.
enum LogisticMath {
    /// `exp(x)` for `x <= 0`; values below -87 give `exp(-87)` (about 1.6e-38).
    @inline(__always)
    static func expNonPositive(_ x: Float) -> Float {
        let x = max(x, -87)
        // Adding 1.5 · 2^23 rounds x·log2(e) to the nearest integer k, kept in the low mantissa bits.
        let shifted = x * 1.442_695_04 + 12_582_912
        let k = shifted - 12_582_912
        let r = x - k * 0.693_359_375 - k * -2.121_944_40e-4
        var p: Float = 1.987_569_150_0e-4
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let y = p * r * r + r + 1
        let bits = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        return y * Float(bitPattern: bits)
    }

    /// `log(1 + t)` for `0 <= t <= 1`, from `log(m) = 2·atanh((m − 1)/(m + 1))` with `1 + t = 2^e·m`,
    /// `m` in [√½, √2]: `y = (m − 1)/(m + 1)` is formed without rounding `1 + t` (`t/(t + 2)`, or
    /// `(t − 1)/(t + 3)` when `1 + t > √2`), so small `t` keep full precision; `|y| <= 0.172`, so the
    /// series to `y^7/7` is within 3e-8 (below the rounding of the result).
    @inline(__always)
    static func log1pUnit(_ t: Float) -> Float {
        let high = t > 0.414_213_56
        let y = (high ? t - 1 : t) / (high ? t + 3 : t + 2)
        let w = y * y
        var p: Float = 1 / 7
        p = p * w + 1 / 5
        p = p * w + 1 / 3
        let e: Float = high ? 0.693_147_18 : 0
        return e + 2 * (y + y * w * p)
    }

    /// `log(v)` for a positive normal `v`: the exponent times log 2 plus `log1p` of the mantissa.
    @inline(__always)
    static func logPositive(_ v: Float) -> Float {
        let bits = v.bitPattern
        let exponent = Float(Int32(bitPattern: bits >> 23) - 127)
        let mantissa = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)
        return log1pUnit(mantissa - 1) + exponent * 0.693_359_375 + exponent * -2.121_944_40e-4
    }

    /// For scores `z` and 0/1 targets `y` (`count` of each): writes the binary log-loss
    /// `log(1 + e^z) − y·z` to `loss` and replaces each score by its residual `sigmoid(z) − y`, the
    /// loss's derivative. (In place on purpose: separate input and output pointers that may alias
    /// make the compiler fall back to a scalar loop.)
    static func binaryLoss(
        scoresToResiduals z: UnsafeMutablePointer<Float>, targets y: UnsafePointer<UInt8>,
        loss: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count {
            let s = z[i]
            let target = Float(y[i])
            let t = expNonPositive(-abs(s))
            let sigmoid = (s >= 0 ? 1 : t) / (1 + t)
            loss[i] = max(s, 0) + log1pUnit(t) - target * s
            z[i] = sigmoid - target
        }
    }

    /// `Σ values` in double precision, in a fixed order (four interleaved partial sums, then combined),
    /// so it is fast and the same on every run.
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Double {
        var s0: Double = 0, s1: Double = 0, s2: Double = 0, s3: Double = 0
        var i = 0
        while i + 4 <= count {
            s0 += Double(values[i])
            s1 += Double(values[i + 1])
            s2 += Double(values[i + 2])
            s3 += Double(values[i + 3])
            i += 4
        }
        while i < count {
            s0 += Double(values[i])
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// `sigmoid(z)` in place for `count` scores.
    static func sigmoid(_ z: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let s = z[i]
            let t = expNonPositive(-abs(s))
            z[i] = (s >= 0 ? 1 : t) / (1 + t)
        }
    }

    /// Softmax in place over each row of a `rows × columns` matrix.
    static func softmaxRows(_ z: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for i in 0..<rows {
            let row = z + i * columns
            var top = -Float.infinity
            for c in 0..<columns { top = max(top, row[c]) }
            var sum: Float = 0
            for c in 0..<columns {
                let e = expNonPositive(row[c] - top)
                row[c] = e
                sum += e
            }
            let inverse = 1 / sum
            for c in 0..<columns { row[c] *= inverse }
        }
    }

    /// Softmax in place over each column of a `classes × rows` matrix (row `k` holds class `k`'s scores
    /// of every row), writing each column's `log Σ exp` of the original scores to `logSumExp` and using
    /// `top` (`rows` floats) as scratch. Loops run along the rows so they vectorise.
    static func softmaxColumns(
        _ z: UnsafeMutablePointer<Float>, classes: Int, rows: Int,
        logSumExp: UnsafeMutablePointer<Float>, top: UnsafeMutablePointer<Float>
    ) {
        top.update(repeating: -.infinity, count: rows)
        for k in 0..<classes {
            let scores = z + k * rows
            for i in 0..<rows { top[i] = max(top[i], scores[i]) }
        }
        logSumExp.update(repeating: 0, count: rows)
        for k in 0..<classes {
            let scores = z + k * rows
            for i in 0..<rows {
                let e = expNonPositive(scores[i] - top[i])
                scores[i] = e
                logSumExp[i] += e
            }
        }
        for k in 0..<classes {
            let scores = z + k * rows
            for i in 0..<rows { scores[i] /= logSumExp[i] }
        }
        // The sums are at least 1 (the top class contributes e^0).
        for i in 0..<rows { logSumExp[i] = top[i] + logPositive(logSumExp[i]) }
    }
}
