import Cluster
import Foundation
import Testing
import ZeroMQ

/// `KeyGeneration` and `KeyDirectory`: the layout, the modes, and every refusal with its fix.
@Suite struct KeyDirectoryTests {
    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1
    }

    static func setMode(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func generatesOneFolderPerRoleWithPrivateModesAndMatchingAllowlists() throws {
        let root = WorkerFixtures.scratchDirectory("keys") + "/cluster-keys"
        defer { WorkerFixtures.remove((root as NSString).deletingLastPathComponent) }
        let summary = try KeyGeneration.generate(in: root, workers: 3, clients: 2)

        #expect(summary.folders.map(\.name) == ["coordinator", "worker-1", "worker-2", "worker-3", "client-1", "client-2"])
        #expect(WorkerFixtures.files(in: root) == ["client-1", "client-2", "coordinator", "worker-1", "worker-2", "worker-3"])
        #expect(WorkerFixtures.files(in: root + "/coordinator")
            == ["clients.allow", "coordinator.key", "coordinator.pub", "workers.allow"])
        #expect(WorkerFixtures.files(in: root + "/worker-2") == ["coordinator.pub", "worker.key", "worker.pub"])
        #expect(WorkerFixtures.files(in: root + "/client-1") == ["client.key", "client.pub", "coordinator.pub"])
        #expect(Self.mode(root) == 0o700)
        for folder in summary.folders {
            #expect(Self.mode(folder.path) == 0o700, "\(folder.path)")
            for file in WorkerFixtures.files(in: folder.path) {
                #expect(Self.mode(folder.path + "/" + file) == 0o600, "\(folder.path)/\(file)")
            }
        }

        // Each role reads back its own folder; the allowlists name every worker and client key.
        let coordinator = try KeyDirectory(root + "/coordinator").coordinatorKeys()
        #expect(coordinator.keyPair.publicKey == summary.coordinator)
        #expect(coordinator.workers.entries.map(\.name) == ["worker-1", "worker-2", "worker-3"])
        #expect(coordinator.clients.entries.map(\.name) == ["client-1", "client-2"])
        for index in 1...3 {
            let worker = try KeyDirectory(root + "/worker-\(index)").workerKeys()
            #expect(worker.coordinator == summary.coordinator)
            #expect(coordinator.workers.namesByKey[worker.keyPair.publicKey] == "worker-\(index)")
            #expect(try CurveKeyPair.curvePublic(fromSecret: worker.keyPair.secretKey) == worker.keyPair.publicKey)
        }
        let client = try KeyDirectory(root + "/client-2/").clientKeys()
        #expect(coordinator.clients.namesByKey[client.keyPair.publicKey] == "client-2")

        // The ZAP policy keeps the domains apart and admits the coordinator's own key as a client.
        let policy = coordinator.zapPolicy
        #expect(policy[CoordinatorKeys.workerDomain]?.count == 3)
        #expect(policy[CoordinatorKeys.clientDomain]?[coordinator.keyPair.publicKey] == CoordinatorKeys.ownName)
        #expect(policy[CoordinatorKeys.clientDomain]?[client.keyPair.publicKey] == "client-2")
        #expect(policy[CoordinatorKeys.workerDomain]?[client.keyPair.publicKey] == nil)
        // A coordinator's folder serves as a client folder (health checks on its host).
        #expect(try KeyDirectory(root + "/coordinator").clientKeys().keyPair == coordinator.keyPair)
        // No secret key is in any other role's folder.
        let secret = coordinator.keyPair.secretKey.z85
        for folder in summary.folders where folder.name != "coordinator" {
            for file in WorkerFixtures.files(in: folder.path) {
                #expect(!(try Self.read(folder.path + "/" + file)).contains(secret))
            }
        }
    }

    @Test func refusesToOverwriteKeysUnlessForced() throws {
        let root = WorkerFixtures.scratchDirectory("keys-force")
        defer { WorkerFixtures.remove(root) }
        let first = try KeyGeneration.generate(in: root)
        #expect(throws: KeyFileError.self) { try KeyGeneration.generate(in: root) }
        do throws(KeyFileError) {
            _ = try KeyGeneration.generate(in: root, workers: 2)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .exists)
            #expect(error.description.contains("coordinator, worker-1, client-1"))
            #expect(error.description.contains("--force"))
        }
        #expect(try KeyDirectory(root + "/coordinator").coordinatorKeys().keyPair.publicKey == first.coordinator)

        let second = try KeyGeneration.generate(in: root, force: true)
        #expect(second.coordinator != first.coordinator)
        #expect(try KeyDirectory(root + "/worker-1").workerKeys().coordinator == second.coordinator)
        #expect(throws: KeyFileError.self) { try KeyGeneration.generate(in: root, workers: 0, force: true) }
    }

    @Test func refusesSecretsOthersCanReadAndKeysOthersCanWrite() throws {
        let root = WorkerFixtures.scratchDirectory("keys-modes")
        defer { WorkerFixtures.remove(root) }
        _ = try KeyGeneration.generate(in: root)
        let worker = root + "/worker-1"

        try Self.setMode(worker + "/worker.key", 0o644)
        do throws(KeyFileError) {
            _ = try KeyDirectory(worker).workerKeys()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .tooOpen)
            #expect(error.description.contains("worker.key"))
            #expect(error.description.contains("chmod 600"))
        }
        // A group may share a secret (a Kubernetes Secret mounted 0440 for the pod's group).
        try Self.setMode(worker + "/worker.key", 0o440)
        #expect(throws: Never.self) { try KeyDirectory(worker).workerKeys() }

        try Self.setMode(worker + "/coordinator.pub", 0o666)
        do throws(KeyFileError) {
            _ = try KeyDirectory(worker).workerKeys()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .tooOpen)
            #expect(error.description.contains("any user can write it"))
        }
    }

    @Test func namesTheMissingOrMismatchedFileAndWhatToDo() throws {
        let root = WorkerFixtures.scratchDirectory("keys-missing")
        defer { WorkerFixtures.remove(root) }
        _ = try KeyGeneration.generate(in: root, workers: 2)

        // A worker folder is not a client folder.
        do throws(KeyFileError) {
            _ = try KeyDirectory(root + "/worker-1").clientKeys()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .missing)
            #expect(error.path.hasSuffix("worker-1/client.key"))
            #expect(error.description.contains("crossfold keys generate"))
        }
        // A public key from another pair.
        try FileManager.default.removeItem(atPath: root + "/worker-1/worker.pub")
        try FileManager.default.copyItem(atPath: root + "/worker-2/worker.pub", toPath: root + "/worker-1/worker.pub")
        do throws(KeyFileError) {
            _ = try KeyDirectory(root + "/worker-1").workerKeys()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.description.contains("does not belong to worker.key"))
        }
        // A truncated secret.
        try "abc\n".write(toFile: root + "/worker-2/worker.key", atomically: false, encoding: .utf8)
        do throws(KeyFileError) {
            _ = try KeyDirectory(root + "/worker-2").workerKeys()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.description.contains("not a CURVE secret key"))
            #expect(!error.description.contains("abc"))
        }
    }

    @Test func parsesAllowlistsWithCommentsAndKeysHoldingHashSigns() throws {
        // '#' is a Z85 character: only a whole line starting with it is a comment.
        let hashKey = try CurvePublicKey(z85: "0#" + String(repeating: "0", count: 38))
        let other = try CurveKeyPair.generate().publicKey
        let text = """
            # workers
              # indented comment

            gpu-box.1\t\(hashKey.z85)
            worker_2 \(other.z85)   \r
            """
        let list = try Allowlist.parse(text, path: "workers.allow")
        #expect(list.entries == [.init(name: "gpu-box.1", key: hashKey), .init(name: "worker_2", key: other)])
        #expect(try Allowlist.parse(list.text(comment: "round trip"), path: "x") == list)
    }

    @Test(arguments: [
        ("worker-1", "expected `NAME PUBLIC_KEY`", 1),
        ("worker-1 abc", "not a CURVE public key", 1),
        ("-bad KEY", "not a valid name", 1),
        ("a/b KEY", "not a valid name", 1),
        ("w KEY\nw KEY2", "appears twice", 2),
        ("w KEY\nv KEY", "listed twice", 2),
        ("w KEY extra", "found 3 fields", 1),
    ])
    func refusesMalformedAllowlistLinesNamingTheLine(line: String, expected: String, lineNumber: Int) throws {
        let keys = [try CurveKeyPair.generate().publicKey.z85, try CurveKeyPair.generate().publicKey.z85]
        // Token by token, so an inserted key is never searched for the next placeholder.
        let body = line.split(separator: "\n").map { row in
            row.split(separator: " ").map { $0 == "KEY" ? keys[0] : $0 == "KEY2" ? keys[1] : String($0) }.joined(separator: " ")
        }.joined(separator: "\n")
        let text = "# comment\n" + body
        do throws(KeyFileError) {
            _ = try Allowlist.parse(text, path: "clients.allow")
            Issue.record("expected a refusal for \(line)")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.line == lineNumber + 1)
            #expect(error.description.hasPrefix("clients.allow:\(lineNumber + 1): "))
            #expect(error.description.contains(expected), "\(error)")
        }
    }
}
