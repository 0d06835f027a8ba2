import Foundation
import JSON

// The TASK and RESULT headers, one of each per task, written and read without `Codable`
// (`JSONObjectWriter`, `JSONObjectFields`): the same bytes as `WireJSON.encode` and the same
// values as `WireJSON.decode`, which still reads any header these do not (and says what is wrong
// with it). Through `Codable`, writing TASK and reading RESULT were a third of the coordinator's
// samples in its own code, and reading TASK a sixth of the worker's (`perf`, 10,000 trivial tasks;
// docs/PERFORMANCE.md, Dispatch through a coordinator).

extension TaskAssignment {
    /// The TASK header's text (fields in key order).
    var headerBytes: [UInt8] {
        var writer = JSONObjectWriter()
        writer.integer("attempt", attempt)
        writer.string("dataset", dataset)
        writer.integer("fold", fold)
        writer.string("holdout", ifPresent: holdout)
        writer.string("job", job)
        writer.integer("lease_milliseconds", leaseMilliseconds)
        writer.string("model", model)
        writer.strings("params", params)
        writer.integer("partition_folds", ifPresent: partitionFolds)
        writer.integer("repeat_index", repeatIndex)
        writer.integer("seed", seed)
        writer.integer("task", task)
        writer.integer("test_rows", testRows)
        return writer.bytes()
    }

    /// A TASK header read directly; nil for any it does not read as `WireJSON.decode` would.
    static func read(header: Data) -> TaskAssignment? {
        guard let fields = JSONObjectFields(header),
              let job = fields.string("job"), let task = fields.integer("task"), let attempt = fields.integer("attempt"),
              let dataset = fields.string("dataset"), let holdout = fields.optionalString("holdout"),
              let repeatIndex = fields.integer("repeat_index"), let fold = fields.integer("fold"),
              let testRows = fields.integer("test_rows"), let model = fields.string("model"),
              let params = fields.strings("params"), let seed = fields.integer("seed", as: UInt64.self),
              let lease = fields.integer("lease_milliseconds"), let partitionFolds = fields.optionalInteger("partition_folds")
        else { return nil }
        var assignment = TaskAssignment(
            job: job, task: task, attempt: attempt, dataset: dataset, holdout: holdout, repeatIndex: repeatIndex, fold: fold,
            testRows: testRows, model: model, params: params, seed: seed, leaseMilliseconds: lease)
        // The row folds travel in their own frame; the header says only how many folds there are.
        assignment.partitionFolds = partitionFolds
        return assignment
    }
}

extension WorkerMessage.TaskResult {
    /// The RESULT header's text (fields in key order).
    var headerBytes: [UInt8] {
        var writer = JSONObjectWriter()
        writer.integer("attempt", attempt)
        writer.integer("concepts", concepts)
        writer.string("job", job)
        writer.integer("rows", rows)
        do {
            try writer.double("seconds", seconds)
        } catch {
            // What `WireJSON.encode` writes for a header it cannot encode; a worker's clock gives no NaN.
            return Array(WireJSON.encode(self))
        }
        writer.integer("task", task)
        return writer.bytes()
    }

    /// A RESULT header read directly; nil for any it does not read as `WireJSON.decode` would.
    static func read(header: Data) -> WorkerMessage.TaskResult? {
        guard let fields = JSONObjectFields(header),
              let job = fields.string("job"), let task = fields.integer("task"), let attempt = fields.integer("attempt"),
              let rows = fields.integer("rows"), let concepts = fields.integer("concepts"), let seconds = fields.double("seconds")
        else { return nil }
        return WorkerMessage.TaskResult(job: job, task: task, attempt: attempt, rows: rows, concepts: concepts, seconds: seconds)
    }
}
