/// Rows of plain-text cells in columns padded to their widest cell, two spaces apart: the first
/// `leading` columns flush left (names), the rest flush right (numbers), trailing spaces trimmed.
/// The concept table and a sweep's comparison both print this way.
struct AlignedColumns {
    let widths: [Int]
    let leading: Int

    /// Columns wide enough for every line in `lines`.
    init(_ lines: [[String]], leading: Int) {
        var widths = lines.first.map { $0.map(\.count) } ?? []
        for line in lines {
            for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        self.widths = widths
        self.leading = leading
    }

    func format(_ line: [String]) -> String {
        line.enumerated().map { column, cell in
            let padding = String(repeating: " ", count: widths[column] - cell.count)
            return column < leading ? cell + padding : padding + cell
        }.joined(separator: "  ").trimmingTrailingSpaces()
    }

    /// Every column's width and the spaces between them.
    var totalWidth: Int { widths.reduce(0, +) + 2 * (widths.count - 1) }
}

extension ConceptTable {
    /// `mean ± std` to 4 decimals; `-` without a mean, the mean alone without a spread.
    static func meanAndSpread(_ mean: Double?, _ std: Double?) -> String {
        var text = mean.map { fixed($0, 4) } ?? "-"
        if let std { text += " ± " + fixed(std, 4) }
        return text
    }
}
