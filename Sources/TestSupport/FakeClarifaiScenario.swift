import Evaluation
import Foundation

/// How a ``FakeClarifaiServer`` behaves. Start from a preset and adjust the fields.
public struct FakeClarifaiScenario: Sendable, Equatable {
    /// The statuses an evaluation shows: the Post reply the first, each later Get the next, and
    /// the last one for ever after.
    public var statusWalk: [EvalStatus]
    /// How many requests, counting from the first, get HTTP 500 with Clarifai 10020 before the
    /// server recovers.
    public var serverErrors: Int
    /// Every model version (path or body) is unknown: HTTP 404 with Clarifai 21200.
    public var unknownModel: Bool
    /// The key lacks scopes: every authenticated request gets HTTP 403 with Clarifai 11007.
    public var missingScopes: Bool
    /// Every JSON object in every reply carries a field no client knows.
    public var unknownFields: Bool
    /// How many requests, after the `serverErrors` ones, get their connection closed without a
    /// reply (the request arrived; the answer was lost).
    public var droppedReplies: Int = 0
    /// Authenticated requests get HTTP 200 with an HTML page instead of JSON (a captive portal or
    /// a wrong API base).
    public var garbledReplies: Bool = false
    /// The replies to the requests after the `serverErrors` and `droppedReplies` ones, one each.
    public var failures: [FakeClarifaiFailure] = []
    /// A GetEvaluation reply body served verbatim for any Get of an evaluated evaluation (a
    /// recorded Clarifai response).
    public var recordedEvaluation: Data?

    public init(statusWalk: [EvalStatus], serverErrors: Int = 0, unknownModel: Bool = false,
                missingScopes: Bool = false, unknownFields: Bool = false) {
        precondition(!statusWalk.isEmpty, "an evaluation needs at least one status")
        self.statusWalk = statusWalk
        self.serverErrors = serverErrors
        self.unknownModel = unknownModel
        self.missingScopes = missingScopes
        self.unknownFields = unknownFields
    }

    public static let queued = EvalStatus(code: EvalStatus.queued, description: "Model is queued for evaluation.")
    public static let evaluating = EvalStatus(code: EvalStatus.evaluating, description: "Model is evaluating.")
    public static let evaluated = EvalStatus(code: EvalStatus.evaluated, description: "Model was successfully evaluated.")

    /// Queued (the Post reply), evaluating (first poll), evaluated (second poll on).
    public static let success = FakeClarifaiScenario(statusWalk: [queued, evaluating, evaluated])

    /// Evaluated at once: the Post reply already says 21300 (fast CLI tests).
    public static let immediate = FakeClarifaiScenario(statusWalk: [evaluated])

    /// Queued, evaluating, then the failure status `code` with Clarifai's description and details.
    public static func evaluationFails(
        code: Int = EvalStatus.failed, description: String = "Model evaluation failed.",
        details: String = "Need at least 10 inputs per concept; concept 'fish' has 4."
    ) -> FakeClarifaiScenario {
        FakeClarifaiScenario(statusWalk: [queued, evaluating, EvalStatus(code: code, description: description, details: details)])
    }

    /// The model or version does not exist.
    public static let unknownModel = FakeClarifaiScenario(statusWalk: [queued], unknownModel: true)

    /// The key is valid but lacks the scopes the RPCs need.
    public static let missingScopes = FakeClarifaiScenario(statusWalk: [queued], missingScopes: true)

    /// The first `count` requests fail with HTTP 500, then the success walk.
    public static func serverErrorsThenRecovery(_ count: Int = 2) -> FakeClarifaiScenario {
        FakeClarifaiScenario(statusWalk: success.statusWalk, serverErrors: count)
    }

    /// Queued, then evaluating for ever (for timeouts).
    public static let neverFinishes = FakeClarifaiScenario(statusWalk: [queued, evaluating])

    /// Every authenticated request answered 200 with HTML.
    public static let garbled: FakeClarifaiScenario = {
        var scenario = FakeClarifaiScenario(statusWalk: [queued])
        scenario.garbledReplies = true
        return scenario
    }()

    /// Evaluated at once, every Get of it answered with `body`, byte for byte.
    public static func recorded(_ body: Data) -> FakeClarifaiScenario {
        var scenario = immediate
        scenario.recordedEvaluation = body
        return scenario
    }

    /// The success walk after `failures`, one per request.
    public static func failing(_ failures: [FakeClarifaiFailure], then walk: [EvalStatus] = success.statusWalk) -> FakeClarifaiScenario {
        var scenario = FakeClarifaiScenario(statusWalk: walk)
        scenario.failures = failures
        return scenario
    }

    /// This scenario with an unknown field added to every JSON object of every reply.
    public func withUnknownFields() -> FakeClarifaiScenario {
        var scenario = self
        scenario.unknownFields = true
        return scenario
    }
}
