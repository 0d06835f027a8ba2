import Datasets
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Feature cells must read as exactly the Float `strtof` gives (correct rounding, ties to even),
/// including the awkward cases: many digits, tiny and huge exponents, and text that sits exactly on
/// or right next to the midpoint between two Floats.
@Suite struct NumberParsingTests {
    private func strtofBits(_ text: String) -> UInt32 {
        text.withCString { strtof($0, nil).bitPattern }
    }

    /// Loads `texts` as the one feature column of a CSV and compares each value with strtof.
    private func expectStrtofAgreement(_ texts: [String]) throws {
        let scratch = try Scratch()
        var csv = "x,label\n"
        for (i, text) in texts.enumerated() { csv += "\(text),c\(i % 2)\n" }
        let dataset = try DatasetReader.load(path: try scratch.write("n.csv", csv))
        var mismatches: [String] = []
        for (i, text) in texts.enumerated() where dataset.features[i].bitPattern != strtofBits(text) {
            mismatches.append("\(text): read \(dataset.features[i]), strtof \(Float(bitPattern: strtofBits(text)))")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(texts.count) differ, first: \(mismatches.prefix(5))")
    }

    @Test func randomDecimalTextMatchesStrtof() throws {
        var generator = FuzzRandom(seed: 42)
        var texts: [String] = []
        for _ in 0..<40_000 {
            var text = generator.next() % 3 == 0 ? "-" : ""
            let integerDigits = Int(generator.next() % 12)
            let fractionDigits = Int(generator.next() % 24)
            for _ in 0..<integerDigits { text += String(generator.next() % 10) }
            if integerDigits == 0 || generator.next() % 2 == 0 {
                text += (integerDigits == 0 ? "0." : ".")
                for _ in 0..<max(fractionDigits, 1) { text += String(generator.next() % 10) }
            }
            // At most 11 digits before the point and e+26 at most: always finite.
            if generator.next() % 2 == 0 { text += "e\(Int(generator.next() % 72) - 45)" }
            texts.append(text)
        }
        try expectStrtofAgreement(texts)
    }

    @Test func printedFloatsAndDoublesMatchStrtof() throws {
        var generator = FuzzRandom(seed: 3)
        var texts: [String] = []
        for _ in 0..<10_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()) & 0x7F7F_FFFF)
            texts += ["\(value)", String(format: "%.9g", value), String(format: "%.18e", Double(value)),
                      "\(Double(value) * 1.000000001)", String(format: "%.6f", Double(value))]
        }
        try expectStrtofAgreement(texts.filter { !$0.contains("inf") && !$0.contains("nan") })
    }

    @Test func textOnAndNearFloatMidpointsMatchesStrtof() throws {
        var generator = FuzzRandom(seed: 11)
        var texts = ["16777217", "16777219", "1.6777217e7", "33554434", "33554438", "0.5000000298023223876953125",
                     "16777217.000000000000001", "16777216.999999999999999",
                     "1.00000005960464477539062499", "1.00000005960464477539062501", "1e-46", "7e-46", "1.5e-45"]
        for _ in 0..<5_000 {
            // A Float between about 1e-6 and 1e6 (uniform in its bits, so every binade is tried) and
            // the midpoint to its successor, exact in Double. Its 19-digit rounding is not the
            // midpoint but lies closer to it than to any other Double: the case a Double-based
            // reader gets wrong unless it notices.
            let value = Float(bitPattern: 0x3580_0000 + UInt32(generator.next() % 0x1400_0000))
            let midpoint = (Double(value) + Double(value.nextUp)) / 2
            for digits in [17, 18, 19, 20, 25, 60] { texts.append(String(format: "%.\(digits)g", midpoint)) }
            texts.append(String(format: "%.17g", midpoint.nextUp))
            texts.append(String(format: "%.17g", midpoint.nextDown))
        }
        try expectStrtofAgreement(texts)
    }
}
