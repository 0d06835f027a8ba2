import Foundation
import Synchronization

/// Runs the built `crossfold` executable on fuzz cases, with a time bound.
enum FuzzCommandLine {
    struct Run: Sendable {
        var status: Int32
        var standardError: String
    }

    struct TimedOut: Error, CustomStringConvertible {
        let arguments: [String]
        var description: String { "crossfold \(arguments.joined(separator: " ")) did not finish in time; killed" }
    }

    /// `.build/debug/crossfold` of this checkout, when it has been built.
    static var binary: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/debug/crossfold").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Runs `binary` with `arguments`, killing it after `limit`. Output goes through files, so a
    /// chatty process can never block on a full pipe.
    static func run(_ binary: String, _ arguments: [String], limit: Duration) async throws -> Run {
        let errorPath = NSTemporaryDirectory() + "crossfold-fuzz-stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        let finished = Mutex(false)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in
                finished.withLock { $0 = true }
                continuation.resume(returning: process.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: Double(limit.components.seconds))
                if !finished.withLock({ $0 }) { kill(pid, SIGKILL) }
            }
        }
        let standardError = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        if process.terminationReason == .uncaughtSignal, status == SIGKILL { throw TimedOut(arguments: arguments) }
        return Run(status: process.terminationReason == .uncaughtSignal ? 128 + status : status, standardError: standardError)
    }
}
