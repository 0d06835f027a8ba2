import Foundation
import Testing
import TestSupport

/// cluster/lab/lab itself: hosts that reach each other and nothing else, links that go down and up,
/// signals, and a teardown that leaves nothing behind, also after a failure.
@Suite(.serialized)
struct LabScriptTests {
    @Test func hostsReachEachOtherOverTheBridge() async throws {
        try await withLab(hosts: 3) { lab in
            let server = try await startEchoServer(in: lab, host: 0)
            for host in [1, 2] {
                let reply = try await fetch(in: lab, from: host, server: lab.address(of: 0))
                #expect(reply.succeeded, "\(reply)")
                #expect(reply.standardOutput.contains("lab-ok"), "\(reply)")
            }
            // The server saw both clients by their own lab addresses.
            try await server.waitForLine(containing: lab.address(of: 1))
            try await server.waitForLine(containing: lab.address(of: 2))
        }
    }

    @Test func hostsHaveOnlyTheirLabAddressAndNoRouteOut() async throws {
        try await withLab(hosts: 2) { lab in
            let name = try await lab.run(on: 1, ["hostname"])
            #expect(name.standardOutput == "h1\n", "\(name)")
            let addresses = try await lab.run(on: 1, ["ip", "-4", "-o", "addr", "show"])
            let routes = try await lab.run(on: 1, ["ip", "-4", "route", "show"])
            #expect(addresses.succeeded && routes.succeeded, "\(addresses)\n\(routes)")
            let ipv4 = addresses.standardOutput.split(separator: "\n").compactMap { line -> String? in
                let fields = line.split(separator: " ")
                guard let index = fields.firstIndex(of: "inet"), index + 1 < fields.count else { return nil }
                return String(fields[index + 1])
            }
            #expect(Set(ipv4) == ["127.0.0.1/8", "\(lab.address(of: 1))/24"])
            // Only the bridge's own /24 is reachable: no default route, so nothing leaves the lab.
            let routeLines = routes.standardOutput.split(separator: "\n").map { String($0) }
            #expect(routeLines.count == 1, "\(routeLines)")
            #expect(routeLines.first?.hasPrefix("\(lab.subnetPrefix).0/24 dev eth0") == true, "\(routeLines)")
        }
    }

    @Test func linkDownSilencesAHostUntilItComesBackUp() async throws {
        try await withLab(hosts: 3) { lab in
            _ = try await startEchoServer(in: lab, host: 0)
            try await lab.setLink(of: 2, up: false)
            let cut = try await fetch(in: lab, from: 2, server: lab.address(of: 0), timeoutSeconds: 2)
            #expect(!cut.succeeded, "h2 reached h0 with its link down: \(cut)")
            let other = try await fetch(in: lab, from: 1, server: lab.address(of: 0))
            #expect(other.succeeded, "h1 lost h0 when only h2's link went down: \(other)")
            try await lab.setLink(of: 2, up: true)
            let back = try await fetch(in: lab, from: 2, server: lab.address(of: 0), timeoutSeconds: 10)
            #expect(back.succeeded, "h2 did not reach h0 after its link came back: \(back)")
        }
    }

    @Test func signalsReachBackgroundProcessesWithDefaultDispositions() async throws {
        try await withLab(hosts: 1) { lab in
            let interrupted = try await lab.start("interrupted", on: 0, ["sleep", "600"])
            let killed = try await lab.start("killed", on: 0, ["sleep", "600"])
            let finished = try await lab.start("finished", on: 0, ["sh", "-c", "echo done; exit 3"])
            #expect(interrupted.isRunning && killed.isRunning)
            try await interrupted.send(.interrupt)
            try await killed.send(.kill)
            #expect(try await interrupted.waitForExit(timeout: .seconds(10)) == 128 + 2)
            #expect(try await killed.waitForExit(timeout: .seconds(10)) == 128 + 9)
            #expect(try await finished.waitForExit(timeout: .seconds(10)) == 3)
            #expect(finished.lines() == ["done"])
            #expect(lab.processes().map(\.name).sorted() == ["finished", "interrupted", "killed"])
            // The event log has the timeline, newest last.
            let events = lab.events().map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
            #expect(events.first?.hasPrefix("up 1 hosts \(lab.subnetPrefix).0/24") == true, "\(events)")
            #expect(events.contains("kill h0 interrupted (pid \(interrupted.pid)) SIGINT"), "\(events)")
            #expect(events.contains("kill h0 killed (pid \(killed.pid)) SIGKILL"), "\(events)")
        }
    }

    @Test func downRemovesEverythingAndIsSafeToRepeat() async throws {
        try await Lab.requireAvailable()
        let lab = try await Lab.up(hosts: 2)
        let sleeper = try await lab.start("sleeper", on: 1, ["sleep", "600"])
        try await lab.down(keepingLogs: true)
        #expect(try await namespaces(of: lab.name).isEmpty)
        #expect(!isAlive(sleeper.pid), "pid \(sleeper.pid) survived lab down")
        #expect(FileManager.default.fileExists(atPath: sleeper.logURL.path), "down without --purge dropped the logs")
        try await lab.down(keepingLogs: false)
        #expect(!FileManager.default.fileExists(atPath: lab.directory.path))
    }

    @Test func failedUpLeavesNothingBehind() async throws {
        try await Lab.requireAvailable()
        // An `ip` that fails when the third host's address is added: `up` dies half-way.
        let shim = FileManager.default.temporaryDirectory.appendingPathComponent("lab-ip-shim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: shim, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: shim) }
        let realIP = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "ip"
        let fake = shim.appendingPathComponent("ip")
        try """
        #!/bin/sh
        case "$*" in *"addr add "*".12/24"*) echo "shim: refusing $*" >&2; exit 2 ;; esac
        exec \(realIP) "$@"
        """.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)

        let name = "cffail" + String(UInt32.random(in: 0..<100_000))
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = shim.path + ":" + (environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin")
        let up = try await ProcessRunner.run(Lab.scriptURL, ["up", name, "4"], environment: environment, timeout: .seconds(60))
        #expect(!up.succeeded, "up should have failed through the shim: \(up)")
        #expect(up.standardError.contains("tearing down"), "\(up)")
        #expect(try await namespaces(of: name).isEmpty)
        let directory = try await ProcessRunner.run(Lab.scriptURL, ["dir", name], timeout: .seconds(10))
        #expect(!FileManager.default.fileExists(atPath: directory.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
        // And a down after the failed up is still fine.
        let down = try await ProcessRunner.run(Lab.scriptURL, ["down", name], timeout: .seconds(60))
        #expect(down.succeeded, "\(down)")
    }

    @Test func withLabTearsDownWhenTheBodyThrows() async throws {
        struct Planned: Error {}
        var seen: (name: String, pid: Int32)?
        await #expect(throws: Planned.self) {
            // The body throws on purpose: a passing test records no diagnostics warning.
            try await withLab(hosts: 1, recordingDiagnostics: false) { lab in
                let sleeper = try await lab.start("sleeper", on: 0, ["sleep", "600"])
                seen = (lab.name, sleeper.pid)
                throw Planned()
            }
        }
        let (name, pid) = try #require(seen)
        #expect(try await namespaces(of: name).isEmpty)
        #expect(!isAlive(pid), "pid \(pid) survived the failed body")
        _ = try? await ProcessRunner.run(Lab.scriptURL, ["down", name, "--purge"], timeout: .seconds(30))
    }

    @Test func parallelLabsGetDistinctSubnets() async throws {
        try await withLab(hosts: 1) { first in
            try await withLab(hosts: 1) { second in
                #expect(first.subnetPrefix != second.subnetPrefix)
                #expect(first.subnetPrefix.hasPrefix("10.") && second.subnetPrefix.hasPrefix("10."))
            }
        }
    }

    @Test func labScriptIsShellcheckClean() async throws {
        let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let shellcheck else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("shellcheck is missing and CI is set: apt-get install shellcheck")
                return
            }
            try Test.cancel("skipped: shellcheck is not installed (apt-get install shellcheck)")
        }
        let outcome = try await ProcessRunner.run(URL(fileURLWithPath: shellcheck), [Lab.scriptURL.path], timeout: .seconds(60))
        #expect(outcome.succeeded, "\(outcome)")
    }

    // MARK: - Helpers

    /// A tiny HTTP server on `host` that answers every GET with "lab-ok" and logs each client.
    private func startEchoServer(in lab: Lab, host: Int) async throws -> LabProcess {
        let server = try await lab.start("echo", on: host, ["python3", "-u", "-c", """
            import http.server
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.end_headers(); self.wfile.write(b"lab-ok")
            s = http.server.HTTPServer(("\(lab.address(of: host))", 8000), H)
            print("listening", flush=True)
            s.serve_forever()
            """])
        try await server.waitForLine(containing: "listening", timeout: .seconds(30))
        return server
    }

    private func fetch(in lab: Lab, from host: Int, server: String, timeoutSeconds: Int = 10) async throws -> ProcessOutcome {
        try await lab.run(on: host, ["python3", "-c", """
            import urllib.request
            print(urllib.request.urlopen("http://\(server):8000/", timeout=\(timeoutSeconds)).read().decode())
            """], timeout: .seconds(timeoutSeconds + 30))
    }

    /// True while `pid` exists and is not a zombie (where PID 1 does not reap orphans, as in some
    /// sandboxes, a killed lab process stays a zombie: dead, holding nothing but its pid).
    private func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[close...].dropFirst(2).first
        return state != "Z" && state != "X"
    }

    private func namespaces(of name: String) async throws -> [String] {
        let list = try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["ip", "netns", "list"], timeout: .seconds(30))
        return list.standardOutput.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0.hasPrefix(name + "-") }
    }
}
