import Foundation
import GrowTestSupport
import Launcher
import XCTest

/// node_config to RunInstances parameters, tags, subnets and keys. Pure.
final class EC2LaunchRequestTests: XCTestCase {
    func nodeConfig() throws -> [String: PlainValue] {
        let yaml = """
            cluster_name: c
            provider: {type: aws, region: eu-central-1}
            auth: {ssh_user: ubuntu}
            available_node_types:
                w:
                    node_config:
                        InstanceType: c5.large
                        ImageId: ami-1
                        InstanceMarketOptions: {MarketType: spot, SpotOptions: {MaxPrice: "0.05"}}
                        IamInstanceProfile: {Arn: "arn:aws:iam::1:instance-profile/grow"}
                        MetadataOptions: {HttpTokens: required, HttpPutResponseHopLimit: 2}
                        BlockDeviceMappings:
                            - DeviceName: /dev/sda1
                              Ebs: {VolumeSize: 40, DeleteOnTermination: True}
                        TagSpecifications:
                            - ResourceType: instance
                              Tags: [{Key: team, Value: eo}, {Key: Name, Value: mine}]
                        UserData: "#!/bin/sh\\necho hi"
            head_node_type: w
            """
        return try ClusterConfigParser.parse(yaml: yaml, file: "c.yaml").config.availableNodeTypes[0].nodeConfig
    }

    func testParametersInQueryForm() throws {
        let tags = EC2NodeTags.tags(cluster: "c", kind: .worker, type: "w", launchHash: "h")
        let request = EC2LaunchRequest(
            nodeConfig: try nodeConfig(), count: 2, subnetID: "subnet-b", securityGroupIDs: ["sg-1"], keyName: "k",
            tags: tags, onDemand: false, clientToken: "token")
        let parameters = Dictionary(request.parameters, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(request.parameters.count, parameters.count, "no parameter twice")
        let expected: [String: String] = [
            "MinCount": "2", "MaxCount": "2", "ClientToken": "token", "InstanceType": "c5.large", "ImageId": "ami-1",
            "KeyName": "k", "SubnetId": "subnet-b", "SecurityGroupId.1": "sg-1",
            "IamInstanceProfile.Arn": "arn:aws:iam::1:instance-profile/grow", "MetadataOptions.HttpTokens": "required",
            "MetadataOptions.HttpPutResponseHopLimit": "2", "InstanceMarketOptions.MarketType": "spot",
            "InstanceMarketOptions.SpotOptions.MaxPrice": "0.05", "BlockDeviceMapping.1.DeviceName": "/dev/sda1",
            "BlockDeviceMapping.1.Ebs.VolumeSize": "40", "BlockDeviceMapping.1.Ebs.DeleteOnTermination": "true",
            "UserData": Data("#!/bin/sh\necho hi".utf8).base64EncodedString(),
            "TagSpecification.1.ResourceType": "instance", "TagSpecification.2.ResourceType": "volume",
        ]
        for (key, value) in expected { XCTAssertEqual(parameters[key], value, key) }
        // The file's instance tags with grow's added; the file's Name stays.
        var instanceTags: [String: String] = [:]
        var index = 1
        while let key = parameters["TagSpecification.1.Tag.\(index).Key"] {
            instanceTags[key] = parameters["TagSpecification.1.Tag.\(index).Value"]
            index += 1
        }
        XCTAssertEqual(
            instanceTags,
            [
                "team": "eo", "Name": "mine", "grow-cluster-name": "c", "grow-node-kind": "worker",
                "grow-node-type": "w",
                "grow-launch-hash": "h",
            ])
        // The head runs on-demand whatever its node_config says.
        let head = EC2LaunchRequest(
            nodeConfig: try nodeConfig(), count: 1, subnetID: nil, securityGroupIDs: [], keyName: nil, tags: [:],
            onDemand: true, clientToken: "t")
        XCTAssertFalse(head.parameters.contains { $0.0.hasPrefix("InstanceMarketOptions") })
    }

    func testLaunchHashIgnoresKeyOrderButNotValues() throws {
        let config = try nodeConfig()
        var reordered: [String: PlainValue] = [:]
        for key in config.keys.reversed() { reordered[key] = config[key] }
        XCTAssertEqual(
            EC2NodeTags.launchHash(nodeConfig: config, kind: .worker),
            EC2NodeTags.launchHash(nodeConfig: reordered, kind: .worker))
        var changed = config
        changed["InstanceType"] = .string("c5.xlarge")
        XCTAssertNotEqual(
            EC2NodeTags.launchHash(nodeConfig: config, kind: .worker),
            EC2NodeTags.launchHash(nodeConfig: changed, kind: .worker))
        XCTAssertNotEqual(
            EC2NodeTags.launchHash(nodeConfig: config, kind: .worker),
            EC2NodeTags.launchHash(nodeConfig: config, kind: .head))
    }

    func testSubnetsInTheFilesZoneOrder() {
        let subnets = [
            EC2Bootstrap.SubnetInfo(id: "s-a", zone: "r-1a", vpcID: "v", mapsPublicIP: true, defaultForZone: true),
            EC2Bootstrap.SubnetInfo(id: "s-b", zone: "r-1b", vpcID: "v", mapsPublicIP: true, defaultForZone: true),
            EC2Bootstrap.SubnetInfo(id: "s-c", zone: "r-1c", vpcID: "v", mapsPublicIP: false, defaultForZone: true),
            EC2Bootstrap.SubnetInfo(id: "s-x", zone: "r-1a", vpcID: "w", mapsPublicIP: true, defaultForZone: false),
        ]
        XCTAssertEqual(
            EC2Bootstrap.orderSubnets(subnets, zones: ["r-1b", "r-1a"], useInternalIPs: false, listed: nil).map(\.id),
            ["s-b", "s-a"])
        XCTAssertEqual(
            EC2Bootstrap.orderSubnets(subnets, zones: [], useInternalIPs: true, listed: nil).map(\.id),
            ["s-a", "s-b", "s-c"], "every default subnet, zones in name order; private ones with use_internal_ips")
        XCTAssertEqual(
            EC2Bootstrap.orderSubnets(subnets, zones: ["r-1b", "r-1a"], useInternalIPs: false, listed: ["s-x", "s-b"])
                .map(\.id), ["s-b", "s-x"], "listed SubnetIds, in the zones' order")
    }

    func testPublicKeyFromThePrivateKeyMatchesThePub() throws {
        let directory = uniqueTemporaryURL("pubkey")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for type in ["ed25519", "ecdsa"] {
            let key = directory.appendingPathComponent("id_\(type)")
            try TestSSHServer.keygen(type: type, at: key)
            let pub = try String(contentsOf: key.appendingPathExtension("pub"), encoding: .utf8).split(separator: " ")
            XCTAssertEqual(
                EC2Bootstrap.publicKey(fromPrivateKey: try String(contentsOf: key, encoding: .utf8)),
                "\(pub[0]) \(pub[1])", type)
        }
        let provider = AWSProvider(region: "eu-central-1")
        let name = EC2Bootstrap.keyPairName(provider: provider, cluster: "c", publicKey: "ssh-ed25519 AAAA")
        XCTAssertTrue(name.hasPrefix("grow-c-eu-central-1-"), name)
        XCTAssertNotEqual(
            name, EC2Bootstrap.keyPairName(provider: provider, cluster: "c", publicKey: "ssh-ed25519 BBBB"))
        XCTAssertEqual(
            EC2Bootstrap.keyPairName(
                provider: AWSProvider(region: "eu-central-1", keyPairName: "mine"), cluster: "c", publicKey: "x"),
            "mine")
    }

    func testProviderKeys() throws {
        let yaml = """
            cluster_name: c
            provider:
                type: aws
                region: eu-central-1
                availability_zone: [eu-central-1b, eu-central-1a]
                cache_stopped_nodes: false
                use_internal_ips: true
                ssh_cidr: 203.0.113.0/24
                key_pair: {key_name: team-key}
                security_group:
                    GroupName: team-sg
                    IpPermissions: [{IpProtocol: tcp, FromPort: 8080, ToPort: 8080, IpRanges: [{CidrIp: 10.0.0.0/8}]}]
            auth: {ssh_user: ubuntu}
            available_node_types:
                h: {node_config: {InstanceType: m5.large, ImageId: ami-1}}
            head_node_type: h
            """
        let result = try ClusterConfigParser.parse(yaml: yaml, file: "c.yaml")
        XCTAssertEqual(result.warnings, [])
        guard case .aws(let aws) = result.config.provider else { return XCTFail("aws") }
        XCTAssertEqual(aws.availabilityZones, ["eu-central-1b", "eu-central-1a"])
        XCTAssertFalse(aws.cacheStoppedNodes)
        XCTAssertTrue(aws.useInternalIPs)
        XCTAssertEqual(aws.sshCIDR, "203.0.113.0/24")
        XCTAssertEqual(aws.keyPairName, "team-key")
        XCTAssertEqual(aws.securityGroupName, "team-sg")
        XCTAssertEqual(
            aws.securityGroupPermissions.map {
                EC2QueryParameters.flatten($0, prefix: "IpPermissions").map { "\($0.0)=\($0.1)" }
            },
            [
                "IpPermissions.1.FromPort=8080", "IpPermissions.1.IpProtocol=tcp",
                "IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8", "IpPermissions.1.ToPort=8080",
            ])
        XCTAssertThrowsError(
            try ClusterConfigParser.parse(
                yaml: yaml.replacingOccurrences(of: "203.0.113.0/24", with: "everyone"), file: "c.yaml")
        ) { error in
            XCTAssertEqual(
                "\(error)", "c.yaml:8: provider.ssh_cidr: \"everyone\" is not an IPv4 range such as 203.0.113.0/24")
        }
    }
}
