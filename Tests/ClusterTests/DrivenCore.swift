import Cluster

/// A coordinator core whose effects (store writes, uploads, metrics, results) are carried out
/// inline, as the shell would carry them out off the loop: tests send an input and see every
/// output it leads to.
final class DrivenCore {
    var core: CoordinatorCore
    let effects: InlineEffects

    init(
        store: any JobStore = InMemoryJobStore(), registry: DatasetRegistry, software: String = "test",
        memoryBytes: Int = JobLimits.defaultMemoryBytes
    ) {
        core = CoordinatorCore(store: store, registry: registry, software: software, memoryBytes: memoryBytes)
        effects = InlineEffects(store: store, registry: registry, software: software)
    }

    func handle(_ input: CoordinatorInput, now: Duration) -> [CoordinatorOutput] {
        effects.handle(input, on: &core, now: now)
    }
}
