/// Parses decimal text straight into a correctly rounded `Float`, the value `strtof` gives.
///
/// Dataset files hold tens of millions of numbers, so the common case avoids building strings:
/// up to 19 significant digits and a decimal exponent within ±22 are computed exactly enough in
/// `Double` arithmetic (see `nearest`), and everything else (more digits, huge or tiny exponents,
/// `inf`, `nan`, hexadecimal) goes through the standard library's `Float(String)`, which is
/// `strtof` in the C locale.
enum DecimalFloatParser {
    /// Parses the number that starts at `start` (no leading whitespace) and stops before `end`.
    ///
    /// Returns the value and the number of bytes it spans, or nil when the bytes there do not start
    /// with decimal syntax (`[+-] digits [. digits] [e [+-] digits]`). Syntax that only `strtof`
    /// understands (`inf`, `nan`, `0x1p3`) is left to `parseSpecial`.
    @inline(__always)
    static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (value: Float, length: Int)? {
        let count = end - start
        var i = 0
        var negative = false
        if i < count, start[i] == UInt8(ascii: "-") || start[i] == UInt8(ascii: "+") {
            negative = start[i] == UInt8(ascii: "-")
            i += 1
        }
        var significand: UInt64 = 0
        var taken = 0
        var exponent = 0
        var droppedNonZero = false
        var digitCount = 0

        while i < count {
            let digit = start[i] &- UInt8(ascii: "0")
            if digit > 9 { break }
            if significand == 0 && digit == 0 {
                // A leading zero carries no information.
            } else if taken < 19 {
                significand = significand &* 10 &+ UInt64(digit)
                taken += 1
            } else {
                exponent += 1
                if digit != 0 { droppedNonZero = true }
            }
            i += 1
            digitCount += 1
        }
        if i < count, start[i] == UInt8(ascii: ".") {
            i += 1
            while i < count {
                // Long fractions (embeddings written with 8 or more digits) go eight digits at a time.
                if significand != 0, taken <= 11, count - i >= 8,
                   let eight = eightDigits(UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self)) {
                    significand = significand &* 100_000_000 &+ eight
                    taken += 8
                    exponent -= 8
                    i += 8
                    digitCount += 8
                    continue
                }
                let digit = start[i] &- UInt8(ascii: "0")
                if digit > 9 { break }
                if significand == 0 && digit == 0 {
                    exponent -= 1
                } else if taken < 19 {
                    significand = significand &* 10 &+ UInt64(digit)
                    taken += 1
                    exponent -= 1
                } else if digit != 0 {
                    droppedNonZero = true
                }
                i += 1
                digitCount += 1
            }
        }
        if digitCount == 0 { return nil }

        if i < count, start[i] | 0x20 == UInt8(ascii: "e") {
            // The exponent belongs to the number only when it has digits ("1e" is 1 then "e").
            var j = i + 1
            var exponentNegative = false
            if j < count, start[j] == UInt8(ascii: "-") || start[j] == UInt8(ascii: "+") {
                exponentNegative = start[j] == UInt8(ascii: "-")
                j += 1
            }
            var written = 0
            var sawDigit = false
            while j < count {
                let digit = start[j] &- UInt8(ascii: "0")
                if digit > 9 { break }
                // Saturate: anything past 10^6 is zero or infinity for a Float anyway.
                if written < 1_000_000 { written = written * 10 + Int(digit) }
                sawDigit = true
                j += 1
            }
            if sawDigit {
                exponent += exponentNegative ? -written : written
                i = j
            }
        }

        if significand == 0 { return (negative ? -0.0 : 0.0, i) }
        if !droppedNonZero, let magnitude = nearest(significand, exponent) {
            return (negative ? -magnitude : magnitude, i)
        }
        // Rare: let strtof decide from the exact text.
        let text = String(decoding: UnsafeBufferPointer(start: start, count: i), as: UTF8.self)
        guard let value = Float(text) else { return nil }
        return (value, i)
    }

    /// The value of eight ASCII digits loaded as one word, or nil when some byte is not a digit
    /// (SWAR, as in Lemire's fast_float).
    @inline(__always)
    private static func eightDigits(_ word: UInt64) -> UInt64? {
        var value = UInt64(littleEndian: word)
        guard ((value &+ 0x4646_4646_4646_4646) | (value &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0 else {
            return nil
        }
        value &-= 0x3030_3030_3030_3030
        value = value &* 10 &+ (value >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let first: UInt64 = 100 + (1_000_000 << 32)
        let second: UInt64 = 1 + (10_000 << 32)
        return ((value & mask) &* first &+ ((value >> 16) & mask) &* second) >> 32
    }

    /// The `strtof` reading of text that is not plain decimal syntax (`inf`, `nan`, `0x1p-3`), or nil.
    static func parseSpecial(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? {
        guard bytes.count <= 64 else { return nil }
        return Float(String(decoding: bytes, as: UTF8.self))
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// `w × 10^q` rounded to the nearest Float, or nil when this method cannot be sure.
    ///
    /// 10^|q| ≤ 10^22 is exact in Double. `d` below is within half a Double ulp (plus at most
    /// 2^-100 relative) of the true value, and every rounding boundary between two Floats (a
    /// midpoint) is itself a Double. So unless `d` lands exactly on such a midpoint, the true value
    /// lies on the same side of every midpoint as `d` and `Float(d)` is the correctly rounded
    /// result. The range |q| ≤ 22, w < 10^19 keeps every value inside the normal Float range.
    @inline(__always)
    private static func nearest(_ w: UInt64, _ q: Int) -> Float? {
        guard q >= -22, q <= 22 else { return nil }
        let power = powersOfTen.withUnsafeBufferPointer { $0[q < 0 ? -q : q] }
        let high = Double(w)
        let d: Double
        if w <= 1 << 53 {
            // w is exact, so one IEEE operation is correctly rounded.
            d = q < 0 ? high / power : high * power
        } else {
            // w = high + low exactly; low is small (|low| ≤ 2^10) and exact.
            let low = Double(Int64(bitPattern: w &- UInt64(high)))
            if q < 0 {
                let quotient = high / power
                let remainder = high.addingProduct(-quotient, power)  // exact
                d = quotient + (remainder + low) / power
            } else {
                let product = high * power
                let error = (-product).addingProduct(high, power)  // exact
                d = product + (error + low * power)
            }
        }
        // A Float midpoint in the normal range: bit 28 of the fraction set, bits 0-27 clear.
        if d.bitPattern & 0x1FFF_FFFF == 0x1000_0000 { return nil }
        return Float(d)
    }
}
