import Launcher
import XCTest

final class ClusterConfigTests: XCTestCase {
    func parse(_ text: String) throws -> ClusterConfigParser.Result {
        try ClusterConfigParser.parse(yaml: text, file: "cluster.yaml")
    }

    func error(_ text: String) -> ConfigDiagnostic? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error as? ConfigDiagnostic
        }
    }

    func testGuideCDSETemplateParses() throws {
        let result = try parse(Fixtures.cdse)
        let config = result.config
        XCTAssertEqual(config.clusterName, "ray-cdse")
        XCTAssertEqual(
            config.provider, .local(LocalProvider(headIP: "192.0.2.10", workerIPs: ["192.0.2.11", "192.0.2.12"])))
        XCTAssertEqual(config.auth.sshUser, "eouser")
        XCTAssertEqual(config.auth.sshPrivateKey, "~/.ssh/gem-example-keypair.pem")
        XCTAssertEqual(config.docker?.image, "rayproject/ray:latest-py39-cpu")
        XCTAssertEqual(config.docker?.containerName, "ray_container")
        XCTAssertEqual(config.docker?.pullBeforeRun, true)
        XCTAssertEqual(config.docker?.runOptions, ["--ulimit nofile=65536:65536"])
        XCTAssertEqual(config.rsyncExclude, ["**/.git", "**/.git/**"])
        XCTAssertEqual(config.rsyncFilter, [".gitignore"])
        XCTAssertEqual(config.initializationCommands.count, 4)
        XCTAssertEqual(config.initializationCommands[2], "sudo usermod -aG docker ${USER}")
        XCTAssertEqual(config.setupCommands.count, 2)
        XCTAssertEqual(config.headStartCommands.first, "ray stop")
        XCTAssertEqual(config.workerStartCommands.last, "ray start --address=$RAY_HEAD_IP:6379")
        XCTAssertEqual(config.nodes.map(\.description), ["head 192.0.2.10", "worker 192.0.2.11", "worker 192.0.2.12"])
        // The unchanged Ray start commands are flagged (grow does not run Ray), with their lines.
        let rayWarnings = result.warnings.filter { $0.message.contains("ray start") }
        XCTAssertEqual(rayWarnings.count, 2, "\(result.warnings)")
        XCTAssertEqual(rayWarnings.first?.line, 49)
        XCTAssertEqual(rayWarnings.first?.key, "head_start_ray_commands[1]")
        XCTAssertEqual(result.warnings.count, 2, "no other warnings: \(result.warnings)")
    }

    func testGuideAWSTemplateParsesWithSpotWorkers() throws {
        let result = try parse(Fixtures.aws)
        let config = result.config
        guard case .aws(let aws) = config.provider else { return XCTFail("expected aws") }
        XCTAssertEqual(aws.region, "eu-central-1")
        XCTAssertEqual(aws.availabilityZones, ["eu-central-1a", "eu-central-1b", "eu-central-1c"])
        XCTAssertFalse(aws.cacheStoppedNodes)
        XCTAssertEqual(config.maxWorkers, 10)
        XCTAssertEqual(config.headNodeType, "ray.head")
        XCTAssertEqual(config.availableNodeTypes.map(\.name), ["ray.head", "ray.worker"])
        let worker = try XCTUnwrap(config.availableNodeTypes.last)
        XCTAssertTrue(worker.isSpot)
        XCTAssertEqual(worker.instanceType, "c5.large")
        XCTAssertEqual(worker.maxWorkers, 40)
        XCTAssertFalse(config.availableNodeTypes[0].isSpot)
        XCTAssertEqual(config.availableNodeTypes[0].resources, ["CPU": 1])
        XCTAssertEqual(
            config.workerStartCommands.last, "grow-head daemon start worker -- grow-worker --address $GROW_HEAD_IP:6379"
        )
        XCTAssertEqual(result.warnings, [])
        XCTAssertEqual(config.nodes, [], "aws nodes are launched, not listed")
    }

    func testUnknownKeysAreWarnedWithTheirLine() throws {
        let result = try parse(
            Fixtures.local([
                ("setup_commands:", "setup_comands:"), ("    ssh_user: root", "    ssh_user: root\n    ssh_key: x"),
            ]))
        let descriptions = result.warnings.map(\.description)
        XCTAssertTrue(
            descriptions.contains("cluster.yaml:10: setup_comands: unknown key, ignored (is it misspelt?)"),
            "\(descriptions)")
        XCTAssertTrue(
            descriptions.contains("cluster.yaml:8: auth.ssh_key: unknown key in auth, ignored (is it misspelt?)"),
            "\(descriptions)")
        XCTAssertEqual(result.config.setupCommands, [])
    }

    func testMissingProviderNamesTheKey() {
        let text = Fixtures.local().replacingOccurrences(
            of: "provider:\n    type: local\n    head_ip: 10.0.0.1\n    worker_ips: [10.0.0.2, 10.0.0.3]\n", with: "")
        XCTAssertEqual(
            error(text)?.description,
            "cluster.yaml: provider: missing: add a provider section (type: local with head_ip and worker_ips, or type: aws)"
        )
    }

    func testMalformedAddresses() {
        XCTAssertEqual(
            error(Fixtures.local([("10.0.0.3]", "10.0.0.300]")]))?.description,
            "cluster.yaml:5: provider.worker_ips[1]: \"10.0.0.300\" is not a valid IPv4 address (four numbers 0-255)")
        XCTAssertEqual(
            error(Fixtures.local([("head_ip: 10.0.0.1", "head_ip: <IP of the head node>")]))?.description,
            "cluster.yaml:4: provider.head_ip: \"<IP of the head node>\" is a placeholder from the template: put the node's address here"
        )
        XCTAssertEqual(
            error(Fixtures.local([("10.0.0.3]", "10.0.0.2]")]))?.description,
            "cluster.yaml:5: provider.worker_ips[1]: 10.0.0.2 is listed twice")
        XCTAssertEqual(
            error(Fixtures.local([("head_ip: 10.0.0.1", "head_ip: my_host!")]))?.key, "provider.head_ip")
        XCTAssertNil(error(Fixtures.local([("head_ip: 10.0.0.1", "head_ip: head-1.example.org")])))
        XCTAssertNil(error(Fixtures.local([("head_ip: 10.0.0.1", "head_ip: \"fd00::1\"")])))
    }

    func testOtherMistakesNameTheirKey() {
        let cases: [([(String, String)], String)] = [
            (
                [("type: local", "type: gcp")],
                "cluster.yaml:3: provider.type: \"gcp\" is not supported: grow knows local and aws"
            ),
            ([("    ssh_user: root\n", "")], "cluster.yaml:6: auth: missing ssh_user"),
            (
                [("cluster_name: test", "cluster_name: my cluster")],
                "cluster.yaml:1: cluster_name: \"my cluster\" must be letters, digits, '-', '_' or '.' (it names folders and containers)"
            ),
            (
                [("    - echo setup", "    - {echo: setup}")],
                "cluster.yaml:10: setup_commands[0]: expected a single value, found a mapping"
            ),
            (
                [("setup_commands:\n    - echo setup", "setup_commands: {}")],
                "cluster.yaml:9: setup_commands: expected a list, found a mapping"
            ),
            (
                [("cluster_name: test", "cluster_name: test\nmax_workers: -1")],
                "cluster.yaml:2: max_workers: must be 0 or more"
            ),
            (
                [("cluster_name: test", "cluster_name: test\nupscaling_speed: fast")],
                "cluster.yaml:2: upscaling_speed: expected a number, found \"fast\""
            ),
            (
                [("cluster_name: test", "cluster_name: test\ndocker:\n    image: x")],
                "cluster.yaml:2: docker: needs container_name"
            ),
            (
                [("cluster_name: test", "cluster_name: test\nhead_node_type: big")],
                "cluster.yaml:2: head_node_type: \"big\" is not one of available_node_types (none)"
            ),
            (
                [("cluster_name: test", "cluster_name: test\nfile_mounts:\n    relative/path: /tmp")],
                "cluster.yaml:3: file_mounts.relative/path: the remote path must be absolute or start with ~/"
            ),
            (
                [("cluster_name: test", "cluster_name: [")],
                "cluster.yaml:3: not valid YAML: did not find expected ',' or ']'"
            ),
        ]
        for (replacements, expected) in cases {
            XCTAssertEqual(error(Fixtures.local(replacements))?.description, expected)
        }
    }

    func testAWSMistakes() {
        XCTAssertEqual(
            error(Fixtures.aws.replacingOccurrences(of: "MarketType: spot", with: "MarketType: reserved"))?.description,
            "cluster.yaml:40: available_node_types.ray.worker.node_config.InstanceMarketOptions.MarketType: \"reserved\" is not an EC2 market type (spot)"
        )
        XCTAssertEqual(
            error(Fixtures.aws.replacingOccurrences(of: "region: eu-central-1", with: "region: frankfurt"))?
                .description,
            "cluster.yaml:14: provider.region: \"frankfurt\" is not an AWS region name (e.g. eu-central-1)")
        XCTAssertEqual(
            error(
                Fixtures.aws.replacingOccurrences(of: "eu-central-1a,eu-central-1b", with: "eu-central-1a,us-east-1b"))?
                .description,
            "cluster.yaml:15: provider.availability_zone: \"us-east-1b\" is not an availability zone of eu-central-1 (e.g. eu-central-1a)"
        )
        XCTAssertEqual(
            error(Fixtures.aws.replacingOccurrences(of: "head_node_type: ray.head", with: ""))?.description,
            "cluster.yaml: head_node_type: missing: name which of available_node_types is the head")
    }

    func testBothStartCommandKeysIsAnError() {
        let text = Fixtures.local() + "\nhead_start_ray_commands:\n    - ray start --head\n"
        XCTAssertEqual(
            error(text)?.description,
            "cluster.yaml:11: head_start_commands: set either head_start_commands or head_start_ray_commands, not both")
    }

    func testDockerWithoutImageIsOffAndRoleImagesWin() throws {
        XCTAssertNil(
            try parse(Fixtures.local([("cluster_name: test", "cluster_name: test\ndocker: {}")])).config.docker)
        let config = try parse(
            Fixtures.local([
                (
                    "cluster_name: test",
                    "cluster_name: test\ndocker:\n    image: a\n    worker_image: b\n    container_name: c\n    head_run_options: [--cpus 2]"
                )
            ])
        ).config
        XCTAssertEqual(config.docker?.image(for: .head), "a")
        XCTAssertEqual(config.docker?.image(for: .worker), "b")
        XCTAssertEqual(config.docker?.runOptions(for: .head), ["--cpus 2"])
        XCTAssertEqual(config.docker?.runOptions(for: .worker), [])
    }
}

/// The example cluster files in docker/ parse without a warning.
final class ExampleClusterFileTests: XCTestCase {
    func testDockerExamplesParseCleanly() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for name in ["cluster-cdse.yaml", "cluster-aws.yaml"] {
            let path = repository.appendingPathComponent("docker/\(name)").path
            let result = try ClusterConfigParser.parse(yaml: String(contentsOfFile: path, encoding: .utf8), file: name)
            XCTAssertEqual(result.warnings, [], name)
            XCTAssertNotNil(result.config.docker, name)
            XCTAssertTrue(result.config.workerStartCommands.contains { $0.contains("$GROW_HEAD_IP:6379") }, name)
            if case .aws(let aws) = result.config.provider {
                XCTAssertEqual(aws.availabilityZones, ["eu-central-1a", "eu-central-1b", "eu-central-1c"])
                XCTAssertEqual(aws.securityGroupName, "grow-aws")
                XCTAssertEqual(
                    result.config.availableNodeTypes.map(\.name), ["grow.head", "grow.worker", "grow.worker.m5"])
                XCTAssertEqual(result.config.availableNodeTypes.filter(\.isSpot).count, 2)
                let request = EC2LaunchRequest(
                    nodeConfig: result.config.availableNodeTypes[1].nodeConfig, count: 1, subnetID: "subnet-1",
                    securityGroupIDs: ["sg-1"], keyName: "k", tags: [:], onDemand: false, clientToken: "t")
                let parameters = Dictionary(request.parameters, uniquingKeysWith: { first, _ in first })
                XCTAssertEqual(parameters["IamInstanceProfile.Name"], "grow-node")
                XCTAssertEqual(parameters["MetadataOptions.HttpTokens"], "required")
                XCTAssertEqual(parameters["BlockDeviceMapping.1.Ebs.VolumeType"], "gp3")
                XCTAssertEqual(parameters["InstanceMarketOptions.MarketType"], "spot")
                // The AMI of docker/aws/grow-node.pkr.hcl: Debian 12, grow-head on it for the ECR login.
                XCTAssertEqual(result.config.auth.sshUser, "admin")
                XCTAssertEqual(parameters["BlockDeviceMapping.1.DeviceName"], "/dev/xvda")
                XCTAssertTrue(
                    result.config.initializationCommands.contains { $0.hasPrefix("grow-head image login ") },
                    "\(result.config.initializationCommands)")
            }
        }
    }
}
