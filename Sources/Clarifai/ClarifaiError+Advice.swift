/// What to do about each Clarifai failure code, for ``ClarifaiError/description``.
extension ClarifaiError {
    /// Where the user fixes the PAT, from the token's source.
    static func patPlace(_ source: String) -> String {
        source == ClarifaiSetting.pat.environmentVariable
            ? "CLARIFAI_PAT (or pass --pat-file FILE)" : "the file given to \(source) (or CLARIFAI_PAT without --pat-file)"
    }

    static func credentialsAdvice(_ code: Int?) -> String {
        switch code {
        case 11001: "Clarifai calls the token invalid (11001): it is mistyped, truncated or revoked."
        case 11002: "Clarifai calls the credentials invalid (11002): the token has expired or was deleted."
        case 11008: "Clarifai calls the key invalid for this app (11008): an app-specific API key works only in its own app, so use a PAT or set CLARIFAI_APP_ID to the key's app."
        case 11009: "Clarifai does not know the key (11009): it was deleted or belongs to another environment (check CLARIFAI_API_BASE)."
        default: "The key is wrong, expired or unknown."
        }
    }

    static func throttlingAdvice(_ status: ClarifaiStatus) -> String {
        let wait = status.retryAfter.map { "Clarifai asked to wait \(seconds($0)) before trying again; " } ?? ""
        switch status.code {
        case 11003: return wait + "the hourly request limit is used up: try again in the next hour."
        case 11004: return wait + "the monthly request limit is used up: wait for next month or raise the plan's limit."
        case 11006: return wait + "the account's limits are exceeded: check the plan's usage and limits on clarifai.com."
        default: return wait.isEmpty ? "Too many requests: try again in a minute." : wait + "try again then."
        }
    }

    /// The dataset rules (at least 2 concepts, enough labelled inputs per concept) only for the
    /// codes that stand for them, and the generic 21317 that now carries them in its details.
    static func evaluationAdvice(_ code: Int, _ evaluationID: String) -> String {
        let dataset = "Check the dataset: at least 2 concepts and at least 10 labelled inputs per concept."
        switch code {
        case 21310:
            return "The evaluation ran past Clarifai's own time limit (21310), which the dataset's rules do not cause: start it again later or on fewer inputs, and if it keeps timing out, give Clarifai support the evaluation id \(evaluationID)."
        case 21311:
            return "Clarifai timed out waiting for the dataset's inputs to be processed (21311): wait until the dataset's inputs finish processing, then start the evaluation again."
        case 21315:
            return "Clarifai found too few annotated concepts (21315). " + dataset
        case 21316:
            return "Clarifai found too few labelled inputs per concept (21316). " + dataset
        case 21317:
            return "Clarifai's details say why; when they name labels or inputs: " + dataset
        default:
            return "This failed on Clarifai's side: start the evaluation again, and if it fails again give Clarifai support the evaluation id \(evaluationID)."
        }
    }
}
