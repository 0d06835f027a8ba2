/// A growing wait: `initial`, then each wait `factor` times the last, never above `maximum`.
///
/// Polling uses 1 s × 1.5 up to 10 s (1, 1.5, 2.25, 3.4, 5.1, 7.6, 10, 10, ...); retries of
/// transient failures use 1 s × 2 up to 10 s, for a bounded number of attempts, or longer when a
/// `Retry-After` asks for it.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var factor: Double
    public var maximum: Duration

    public init(initial: Duration, factor: Double, maximum: Duration) {
        precondition(initial > .zero && factor >= 1 && maximum >= initial, "a backoff must start positive and grow")
        self.initial = initial
        self.factor = factor
        self.maximum = maximum
    }

    /// Between polls of a queued or running evaluation.
    public static let polling = Backoff(initial: .seconds(1), factor: 1.5, maximum: .seconds(10))
    /// Between attempts of a request that failed transiently.
    public static let retrying = Backoff(initial: .seconds(1), factor: 2, maximum: .seconds(10))

    /// The wait before attempt `index + 1` (index 0 is the first wait).
    public func delay(_ index: Int) -> Duration {
        var delay = initial
        for _ in 0..<max(0, index) {
            delay = delay * factor
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}

/// How hard ``RemoteEvaluation`` tries.
public struct RemotePolicy: Sendable, Equatable {
    /// Waits between status polls.
    public var polling: Backoff
    /// Waits between attempts of one request after a transient failure.
    public var retrying: Backoff
    /// Attempts per request, the first included (so `maxAttempts - 1` retries).
    public var maxAttempts: Int
    /// Heavy parts fetched once the evaluation is done.
    public var fields: EvaluationFields
    /// The longest `Retry-After` honoured by waiting; a longer one ends the request with
    /// `ClarifaiError.throttled`, whose message says how long Clarifai asked to wait.
    public var maxRetryAfter: Duration

    public init(polling: Backoff = .polling, retrying: Backoff = .retrying, maxAttempts: Int = 4,
                fields: EvaluationFields = .all, maxRetryAfter: Duration = .seconds(60)) {
        precondition(maxAttempts >= 1, "at least one attempt")
        self.polling = polling
        self.retrying = retrying
        self.maxAttempts = maxAttempts
        self.fields = fields
        self.maxRetryAfter = maxRetryAfter
    }
}
