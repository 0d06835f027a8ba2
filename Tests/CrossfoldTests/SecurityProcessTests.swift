import Foundation
import Testing
import TestSupport

/// The built `crossfold` executable under attack: `keys generate`, then a coordinator with keys
/// (a separate process, so its memory can be measured) probed and hammered by pyzmq peers that
/// hold no allowed key (Tests/Scripts/hostile-peers.py).
@Suite(.serialized) struct SecurityProcessTests {
    struct Probes: Decodable {
        struct Probe: Decodable {
            var socket: String
            var peer: String
            var answered: Bool
            var expected: Bool
        }
        var probes: [Probe]
    }

    struct Hammer: Decodable {
        struct Counts: Decodable {
            var garbage_connections: Int
            var slowloris_opened: Int
            var slowloris_dropped_by_coordinator: Int
            var slowloris_median_hold_seconds: Double?
            var multipart_connections: Int
            var multipart_bytes_sent: Int
            var curve_unknown_handshakes: Int
            var curve_answers: Int
            /// Attack threads still stuck in a socket call 15 s after the attack ended (left behind).
            var stragglers: Int
        }
        var hammer: Counts
    }

    @Test(.timeLimit(.minutes(1)))
    func keysGenerateWritesOneFolderPerRoleAndRefusesToOverwrite() async throws {
        let root = try SecurityHarness.scratch("keys-cli")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let keys = root + "/keys"
        let first = try await SecurityHarness.crossfold(["keys", "generate", keys, "--workers", "2"])
        #expect(first.status == 0, "\(first)")
        for folder in ["coordinator", "worker-1", "worker-2", "client-1"] {
            #expect(first.standardOutput.contains("\(keys)/\(folder)"), "\(first)")
        }
        #expect(first.standardOutput.contains("crossfold coordinator --keys \(keys)/coordinator"))
        let publicKey = try String(contentsOfFile: keys + "/coordinator/coordinator.pub", encoding: .utf8)
        #expect(first.standardOutput.contains("coordinator public key: \(publicKey.trimmingCharacters(in: .newlines))"))
        let secret = try String(contentsOfFile: keys + "/coordinator/coordinator.key", encoding: .utf8)
        #expect(!first.standardOutput.contains(secret.trimmingCharacters(in: .newlines)))

        let again = try await SecurityHarness.crossfold(["keys", "generate", keys])
        #expect(again.status == 64, "\(again)")
        #expect(again.standardError.contains("keys exist already") && again.standardError.contains("--force"))
        #expect(try String(contentsOfFile: keys + "/coordinator/coordinator.pub", encoding: .utf8) == publicKey)

        let forced = try await SecurityHarness.crossfold(["keys", "generate", keys, "--force"])
        #expect(forced.status == 0, "\(forced)")
        #expect(try String(contentsOfFile: keys + "/coordinator/coordinator.pub", encoding: .utf8) != publicKey)
        #expect(try await SecurityHarness.crossfold(["keys", "generate", keys, "--workers", "0"]).status == 64)

        // A coordinator refuses a folder with a secret others can read, naming the file and the fix.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keys + "/coordinator/coordinator.key")
        let open = try await SecurityHarness.crossfold(["coordinator", "--keys", keys + "/coordinator",
                                                        "--client-bind", "tcp://127.0.0.1:*"])
        #expect(open.status == 64, "\(open)")
        #expect(open.standardError.contains("coordinator.key: other users can read this secret key"))
    }

    // The limit includes the wait for the python queue (`PythonOracle.require` imports zmq behind
    // the forty-odd scikit-learn oracles that start with the suite: over 100 s once in CI, where
    // 2 minutes ran out before the probe began); the probe itself takes a few seconds, and each
    // of its steps has its own timeout, which fails with the step's output.
    @Test(.timeLimit(.minutes(10)))
    func aPyzmqPeerWithoutAnAllowedKeyGetsNoAnswerFromAnySocket() async throws {
        try await PythonOracle.require(modules: ["zmq"])
        let root = try SecurityHarness.scratch("probe")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try await SecurityHarness.crossfold(["keys", "generate", root]).status == 0)
        let coordinator = try await SecurityHarness.Coordinator.start(keys: root + "/coordinator")

        let result = try await SecurityHarness.hostile(
            ["probe", "--keys", root] + coordinator.portArguments, as: Probes.self, timeout: .seconds(60))
        let log = try await coordinator.child.stop().standardOutput

        #expect(result.probes.count == 15)
        for probe in result.probes {
            #expect(probe.answered == probe.expected, "\(probe.socket) socket, \(probe.peer): answered \(probe.answered)")
        }
        // Every socket answered its allowed peer, so the silence of the others is the keys' doing.
        #expect(Set(result.probes.filter(\.answered).map(\.socket)) == ["client", "worker", "data"])
        #expect(log.contains("CURVE on: only allowlisted keys get in"))
        #expect(log.contains("refused a connection: key not allowed"))
        #expect(!log.contains("\"worker joined\""))
    }

    // The limit includes the wait for the other exclusive tests (fuzz, browser, command learner:
    // a few minutes at most under the full suite); the hammer itself takes about 25 s.
    @Test(.timeLimit(.minutes(10)))
    func coordinatorMemoryStaysBoundedWhileHostilePeersHammerIt() async throws {
        // Its sampler must run three times a second: not beside the browser, command-learner and
        // fuzz tests (ExclusiveTests), which starved it under the full suite.
        try await ExclusiveTests.run { try await hammer() }
    }

    private func hammer() async throws {
        try await PythonOracle.require(modules: ["zmq"])
        let root = try SecurityHarness.scratch("hammer")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try await SecurityHarness.crossfold(["keys", "generate", root]).status == 0)
        let coordinator = try await SecurityHarness.Coordinator.start(keys: root + "/coordinator")
        let pid = coordinator.child.pid

        func sample(for duration: Duration) async throws -> [Int] {
            var samples: [Int] = []
            let end = ContinuousClock.now + duration
            while ContinuousClock.now < end {
                if let rss = SecurityHarness.residentKiB(of: pid) { samples.append(rss) }
                try await Task.sleep(for: .milliseconds(250))
            }
            return samples
        }

        let baseline = try await sample(for: .seconds(1)).max() ?? 0
        let seconds = 20
        async let attack = SecurityHarness.hostile(
            ["hammer", "--keys", root, "--seconds", "\(seconds)"] + coordinator.portArguments,
            as: Hammer.self, timeout: .seconds(seconds + 60))
        let during = try await sample(for: .seconds(seconds))
        let counts = try await attack.hammer
        let after = try await sample(for: .seconds(1))

        // Still up, and still serving an allowed client.
        #expect(coordinator.child.isRunning)
        let health = try await SecurityHarness.crossfold(
            ["health", "--coordinator", "tcp://127.0.0.1:\(coordinator.ports.client)", "--keys", root + "/client-1"])
        #expect(health.status == 0, "\(health)")
        _ = try await coordinator.child.stop()

        let peak = max(during.max() ?? 0, after.max() ?? 0)
        print("""
            coordinator RSS under \(seconds) s of hostile peers: baseline \(baseline) KiB, peak \(peak) KiB \
            (+\(peak - baseline) KiB), after \(after.last ?? 0) KiB, \(during.count) samples; \
            garbage connections \(counts.garbage_connections), slowloris opened \(counts.slowloris_opened) \
            (dropped after a median \(counts.slowloris_median_hold_seconds ?? -1) s), endless-multipart \
            connections \(counts.multipart_connections) (\(counts.multipart_bytes_sent >> 20) MiB sent), \
            CURVE handshakes with unknown keys \(counts.curve_unknown_handshakes), attack threads left behind \(counts.stragglers)
            """)
        #expect(during.count >= seconds * 3)
        // The attacks ran: thousands of connections, silent ones dropped at the 5 s handshake limit,
        // unknown keys never answered.
        #expect(counts.garbage_connections > 100)
        #expect(counts.multipart_connections > 0)
        #expect(counts.curve_unknown_handshakes > 10 && counts.curve_answers == 0)
        #expect(counts.slowloris_dropped_by_coordinator > 0)
        let hold = try #require(counts.slowloris_median_hold_seconds)
        #expect((4.5...8).contains(hold), "silent connections held \(hold) s; ZMQ_HANDSHAKE_IVL is 5 s")
        // Bounded: without keys the endless multipart alone grows the coordinator by gigabytes in
        // these 20 s (docs/SECURITY.md); with keys no byte of it gets past the handshake.
        #expect(peak - baseline < 32 << 10, "RSS grew from \(baseline) KiB to \(peak) KiB")
    }
}
