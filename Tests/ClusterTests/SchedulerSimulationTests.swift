import Cluster
import Testing

/// The scheduler with many simulated workers on the mock clock (the `scheduler-simulation`
/// benchmark at a size a debug build runs in a moment).
@Suite struct SchedulerSimulationTests {
    @Test func everyTaskIsKeptOnceAndSlotsStayBusyWhileWorkersVanish() {
        let parameters = SchedulerSimulation.Parameters(
            workers: 50, slots: 2, jobs: 4, tasks: 4_000, taskTime: .seconds(1), vanishing: 5)
        let outcome = SchedulerSimulation(parameters).run()
        #expect(outcome.jobsCompleted == 4)
        #expect(outcome.jobsFailed == 0)
        #expect(outcome.completed == ["j0": 1_000, "j1": 1_000, "j2": 1_000, "j3": 1_000])
        #expect(outcome.duplicateResults == 0)
        // The vanished workers' tasks came back (each held at most its slots: 1 s tasks are not sent ahead).
        #expect(outcome.requeued > 0 && outcome.requeued <= 5 * 2)
        #expect(outcome.mostHeld == 2)
        // 45 workers carry on: the ideal for 50 is 40 s; losing a tenth of them and the 5 s it takes to
        // notice costs at most that.
        #expect(outcome.makespan < outcome.ideal * (50.0 / 45) + .seconds(6), "\(outcome.makespan) vs \(outcome.ideal)")
    }

    @Test func shortTasksAreHeldAheadAndNeverMoreThanFourPerSlot() {
        let parameters = SchedulerSimulation.Parameters(workers: 20, slots: 3, jobs: 2, tasks: 6_000, taskTime: .milliseconds(10))
        let outcome = SchedulerSimulation(parameters).run()
        #expect(outcome.jobsCompleted == 2)
        #expect(outcome.completed.values.reduce(0, +) == 6_000)
        // Three ahead per slot (`tasksAheadPerSlot`) and one running: 4 × 3 slots.
        #expect(outcome.mostHeld == 12)
        #expect(outcome.assignments == 6_000)
    }

    @Test func theSameParametersGiveTheSameRun() {
        let parameters = SchedulerSimulation.Parameters(workers: 10, slots: 2, jobs: 2, tasks: 500, vanishing: 1, seed: 9)
        let (a, b) = (SchedulerSimulation(parameters).run(), SchedulerSimulation(parameters).run())
        #expect(a.makespan == b.makespan)
        #expect(a.events == b.events)
        #expect(a.requeued == b.requeued)
    }
}
