import ArgumentParser
import Datasets
import Foundation

/// `crossfold dataset inspect|import|synth`.
struct DatasetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect, convert or synthesise datasets.",
        subcommands: [Inspect.self, Import.self, Synth.self]
    )

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a dataset and print its rows, dimensions, concepts with counts, hash and warnings.")

        @Argument(help: "The dataset: .csv, .jsonl, .npy or .cfds.") var file: String
        @Option(help: "Labels file of an .npy dataset.") var labels: String?
        @OptionGroup var scratch: ScratchOptions

        func run() async throws {
            try await reportingFailures {
                let opened = try DatasetFile.open(file, labels: labels, scratchDirectory: scratch.directory, knownHashes: KnownHashes.directory)
                let summary = DatasetSummary(
                    dataset: opened.dataset, file: file, sha256: opened.sha256, warnings: opened.warnings)
                Terminal.standardOutput(summary.text)
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a dataset and write its canonical binary form (.cfds), which loads without parsing text.")

        @Argument(help: "The dataset: .csv, .jsonl or .npy.") var file: String
        @Option(help: "Labels file of an .npy dataset.") var labels: String?
        @Option(name: .shortAndLong, help: "The .cfds file to write.") var output: String

        func validate() throws { try DatasetCommand.validateOutput(output, command: "import") }

        func run() async throws {
            try await reportingFailures {
                try DatasetCommand.checkOutput(output)
                // Converted in one pass to a temporary file beside the output, then checked like any
                // dataset before it takes the output's name: an invalid dataset leaves nothing behind.
                let temporary = CanonicalDataset.temporaryPath(beside: output)
                let written = try DatasetImport.write(file, labels: labels, to: temporary, name: output)
                do {
                    let dataset = try CanonicalDataset.open(path: temporary)
                    for warning in try DatasetValidator.validate(dataset, file: file, checkingValues: false) {
                        Terminal.standardError("crossfold: warning: \(warning)\n")
                    }
                    try CanonicalDataset.moveIntoPlace(temporary, output)
                } catch {
                    unlink(temporary)
                    throw error
                }
                VerifiedFileRecord.Elsewhere.write(for: output, sha256: written.sha256, in: KnownHashes.directory)
                Terminal.standardOutput("\(output)  sha256 \(written.sha256)\n")
            }
        }
    }

    struct Synth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a synthetic dataset of Gaussian clusters (one per concept), for benchmarks.",
            discussion: "Centres are N(0,1) per feature; each row adds N(0, spread^2) noise per feature, so --spread sets how much the clusters overlap.")

        @Option(help: "Rows (inputs), dealt round-robin to the concepts; at least 10 per concept.") var rows: Int = 200_000
        @Option(help: "Features per row (the embedding's dimension).") var features: Int = 128
        @Option(help: "Concepts, one Gaussian cluster each (exclusive labels); at least 2.") var concepts: Int = 10
        @Option(help: "Noise standard deviation per feature (centres are N(0,1) per feature).") var spread: Float = 3
        @Option(help: "Seed of the centres and the noise: the same seed, the same file.") var seed: UInt64 = 1
        @Option(name: .shortAndLong, help: "The .cfds file to write.") var output: String

        func validate() throws {
            guard rows >= 20, features >= 1, concepts >= 2, rows >= concepts * 10 else {
                throw ValidationError("need at least 2 concepts, 1 feature and 10 rows per concept")
            }
            try DatasetCommand.validateOutput(output, command: "synth")
        }

        func run() async throws {
            try await reportingFailures {
                try DatasetCommand.checkOutput(output)
                let synthetic = SyntheticClusters(
                    rows: rows, features: features, concepts: concepts, spread: spread, seed: seed)
                let hash = try synthetic.write(to: output)
                VerifiedFileRecord.Elsewhere.write(for: output, sha256: hash, in: KnownHashes.directory)
                Terminal.standardOutput("\(output)  \(rows) x \(features), \(concepts) concepts, sha256 \(hash)\n")
            }
        }
    }
}
