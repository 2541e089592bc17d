import Foundation
import GrowTestSupport
import Synchronization
import XCTest

@testable import AWSCore

/// The EC2 client against moto with signature checks on, and through a proxy that injects the
/// errors moto cannot (throttling, capacity).
final class EC2MotoTests: XCTestCase {
    var moto: MotoServer!

    override func setUpWithError() throws {
        moto = try MotoServer(name: name.filter { $0.isLetter })
    }

    override func tearDown() {
        moto = nil
    }

    func client(endpoint: String? = nil, secret: String? = nil, log: (@Sendable (String) -> Void)? = nil) -> EC2Client {
        let credentials = AWSCredentials(
            accessKeyID: moto.accessKeyID, secretAccessKey: secret ?? moto.secretAccessKey, source: .environment)
        return EC2Client(
            config: AWSServiceConfig(
                service: "ec2", region: "us-east-1", endpoint: endpoint ?? moto.endpoint,
                credentials: .fixed(credentials), retry: RetryPolicy(maxAttempts: 5, baseDelay: 0.05, maxDelay: 0.5)),
            log: log)
    }

    func launch(_ ec2: EC2Client, count: Int, tags: [String: String], spot: Bool = false, subnet: String? = nil)
        throws -> [EC2Instance]
    {
        var parameters: [(String, String)] = [
            ("ImageId", "ami-12c6146b"), ("InstanceType", "t3.micro"), ("MinCount", String(count)),
            ("MaxCount", String(count)),
        ]
        parameters += EC2Query.tags(tags, prefix: "TagSpecification.1.Tag")
        parameters.append(("TagSpecification.1.ResourceType", "instance"))
        if spot { parameters.append(("InstanceMarketOptions.MarketType", "spot")) }
        if let subnet { parameters.append(("SubnetId", subnet)) }
        return try ec2.runInstances(parameters)
    }

    func testLaunchFindByTagsPageByPageStopStartTerminate() throws {
        let ec2 = client()
        let workers = try launch(
            ec2, count: 7, tags: ["grow-cluster-name": "c1", "grow-node-kind": "worker"], spot: true)
        XCTAssertEqual(workers.count, 7)
        _ = try launch(ec2, count: 1, tags: ["grow-cluster-name": "c1", "grow-node-kind": "head"])
        for _ in 0..<5 { _ = try launch(ec2, count: 1, tags: ["grow-cluster-name": "other"]) }
        // Found by tags only, over pages of 5 reservations.
        let found = try ec2.describeInstances(
            filters: [EC2Filter("tag:grow-cluster-name", ["c1"]), EC2Filter("tag:grow-node-kind", ["worker"])],
            pageSize: 5)
        XCTAssertEqual(Set(found.map(\.id)), Set(workers.map(\.id)))
        XCTAssertTrue(found.allSatisfy(\.isSpot), "moto marks spot launches instanceLifecycle=spot")
        XCTAssertTrue(found.allSatisfy { $0.tags["grow-node-kind"] == "worker" && $0.privateIP != nil })
        let everything = try ec2.describeInstances(pageSize: 5)
        XCTAssertEqual(everything.count, 13, "pages put together: every reservation once")

        try ec2.createTags(resources: [workers[0].id], tags: ["Name": "grow-c1-worker"])
        XCTAssertEqual(try ec2.describeInstances(ids: [workers[0].id]).first?.tags["Name"], "grow-c1-worker")

        let head = try ec2.describeInstances(filters: [EC2Filter("tag:grow-node-kind", ["head"])])
        XCTAssertEqual(try ec2.stopInstances(head.map(\.id)).first?.state, "stopping")
        XCTAssertEqual(try ec2.describeInstances(ids: head.map(\.id)).first?.state, "stopped")
        XCTAssertEqual(try ec2.startInstances(head.map(\.id)).first?.state, "pending")
        let terminated = try ec2.terminateInstances(workers.map(\.id))
        XCTAssertEqual(Set(terminated.map(\.id)), Set(workers.map(\.id)))
        let live = try ec2.describeInstances(filters: [EC2Filter("tag:grow-cluster-name", ["c1"])]).filter(\.isLive)
        XCTAssertEqual(live.map(\.id), head.map(\.id))
    }

    func testNetworkAndKeyPairCalls() throws {
        let ec2 = client()
        let subnets = try ec2.describeSubnets(filters: [EC2Filter("availability-zone", ["us-east-1b", "us-east-1a"])])
        XCTAssertEqual(Set(subnets.map(\.zone)), ["us-east-1a", "us-east-1b"])
        let vpc = try XCTUnwrap(subnets.first?.vpcID)
        let group = try ec2.createSecurityGroup(name: "grow-c1", description: "grow cluster c1", vpcID: vpc)
        let rules = [
            EC2Permission(ipProtocol: "-1", groupIDs: [group]),
            EC2Permission(ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["203.0.113.0/24"]),
        ]
        try ec2.authorizeSecurityGroupIngress(groupID: group, permissions: rules)
        let described = try XCTUnwrap(ec2.describeSecurityGroups(ids: [group]).first)
        XCTAssertEqual(described.name, "grow-c1")
        XCTAssertEqual(described.vpcID, vpc)
        for rule in rules {
            XCTAssertTrue(described.inbound.contains { $0.covers(rule) }, "\(rule) in \(described.inbound)")
        }
        XCTAssertEqual(
            try ec2.describeSecurityGroups(filters: [EC2Filter("group-name", ["grow-c1"])]).map(\.id), [group])

        XCTAssertEqual(try ec2.describeKeyPairs(names: ["grow-key"]), [], "a missing key pair is none, not an error")
        let publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrowTestKeyMaterialForMotoOnlyxxxxxxxxxxxxx grow@test"
        let imported = try ec2.importKeyPair(name: "grow-key", publicKey: publicKey)
        XCTAssertEqual(imported.name, "grow-key")
        XCTAssertEqual(try ec2.describeKeyPairs(names: ["grow-key"]).map(\.name), ["grow-key"])
    }

    func testWrongSecretIsOneLineAndNotRetried() throws {
        let proxy = try EC2FaultProxy(moto: moto)
        let ec2 = client(endpoint: proxy.url, secret: "wrong")
        XCTAssertThrowsError(try ec2.describeInstances()) { error in
            let error = error as! AWSError
            XCTAssertEqual(error.kind, .denied)
            // EC2 says AuthFailure for a wrong key and a wrong secret alike.
            XCTAssertEqual(error.code, "AuthFailure")
            XCTAssertEqual(
                error.description,
                "ec2 DescribeInstances at \(proxy.url): AWS was not able to validate the provided access credentials (401 AuthFailure): check the credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
            )
        }
        XCTAssertEqual(proxy.seen().count, 1)
    }

    func testThrottlingBacksOffAndSucceeds() throws {
        let proxy = try EC2FaultProxy(moto: moto)
        try proxy.setRules([.init(action: "DescribeInstances", code: "RequestLimitExceeded", status: 503, times: 3)])
        let lines = Mutex<[String]>([])
        let ec2 = client(endpoint: proxy.url, log: { line in lines.withLock { $0.append(line) } })
        _ = try launch(ec2, count: 2, tags: ["grow-cluster-name": "c1"])
        let found = try ec2.describeInstances(filters: [EC2Filter("tag:grow-cluster-name", ["c1"])])
        XCTAssertEqual(found.count, 2)
        let describes = proxy.seen().filter { $0.action == "DescribeInstances" }
        XCTAssertEqual(
            describes.map(\.injected), ["RequestLimitExceeded", "RequestLimitExceeded", "RequestLimitExceeded", nil])
        let logged = lines.withLock { $0 }
        XCTAssertEqual(logged.count, 3, "\(logged)")
        XCTAssertTrue(
            logged[0].hasPrefix("ec2 DescribeInstances: too many requests (503 RequestLimitExceeded); try 2 of 5 in"),
            logged[0])
    }

    func testCapacityErrorsComeBackAtOnceWithTheirCode() throws {
        let proxy = try EC2FaultProxy(moto: moto)
        try proxy.setRules([.init(action: "RunInstances", code: "InsufficientInstanceCapacity", status: 500)])
        let ec2 = client(endpoint: proxy.url)
        XCTAssertThrowsError(try launch(ec2, count: 1, tags: [:])) { error in
            let error = error as! AWSError
            XCTAssertEqual(error.code, "InsufficientInstanceCapacity")
            XCTAssertEqual(error.status, 500)
        }
        XCTAssertEqual(proxy.seen().filter { $0.action == "RunInstances" }.count, 1, "not retried in the same place")
    }

    func testECRTokenFromMoto() throws {
        let credentials = AWSCredentials(
            accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey, source: .environment)
        let ecr = ECRClient(
            config: AWSServiceConfig(
                service: "ecr", region: "us-east-1", endpoint: moto.endpoint, credentials: .fixed(credentials)))
        let login = try ecr.authorizationToken()
        XCTAssertEqual(login.user, "AWS")
        XCTAssertFalse(login.password.isEmpty)
        XCTAssertTrue(login.registry.hasPrefix("https://"), login.registry)
        XCTAssertFalse("\(login)".contains(login.password))
        let wrong = ECRClient(
            config: AWSServiceConfig(
                service: "ecr", region: "us-east-1", endpoint: moto.endpoint,
                credentials: .fixed(
                    AWSCredentials(accessKeyID: moto.accessKeyID, secretAccessKey: "x", source: .environment))))
        XCTAssertThrowsError(try wrong.authorizationToken()) { error in
            XCTAssertEqual((error as! AWSError).kind, .denied, "\(error)")
        }
    }
}
