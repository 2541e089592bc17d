import Foundation
import GrowTestSupport
import XCTest

/// docker/aws/grow-node.pkr.hcl, the node AMI's template, checked by Debian's Packer (1.6.6)
/// offline: `packer validate` (every block and key known to the amazon-ebs builder and the
/// provisioners) and `packer fmt -check`.
final class PackerTemplateTests: XCTestCase {
    let packer = "/usr/bin/packer"
    var template: String { PackagePaths.root.appendingPathComponent("docker/aws/grow-node.pkr.hcl").path }

    /// No AWS credentials, Packer's update check off, and any HTTP(S) request sent to a closed
    /// port: validation must not need the network.
    var offline: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in environment.keys where name.hasPrefix("AWS_") { environment[name] = nil }
        environment["CHECKPOINT_DISABLE"] = "1"
        environment["HTTP_PROXY"] = "http://127.0.0.1:9"
        environment["HTTPS_PROXY"] = "http://127.0.0.1:9"
        environment["NO_PROXY"] = ""
        return environment
    }

    func testTheNodeAMITemplateValidatesAndIsFormatted() throws {
        try requirement("packer (\(packer))", available: isExecutable(packer))
        let validate = try captureProcess(
            packer,
            [
                "validate", "-var", "region=eu-central-1", "-var",
                "image=123456789012.dkr.ecr.eu-central-1.amazonaws.com/grow:latest", template,
            ], environment: offline)
        XCTAssertEqual(validate.status, 0, validate.stdout + validate.stderr)
        let format = try captureProcess(
            packer, ["fmt", "-check", PackagePaths.root.appendingPathComponent("docker/aws").path], environment: offline
        )
        XCTAssertEqual(format.status, 0, "packer fmt would change: \(format.stdout)\(format.stderr)")

        // The region has no default: without it the template is refused (validate does check).
        let unset = try captureProcess(packer, ["validate", template], environment: offline)
        XCTAssertNotEqual(unset.status, 0)
        XCTAssertTrue((unset.stdout + unset.stderr).contains("Unset variable \"region\""), unset.stdout + unset.stderr)

        // What the AMI promises: Docker, grow's binaries and image, IMDSv2 required.
        let text = try String(contentsOfFile: template, encoding: .utf8)
        XCTAssertTrue(text.contains("--imds-support v2.0"), "instances from the AMI must require IMDSv2")
        let provision = PackagePaths.root.appendingPathComponent("docker/aws/provision.sh").path
        let script = try String(contentsOfFile: provision, encoding: .utf8)
        for step in ["install-runtime", "docker.io", "/usr/local/bin/", "grow-head image login", "docker pull"] {
            XCTAssertTrue(script.contains(step), "provision.sh: \(step)")
        }
        let syntax = try captureProcess("/bin/bash", ["-n", provision])
        XCTAssertEqual(syntax.status, 0, syntax.stderr)
    }
}
