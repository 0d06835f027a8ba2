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

/// A failure the command line reports in one line and turns into an exit code of `ExitStatus`.
struct CommandFailure: Error, CustomStringConvertible {
    let status: ExitStatus
    let message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    var code: Int32 { status.rawValue }
    var description: String { message }

    /// Maps any error of the libraries to its message and exit code, once, here.
    static func from(_ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure:
            return failure
        case let error as DatasetError:
            return CommandFailure(error.rule == .unwritable ? .cannotWrite : .invalidDataset, error.description)
        case let error as FoldPlanError:
            switch error {
            case .usage(let usage): return CommandFailure(.usage, usage.description)
            case .dataset(let dataset): return CommandFailure(.invalidDataset, dataset.description)
            }
        case let error as FoldUsageError:
            return CommandFailure(.usage, error.description)
        case let error as LearnerError:
            let failed = error.kind == .trainingFailed || error.kind == .cancelled
            return CommandFailure(failed ? .evaluationFailed : .usage, error.description)
        case let error as ClientError:
            return from(error)
        case let error as ClarifaiError:
            switch error.category {
            case .configuration: return CommandFailure(.usage, error.description)
            case .unavailable: return CommandFailure(.unavailable, error.description)
            case .rejected, .evaluation, .cancelled: return CommandFailure(.evaluationFailed, error.description)
            }
        case let error as KeyFileError:
            return CommandFailure(error.kind == .unwritable ? .cannotWrite : .usage, error.description)
        case let error as WorkerEndpointError:
            return CommandFailure(.usage, error.description)
        case let error as DatasetCacheError where error.kind == .unwritable || error.kind == .unreadable:
            return CommandFailure(.cannotWrite, error.description + "; give --cache-dir (CROSSFOLD_CACHE_DIR) a directory this user can write")
        case let error as ReportError:
            return CommandFailure(.cannotWrite, error.description)
        case let error as ZeroMQError:
            return CommandFailure(.unavailable, "\(error)")
        case let error as EvaluationError:
            return CommandFailure(.evaluationFailed, error.description)
        default:
            return CommandFailure(.evaluationFailed, "\(error)")
        }
    }

    private static func from(_ error: ClientError) -> CommandFailure {
        switch error {
        case .unreachable, .handshakeFailed: return CommandFailure(.unavailable, error.description)
        case .refused(let code, let message):
            switch code {
            case "usage": return CommandFailure(.usage, message)
            case "invalid-dataset": return CommandFailure(.invalidDataset, message)
            case "unknown-job": return CommandFailure(.notFound, message)
            default: return CommandFailure(.evaluationFailed, message)
            }
        case .badReply, .cancelled: return CommandFailure(.evaluationFailed, error.description)
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
