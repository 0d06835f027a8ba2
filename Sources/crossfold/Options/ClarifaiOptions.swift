import ArgumentParser
import Clarifai
import Foundation
import Logging

/// Clarifai settings as flags. Each falls back to its `CLARIFAI_*` environment variable or to the
/// `--clarifai-config` file; the PAT has no value flag (flags show in `ps`): use CLARIFAI_PAT or
/// `--pat-file`.
struct ClarifaiOptions: ParsableArguments {
    @Option(help: "A KEY=VALUE file of CLARIFAI_* settings (never the PAT).")
    var clarifaiConfig: String?

    @Option(help: "A file whose first line is the Clarifai personal access token (else CLARIFAI_PAT).")
    var patFile: String?

    @Option(help: "Clarifai user id (CLARIFAI_USER_ID).") var userId: String?
    @Option(help: "Clarifai app id (CLARIFAI_APP_ID).") var appId: String?
    @Option(help: "Model id (CLARIFAI_MODEL_ID).") var modelId: String?
    @Option(help: "Model version id (CLARIFAI_MODEL_VERSION_ID).") var modelVersionId: String?
    @Option(help: "Ground-truth dataset id (CLARIFAI_DATASET_ID).") var datasetId: String?
    @Option(help: "App of the dataset, when it is in another app (CLARIFAI_DATASET_APP_ID).") var datasetAppId: String?
    @Option(help: "Owner of the dataset's app (CLARIFAI_DATASET_USER_ID).") var datasetUserId: String?
    @Option(help: "Dataset version id (CLARIFAI_DATASET_VERSION_ID).") var datasetVersionId: String?
    @Option(help: "API base URL (CLARIFAI_API_BASE, default https://api.clarifai.com).") var apiBase: String?
    @Option(help: "Clarifai RPCs for evaluations: evaluations (PostEvaluations/GetEvaluation, the default) or model-version (PostModelVersionEvaluations/GetModelVersionEvaluation) (CLARIFAI_EVALUATION_ENDPOINTS).")
    var evaluationEndpoints: String?

    @Option(help: "Seconds to wait for Clarifai's evaluation to finish.")
    var remoteTimeout: Int = 1800

    @Option(help: "Evaluation id to create on Clarifai (crossfold makes one up otherwise, so that a start whose reply is lost can be looked up).")
    var evalId: String?

    @Option(help: "Clarifai's eval_info.params.use_kfold: true (K-split) or false (holdout on the dataset; needed for embedding classifiers).")
    var useKfold: Bool?

    var overrides: ClarifaiOverrides {
        var values: [ClarifaiSetting: String] = [:]
        values[.userID] = userId
        values[.appID] = appId
        values[.modelID] = modelId
        values[.modelVersionID] = modelVersionId
        values[.datasetID] = datasetId
        values[.datasetAppID] = datasetAppId
        values[.datasetUserID] = datasetUserId
        values[.datasetVersionID] = datasetVersionId
        values[.apiBase] = apiBase
        values[.evaluationEndpoints] = evaluationEndpoints
        return ClarifaiOverrides(configFile: clarifaiConfig, patFile: patFile, values: values)
    }

    func configuration(logger: Logger) throws -> ClarifaiConfiguration {
        try ClarifaiConfiguration.resolve(environment: ProcessInfo.processInfo.environment, overrides: overrides, logger: logger)
    }

    func request(for configuration: ClarifaiConfiguration) throws -> RemoteEvaluationRequest {
        RemoteEvaluationRequest(
            method: try RemoteEvaluationRequest.method(for: configuration), evaluationID: evalId, useKfold: useKfold)
    }
}
