import Launcher
import XCTest

/// `grow-head image push`'s reference: the registry it logs in to, the ECR region, and one-line
/// refusals of what docker would push somewhere else (Docker Hub) or not at all.
final class ImageReferenceTests: XCTestCase {
    func testRegistryRepositoryTagAndTheECRRegion() throws {
        let ecr = try ImageReference(parsing: "123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/grow:2026-11")
        XCTAssertEqual(ecr.registry, "123456789012.dkr.ecr.eu-central-1.amazonaws.com")
        XCTAssertEqual(ecr.repository, "team/grow")
        XCTAssertEqual(ecr.tag, "2026-11")
        XCTAssertEqual(ecr.ecrRegion, "eu-central-1")
        XCTAssertEqual(ecr.name, "123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/grow")

        let local = try ImageReference(parsing: "10.0.0.1:5000/grow")
        XCTAssertEqual(local.registry, "10.0.0.1:5000")
        XCTAssertEqual(local.tag, "latest")
        XCTAssertNil(local.ecrRegion)
        XCTAssertEqual(local.description, "10.0.0.1:5000/grow:latest")
        XCTAssertEqual(try ImageReference(parsing: "localhost/grow:x").registry, "localhost")
        XCTAssertNil(ImageReference.ecrRegion(host: "registry.example.org"))
    }

    func testRefusals() {
        let cases = [
            "grow:latest": "names no registry: write REGISTRY/REPOSITORY:TAG",
            "library/grow:latest": "names no registry (\"library\" is not a registry host)",
            "example.org/Grow": "has an invalid repository \"Grow\"",
            "example.org/grow:": "has an invalid tag \"\"",
            "example.org/grow@sha256:abc": "names a digest",
            "example.org/grow:a b": "is empty or has spaces",
        ]
        for (text, problem) in cases {
            XCTAssertThrowsError(try ImageReference(parsing: text), text) { error in
                XCTAssertTrue("\(error)".hasPrefix("image \"\(text)\" \(problem)"), "\(error)")
            }
        }
    }
}
