import Dispatch
import Synchronization

/// Computes one value per concept on up to `lanes` threads. Concepts are independent (each is
/// ranked and counted on its own), so the values, and so the metrics, are the same bit for bit
/// whatever the number of lanes; each lane keeps its buffers of ranked scores for all the concepts
/// it takes.
enum ConceptLanes {
    /// A lane's buffers: the scores being ranked and the radix sort's scratch.
    struct Buffers {
        var ranking: [RankedScore] = []
        var scratch: [RankedScore] = []
    }

    static func map<Value>(
        concepts: Int, lanes: Int, _ body: (_ concept: Int, _ buffers: inout Buffers) -> Value
    ) -> [Value] {
        let lanes = max(1, min(lanes, concepts))
        guard lanes > 1 else {
            var buffers = Buffers()
            return (0..<concepts).map { body($0, &buffers) }
        }
        let values = UnsafeMutableBufferPointer<Value>.allocate(capacity: concepts)
        defer { values.deallocate() }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            // Each concept's value is written once, to its own slot, by the lane that took it.
            nonisolated(unsafe) let body = body
            nonisolated(unsafe) let values = values
            DispatchQueue.concurrentPerform(iterations: lanes) { _ in
                var buffers = Buffers()
                while true {
                    let concept = next.add(1, ordering: .relaxed).oldValue
                    guard concept < concepts else { return }
                    (values.baseAddress! + concept).initialize(to: body(concept, &buffers))
                }
            }
        }
        let result = Array(values)
        _ = values.deinitialize()
        return result
    }
}
