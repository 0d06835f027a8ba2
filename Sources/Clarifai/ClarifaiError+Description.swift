import Evaluation

extension ClarifaiError: CustomStringConvertible {
    /// What went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .missingSetting(let setting):
            "Clarifai setting \(setting.environmentVariable) is not set: \(setting.howToSet)."
        case .invalidSetting(let setting, let value, let reason):
            "Clarifai setting \(setting.environmentVariable) = \"\(value)\" is invalid: \(reason). Fix it with \(setting.environmentVariable) or \(setting.flag)."
        case .invalidPAT(let source, let reason):
            "The Clarifai PAT from \(source) is unusable: \(reason). Put the token alone on the first line of the file, or in CLARIFAI_PAT."
        case .patFileUnreadable(let path, let reason):
            "Cannot read the Clarifai PAT file \(path): \(reason). Check the path given to --pat-file and its permissions (chmod 600)."
        case .patInConfigFile(let path, let line):
            "\(path):\(line): the config file must not hold CLARIFAI_PAT. Remove that line and pass the token in the CLARIFAI_PAT environment variable or with --pat-file FILE."
        case .configFileUnreadable(let path, let reason):
            "Cannot read the Clarifai config file \(path): \(reason). Check the path and its permissions."
        case .configFileInvalid(let path, let line, let reason):
            "\(path):\(line): \(reason). Each line is KEY=VALUE with a CLARIFAI_* key (\(Self.fileKeys)), or a # comment."
        case .unreachable(let endpoint, let reason, let attempts):
            "Cannot reach Clarifai for \(endpoint) after \(Self.attempts(attempts)): \(reason). Check the network and CLARIFAI_API_BASE / --api-base."
        case .interrupted(let endpoint, let reason, let attempts):
            if endpoint.hasPrefix("POST") {
                "The exchange with Clarifai for \(endpoint) broke after the request was sent (\(Self.attempts(attempts))): \(reason). The evaluation may have been created: look for it with `crossfold clarifai list` before starting another."
            } else {
                "The exchange with Clarifai for \(endpoint) kept breaking (\(Self.attempts(attempts))): \(reason). Check the network and CLARIFAI_API_BASE / --api-base, then try again."
            }
        case .serverFailure(let endpoint, let status, let attempts):
            "Clarifai failed to serve \(endpoint) after \(Self.attempts(attempts)): \(status). This is on Clarifai's side; try again later."
        case .throttled(let endpoint, let status, let attempts):
            "Clarifai throttled \(endpoint) (\(Self.attempts(attempts))): \(status). \(Self.throttlingAdvice(status))"
        case .authenticationFailed(let endpoint, let status, let patSource):
            "Clarifai rejected the key for \(endpoint): \(status). \(Self.credentialsAdvice(status.code)) Set a valid personal access token in \(Self.patPlace(patSource)) (create one under Settings > Secrets on clarifai.com)."
        case .permissionDenied(let endpoint, let status) where status.code == 21201:
            "Clarifai denies the key's user access to the model for \(endpoint): \(status). Use a PAT of a user who may use the model (its owner, or a collaborator on its app), or point CLARIFAI_USER_ID, CLARIFAI_APP_ID, CLARIFAI_MODEL_ID (--user-id, --app-id, --model-id) at a model that user owns."
        case .permissionDenied(let endpoint, let status):
            "The Clarifai key may not call \(endpoint): \(status). Give the PAT the scopes evaluation needs (Apps_Get, Annotations_Get, Concepts_Get, Inputs_Get, Models_Add, Models_Get, Models_Train, Predict, Workflows_Get, Metrics_Get, Metrics_Add) or use a key of the app's owner."
        case .notFound(let endpoint, let status):
            "Clarifai has no such resource for \(endpoint): \(status). Check CLARIFAI_USER_ID, CLARIFAI_APP_ID, CLARIFAI_MODEL_ID, CLARIFAI_MODEL_VERSION_ID (or --user-id, --app-id, --model-id, --model-version-id) and the evaluation id."
        case .rejected(let endpoint, let status):
            "Clarifai refused \(endpoint): \(status). Check the evaluation settings (dataset id, use_kfold, evaluation id)."
        case .malformedResponse(let endpoint, let reason):
            "Clarifai's reply to \(endpoint) is not what the API returns: \(reason). Check that CLARIFAI_API_BASE / --api-base points at the Clarifai API."
        case .evaluationFailed(let evaluationID, let status):
            "Clarifai evaluation \(evaluationID) failed with status \(Self.render(status)). \(Self.evaluationAdvice(status.code, evaluationID))"
        case .notEvaluated(let endpoint, let status):
            "Clarifai has no evaluation to wait for at \(endpoint): \(status): the model version has not been evaluated. Start an evaluation with `crossfold evaluate --remote clarifai` (CLARIFAI_DATASET_ID or --dataset-id names the dataset), then read it with `crossfold clarifai get ID`."
        case .startUncertain(let evaluationID, let endpoint, let cause, let lookup):
            "Clarifai may or may not have started evaluation \(evaluationID): \(endpoint) failed after the request was sent (\(cause)), and looking the evaluation up \(lookup). crossfold did not post it again, to avoid a second evaluation. In a few minutes run `crossfold clarifai get \(evaluationID)`; if Clarifai still has no such evaluation, start it again with --eval-id \(evaluationID)."
        case .timedOut(let evaluationID, let waited, let lastStatus):
            "Clarifai evaluation \(evaluationID) had not finished after \(Self.seconds(waited)) (last status \(lastStatus.map(Self.render) ?? "unknown")). Wait longer with --remote-timeout, or read it later with `crossfold clarifai get \(evaluationID)`."
        case .cancelled:
            "The Clarifai request was cancelled."
        }
    }

    private static var fileKeys: String {
        ClarifaiSetting.allCases.filter { $0 != .pat }.map(\.environmentVariable).joined(separator: ", ")
    }

    private static func attempts(_ count: Int) -> String {
        count == 1 ? "1 attempt" : "\(count) attempts"
    }

    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\((seconds * 10).rounded() / 10) s"
    }

    static func render(_ status: EvalStatus) -> String {
        var text = "\(status.code)"
        if let description = status.description, !description.isEmpty { text += " \(description)" }
        if let details = status.details, !details.isEmpty { text += " (details: \(details))" }
        return text
    }
}
