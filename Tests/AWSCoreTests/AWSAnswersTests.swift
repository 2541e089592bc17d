import XCTest

@testable import AWSCore

/// Reading EC2's and ECR's answers and errors, and writing EC2's Query parameters. Pure.
final class AWSAnswersTests: XCTestCase {
    func testErrorCodesFromBothProtocols() {
        let xml = Array(
            "<?xml version=\"1.0\"?><Response><Errors><Error><Code>InsufficientInstanceCapacity</Code><Message>no m5 in a</Message></Error></Errors><RequestID>r</RequestID></Response>"
                .utf8)
        XCTAssertEqual(
            AWSErrorDetail.query(xml), AWSErrorDetail(code: "InsufficientInstanceCapacity", message: "no m5 in a"))
        XCTAssertEqual(
            AWSErrorDetail.json(
                Array(#"{"__type":"com.amazonaws#RepositoryNotFoundException","message":"m"}"#.utf8), headers: [:]),
            AWSErrorDetail(code: "RepositoryNotFoundException", message: "m"))
        XCTAssertEqual(
            AWSErrorDetail.json([], headers: ["x-amzn-errortype": "AccessDeniedException:http://x"])?.code,
            "AccessDeniedException")
        XCTAssertNil(AWSErrorDetail.query(Array("not xml".utf8)))
    }

    func testErrorKindsComeFromTheCode() {
        let keys = AWSCredentials(accessKeyID: "K", secretAccessKey: "S", source: .environment)
        func error(_ status: Int, _ code: String?) -> AWSError {
            AWSErrorText.answer(
                status: status, detail: code.map { AWSErrorDetail(code: $0, message: "m") }, subject: "ec2 X at e",
                credentials: keys)
        }
        XCTAssertEqual(error(503, "RequestLimitExceeded").kind, .failed)
        XCTAssertEqual(error(503, "RequestLimitExceeded").code, "RequestLimitExceeded")
        XCTAssertEqual(error(400, "InvalidAMIID.NotFound").kind, .notFound)
        XCTAssertEqual(error(401, "AuthFailure").kind, .denied)
        XCTAssertEqual(
            error(403, "UnauthorizedOperation").description,
            "ec2 X at e: m (403 UnauthorizedOperation): the credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY may not do this"
        )
        XCTAssertEqual(
            error(403, "SignatureDoesNotMatch").description,
            "ec2 X at e: signature does not match (403 SignatureDoesNotMatch): check AWS_SECRET_ACCESS_KEY")
        XCTAssertEqual(error(400, "InvalidParameterValue").kind, .invalid)
        XCTAssertEqual(error(500, nil).kind, .failed)
        XCTAssertTrue(RetryPolicy.isRetryable(.answered(status: 400, code: "Throttling")))
        XCTAssertTrue(RetryPolicy.isRetryable(.answered(status: 503, code: "RequestLimitExceeded")))
        XCTAssertFalse(RetryPolicy.isRetryable(.answered(status: 400, code: "SpotMaxPriceTooLow")))
    }

    func testQueryParameters() {
        XCTAssertEqual(
            String(
                decoding: EC2Query.body(action: "DescribeInstances", parameters: [("Filter.1.Value.1", "a b/c")]),
                as: UTF8.self),
            "Action=DescribeInstances&Version=2016-11-15&Filter.1.Value.1=a+b%2Fc")
        XCTAssertEqual(
            EC2Query.filters([
                EC2Filter("tag:grow-cluster-name", ["c"]), EC2Filter("instance-state-name", ["pending", "running"]),
            ])
            .map { "\($0.0)=\($0.1)" },
            [
                "Filter.1.Name=tag:grow-cluster-name", "Filter.1.Value.1=c", "Filter.2.Name=instance-state-name",
                "Filter.2.Value.1=pending", "Filter.2.Value.2=running",
            ])
        XCTAssertEqual(
            EC2Query.permissions([
                EC2Permission(ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/0"]),
                EC2Permission(ipProtocol: "-1", groupIDs: ["sg-1"]),
            ])
            .map { "\($0.0)=\($0.1)" },
            [
                "IpPermissions.1.IpProtocol=tcp", "IpPermissions.1.FromPort=22", "IpPermissions.1.ToPort=22",
                "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0", "IpPermissions.2.IpProtocol=-1",
                "IpPermissions.2.Groups.1.GroupId=sg-1",
            ])
        XCTAssertEqual(base64(Array("ssh-ed25519 AAAA".utf8)), "c3NoLWVkMjU1MTkgQUFBQQ==")
        XCTAssertEqual(base64([]), "")
        XCTAssertEqual(base64([0xFF, 0xFE]), "//4=")
    }

    func testDescribeInstancesAnswer() throws {
        let xml = """
            <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>
            <reservationSet><item><reservationId>r-1</reservationId><instancesSet><item>
              <instanceId>i-1</instanceId><imageId>ami-1</imageId><instanceState><code>16</code><name>running</name></instanceState>
              <privateIpAddress>172.31.0.5</privateIpAddress><ipAddress>54.1.2.3</ipAddress><keyName>k</keyName>
              <instanceType>m5.large</instanceType><launchTime>2026-11-30T12:00:00.000Z</launchTime>
              <placement><availabilityZone>us-east-1b</availabilityZone></placement><subnetId>subnet-1</subnetId>
              <instanceLifecycle>spot</instanceLifecycle>
              <tagSet><item><key>grow-node-kind</key><value>worker</value></item><item><key>Name</key><value>grow-c-worker</value></item></tagSet>
            </item></instancesSet></item></reservationSet><nextToken>page2</nextToken></DescribeInstancesResponse>
            """
        let page = EC2Responses.instances(try XMLTree.parse(xml))
        XCTAssertEqual(page.nextToken, "page2")
        XCTAssertEqual(
            page.instances,
            [
                EC2Instance(
                    id: "i-1", type: "m5.large", state: "running", zone: "us-east-1b", subnetID: "subnet-1",
                    privateIP: "172.31.0.5", publicIP: "54.1.2.3", launchTime: 1_796_040_000_000, lifecycle: "spot",
                    imageID: "ami-1", keyName: "k", tags: ["grow-node-kind": "worker", "Name": "grow-c-worker"])
            ])
        XCTAssertTrue(page.instances[0].isSpot)
    }

    func testPermissionCoverage() {
        let ssh = EC2Permission(ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/0", "10.0.0.0/8"])
        XCTAssertTrue(ssh.covers(EC2Permission(ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["10.0.0.0/8"])))
        XCTAssertFalse(ssh.covers(EC2Permission(ipProtocol: "tcp", fromPort: 23, toPort: 23, cidrs: ["10.0.0.0/8"])))
        XCTAssertTrue(
            EC2Permission(ipProtocol: "-1", groupIDs: ["sg-1"]).covers(
                EC2Permission(ipProtocol: "-1", groupIDs: ["sg-1"])))
    }
}
