import ArgumentParser
import Clarifai
import Cluster
import Datasets
import Evaluation
import Folds
import Foundation
import Learners
import Reports
import ZeroMQ

/// The exit codes README.md lists (sysexits.h values).
enum ExitStatus {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73
}

/// A failure the command line reports in one line and turns into an exit code.
struct CommandFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    init(_ code: Int32, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }

    /// Maps any error of the libraries to its message and exit code, once, here.
    static func from(_ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure:
            return failure
        case let error as DatasetError:
            return CommandFailure(error.rule == .unwritable ? ExitStatus.cannotCreate : ExitStatus.dataError, error.description)
        case let error as FoldPlanError:
            switch error {
            case .usage(let usage): return CommandFailure(ExitStatus.usage, usage.description)
            case .dataset(let dataset): return CommandFailure(ExitStatus.dataError, dataset.description)
            }
        case let error as FoldUsageError:
            return CommandFailure(ExitStatus.usage, error.description)
        case let error as LearnerError:
            return CommandFailure(error.kind == .trainingFailed ? ExitStatus.software : ExitStatus.usage, error.description)
        case let error as ClientError:
            switch error {
            case .unreachable, .handshakeFailed: return CommandFailure(ExitStatus.unavailable, error.description)
            case .refused(let code, let message):
                switch code {
                case "usage": return CommandFailure(ExitStatus.usage, message)
                case "invalid-dataset": return CommandFailure(ExitStatus.dataError, message)
                default: return CommandFailure(ExitStatus.software, message)
                }
            case .badReply, .cancelled: return CommandFailure(ExitStatus.software, error.description)
            }
        case let error as ClarifaiError:
            switch error.category {
            case .configuration: return CommandFailure(ExitStatus.usage, error.description)
            case .unavailable: return CommandFailure(ExitStatus.unavailable, error.description)
            case .rejected, .evaluation, .cancelled: return CommandFailure(ExitStatus.software, error.description)
            }
        case let error as KeyFileError:
            return CommandFailure(error.kind == .unwritable ? ExitStatus.cannotCreate : ExitStatus.usage, error.description)
        case let error as ReportError:
            return CommandFailure(ExitStatus.cannotCreate, error.description)
        case let error as ZeroMQError:
            return CommandFailure(ExitStatus.unavailable, "\(error)")
        case let error as EvaluationError:
            return CommandFailure(ExitStatus.software, error.description)
        default:
            return CommandFailure(ExitStatus.software, "\(error)")
        }
    }
}

/// Runs a command body, printing any failure as `crossfold: error: ...` and exiting with its code.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch is CleanExit {
        return
    } catch {
        let failure = CommandFailure.from(error)
        Terminal.standardError("crossfold: error: \(failure.message)\n")
        throw ExitCode(failure.code)
    }
}
