import Launcher
import XCTest

final class NodeSetupPlanTests: XCTestCase {
    func config(_ text: String = Fixtures.local()) throws -> ClusterConfig {
        try ClusterConfigParser.parse(yaml: text, file: "cluster.yaml").config
    }

    let worker = NodeIdentity(role: .worker, address: "10.0.0.2")
    let copy = SetupOptions(binaries: .copy)

    func testFreshNodeRunsEverythingInRaysOrder() throws {
        let text = Fixtures.local([
            (
                "setup_commands:",
                "initialization_commands: [echo init]\nworker_setup_commands: [echo w]\nsetup_commands:"
            )
        ])
        let plan = NodeSetupPlan(
            config: try config(text), node: worker, contentDigest: "d", storedHash: nil, options: copy)
        XCTAssertEqual(
            plan.steps,
            [
                .waitForSSH, .syncFiles,
                .initialization([ConfiguredCommand(key: "initialization_commands[0]", text: "echo init")]),
                .setup([
                    ConfiguredCommand(key: "setup_commands[0]", text: "echo setup"),
                    ConfiguredCommand(key: "worker_setup_commands[0]", text: "echo w"),
                ]),
                .start([
                    ConfiguredCommand(
                        key: "worker_start_commands[0]",
                        text: "grow-head daemon start worker -- grow-worker --address $GROW_HEAD_IP:6379")
                ]), .recordHash,
            ])
        XCTAssertFalse(plan.upToDate)
    }

    func testDockerStepSitsBetweenInitializationAndSetup() throws {
        let plan = NodeSetupPlan(
            config: try config(Fixtures.cdse), node: NodeIdentity(role: .head, address: "192.0.2.10"),
            contentDigest: "d", storedHash: nil, options: SetupOptions(binaries: .image))
        XCTAssertEqual(
            plan.steps.map(\.name),
            ["wait for SSH", "file mounts", "initialization", "docker", "setup", "start", "record hash"])
    }

    func testUnchangedNodeOnlyRestarts() throws {
        let config = try config()
        let first = NodeSetupPlan(config: config, node: worker, contentDigest: "d", storedHash: nil, options: copy)
        let again = NodeSetupPlan(
            config: config, node: worker, contentDigest: "d", storedHash: first.hash, options: copy)
        XCTAssertTrue(again.upToDate)
        XCTAssertEqual(again.steps.map(\.name), ["wait for SSH", "start"])
        let noRestart = NodeSetupPlan(
            config: config, node: worker, contentDigest: "d", storedHash: first.hash,
            options: SetupOptions(binaries: .copy, restart: .noRestart))
        XCTAssertEqual(noRestart.steps.map(\.name), ["wait for SSH"])
    }

    func testAnyChangeRedoesTheSetUp() throws {
        let base = try config()
        let hash = NodeSetupPlan(config: base, node: worker, contentDigest: "d", storedHash: nil, options: copy).hash
        var changed = base
        changed.setupCommands.append("echo more")
        XCTAssertFalse(
            NodeSetupPlan(config: changed, node: worker, contentDigest: "d", storedHash: hash, options: copy).upToDate)
        XCTAssertFalse(
            NodeSetupPlan(config: base, node: worker, contentDigest: "e", storedHash: hash, options: copy).upToDate)
        XCTAssertFalse(
            NodeSetupPlan(
                config: base, node: worker, contentDigest: "d", storedHash: hash,
                options: SetupOptions(binaries: .image)
            ).upToDate)
        let restartOnly = NodeSetupPlan(
            config: changed, node: worker, contentDigest: "d", storedHash: hash,
            options: SetupOptions(binaries: .copy, restart: .restartOnly))
        XCTAssertEqual(restartOnly.steps.map(\.name), ["wait for SSH", "file mounts", "start"])
    }
}
