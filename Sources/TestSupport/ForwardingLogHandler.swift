import Logging

/// One log line as a handler receives it, its metadata layers merged (the handler's, the
/// provider's, then the call's, later ones winning).
public struct LoggedLine: Sendable {
    public var label: String
    public var level: Logger.Level
    public var message: String
    public var metadata: Logger.Metadata
    /// The error passed with the line, rendered.
    public var error: String?
    /// The module that logged it.
    public var source: String
}

/// A log handler that hands every line to `sink`: the one handler behind the tests' log captures
/// and counters.
public struct ForwardingLogHandler: LogHandler {
    public let label: String
    private let sink: @Sendable (LoggedLine) -> Void
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, sink: @escaping @Sendable (LoggedLine) -> Void) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        merged.merge(metadataProvider?.get() ?? [:]) { $1 }
        merged.merge(event.metadata ?? [:]) { $1 }
        sink(LoggedLine(label: label, level: event.level, message: event.message.description, metadata: merged,
                        error: event.error.map { "\($0)" }, source: event.source))
    }
}
