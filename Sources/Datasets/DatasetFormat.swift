/// The file formats a dataset can be read from, chosen by the file's extension.
public enum DatasetFormat: String, Sendable, Equatable, Codable, CaseIterable {
    /// `.csv`: a header line, a `label` or `labels` column, optional `id` and `group`, features.
    case csv
    /// `.jsonl` or `.ndjson`: one Clarifai input object per line.
    case jsonl
    /// `.npy`: a float32/float64 matrix, with `<stem>.labels.txt` (and optionally `.ids.txt`,
    /// `.groups.txt`) beside it.
    case npy
    /// `.cfds`: crossfold's canonical binary form (docs/CANONICAL-FORMAT.md).
    case canonical = "cfds"

    /// The format of `path` by its extension (case-insensitive), or nil for an unknown extension.
    public init?(path: String) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "jsonl", "ndjson": self = .jsonl
        case "npy": self = .npy
        case "cfds": self = .canonical
        default: return nil
        }
    }

    /// The extension a file of this format carries, with its dot.
    public var fileExtension: String { ".\(rawValue)" }
}
