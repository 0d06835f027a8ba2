import ArgumentParser
import Foundation
import Logging

/// `--log-format` and `--log-level`, with their `CROSSFOLD_LOG_*` fallbacks.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log format: text or json (one JSON object per line). Env: CROSSFOLD_LOG_FORMAT.")
    var logFormat: String?

    @Option(help: "Lowest level logged: \(LoggingOptions.levels). Env: CROSSFOLD_LOG_LEVEL.")
    var logLevel: String?

    /// Every level, for the help and the error: one list, so the two cannot differ.
    static let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")

    enum Stream { case standardOutput, standardError }

    /// Installs the process's log handler; call once, first thing in `run()`.
    func bootstrap(to stream: Stream, defaultLevel: Logger.Level = .info) throws -> Logger {
        let format = EnvironmentDefaults.string(logFormat, "CROSSFOLD_LOG_FORMAT") ?? "text"
        let levelText = EnvironmentDefaults.string(logLevel, "CROSSFOLD_LOG_LEVEL")
        guard format == "text" || format == "json" else {
            throw CommandFailure(.usage, "--log-format must be text or json, not \(format)")
        }
        let level: Logger.Level
        if let levelText {
            guard let parsed = Logger.Level(rawValue: levelText) else {
                throw CommandFailure(.usage, "--log-level must be one of \(Self.levels)")
            }
            level = parsed
        } else {
            level = defaultLevel
        }
        LoggingOptions.install(json: format == "json", stream: stream, level: level)
        var logger = Logger(label: "crossfold")
        logger.logLevel = level
        return logger
    }

    private static func install(json: Bool, stream: Stream, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch (json, stream) {
            case (true, .standardOutput): handler = JSONLinesLogHandler(label: label, output: .standardOutput)
            case (true, .standardError): handler = JSONLinesLogHandler(label: label, output: .standardError)
            case (false, .standardOutput): handler = StreamLogHandler.standardOutput(label: label)
            case (false, .standardError): handler = StreamLogHandler.standardError(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }
}
