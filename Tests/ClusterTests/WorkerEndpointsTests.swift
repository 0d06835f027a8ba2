import Cluster
import Testing

@Suite struct WorkerEndpointsTests {
    @Test func defaultsToPort5556AndPutsDataOnTheNextPort() throws {
        #expect(try WorkerEndpoints.parse("tcp://coordinator") == WorkerEndpoints(
            control: "tcp://coordinator:5556", data: "tcp://coordinator:5557"))
        #expect(try WorkerEndpoints.parse("tcp://10.0.0.5:7000") == WorkerEndpoints(
            control: "tcp://10.0.0.5:7000", data: "tcp://10.0.0.5:7001"))
    }

    @Test func acceptsAHostWithoutSchemeAndIPv6InBrackets() throws {
        #expect(try WorkerEndpoints.parse("coordinator:6000").data == "tcp://coordinator:6001")
        #expect(try WorkerEndpoints.parse("tcp://[::1]:6000") == WorkerEndpoints(
            control: "tcp://[::1]:6000", data: "tcp://[::1]:6001"))
        #expect(try WorkerEndpoints.parse("tcp://[fd00::2]").control == "tcp://[fd00::2]:5556")
    }

    @Test func refusesWhatItCannotSplitIntoTwoEndpoints() {
        for bad in ["ipc:///tmp/c", "inproc://c", "tcp://", "tcp://host:0", "tcp://host:65535", "tcp://host:x",
                    "tcp://*:5556", "tcp://[::1"] {
            #expect(throws: WorkerEndpointError.self, "\(bad)") { try WorkerEndpoints.parse(bad) }
        }
        #expect(throws: WorkerEndpointError.self) { try WorkerEndpoints.parse("ipc:///tmp/c") }
        do {
            _ = try WorkerEndpoints.parse("ipc:///tmp/c")
        } catch {
            #expect(error.description.contains("use tcp://HOST[:PORT]"))
        }
    }
}
