import Launcher
import XCTest

/// The launch planner: which subnet and type next, given EC2's answers. Pure.
final class EC2PlannerTests: XCTestCase {
    let a = EC2LaunchPlanner.Subnet(id: "subnet-a", zone: "eu-central-1a")
    let b = EC2LaunchPlanner.Subnet(id: "subnet-b", zone: "eu-central-1b")

    func planner() -> EC2LaunchPlanner {
        EC2LaunchPlanner(
            typeOrder: ["spot.c5", "spot.m5", "spot.r5"],
            subnets: ["spot.c5": [a, b], "spot.m5": [a, b], "spot.r5": [b]],
            setAside: 300, backoffBase: 1, backoffMax: 8)
    }

    func attempt(_ next: EC2LaunchPlanner.Next) -> EC2LaunchPlanner.Attempt? {
        if case .launch(let attempt) = next { return attempt }
        return nil
    }

    func testNoCapacityMovesToTheNextZoneThenTheNextType() throws {
        var planner = planner()
        let first = try XCTUnwrap(attempt(planner.next(wanting: "spot.c5", now: 0)))
        XCTAssertEqual(first.typeName, "spot.c5")
        XCTAssertEqual(first.subnet, a, "the file's first zone first")
        XCTAssertEqual(planner.record(first, code: "InsufficientInstanceCapacity", message: "m", now: 0), .tryNext)
        let second = try XCTUnwrap(attempt(planner.next(wanting: "spot.c5", now: 1)))
        XCTAssertEqual(second.typeName, "spot.c5")
        XCTAssertEqual(second.subnet, b)
        XCTAssertEqual(planner.record(second, code: "SpotMaxPriceTooLow", message: "m", now: 1), .tryNext)
        XCTAssertTrue(planner.isSetAside("spot.c5", now: 2))
        let third = try XCTUnwrap(attempt(planner.next(wanting: "spot.c5", now: 2)))
        XCTAssertEqual(third.typeName, "spot.m5", "the next worker type of the file stands in")
        XCTAssertEqual(third.subnet, a)
        // A success of the stand-in; the set-aside type comes back after its time.
        XCTAssertEqual(planner.record(third, code: nil, message: "", now: 2), .tryNext)
        XCTAssertEqual(attempt(planner.next(wanting: "spot.c5", now: 300))?.typeName, "spot.m5")
        XCTAssertEqual(attempt(planner.next(wanting: "spot.c5", now: 301.5))?.typeName, "spot.c5")
        XCTAssertEqual(attempt(planner.next(wanting: "spot.c5", now: 301.5))?.subnet, a, "every zone is tried again")
    }

    func testMaxWorkersAndTheWrapAroundDecideTheStandIn() {
        let planner = planner()
        XCTAssertEqual(attempt(planner.next(wanting: "spot.r5", now: 0))?.typeName, "spot.r5")
        XCTAssertEqual(
            attempt(planner.next(wanting: "spot.r5", now: 0, allowed: { $0 != "spot.r5" }))?.typeName, "spot.c5",
            "after the last type, the first")
        XCTAssertEqual(
            planner.next(wanting: "spot.c5", now: 0, allowed: { _ in false }),
            .exhausted("no node type can take another node (all set aside or at max_workers)"))
    }

    func testEverythingRefusedIsOneLineWithTheReasons() {
        var planner = EC2LaunchPlanner(typeOrder: ["h"], subnets: ["h": [a, b]])
        for subnet in [a, b] {
            _ = planner.record(
                .init(typeName: "h", subnet: subnet), code: "InsufficientInstanceCapacity", message: "m", now: 0)
        }
        XCTAssertEqual(
            planner.next(wanting: "h", now: 1),
            .exhausted(
                "no capacity: h: InsufficientInstanceCapacity in every zone (eu-central-1a, eu-central-1b), set aside for 300 s"
            ))
    }

    func testThrottlingBacksOffDoublingThenTheSamePlace() throws {
        var planner = planner()
        let first = try XCTUnwrap(attempt(planner.next(wanting: "spot.c5", now: 0)))
        XCTAssertEqual(planner.record(first, code: "RequestLimitExceeded", message: "m", now: 0), .backOff(1))
        XCTAssertEqual(planner.next(wanting: "spot.c5", now: 0.5), .wait(0.5))
        XCTAssertEqual(attempt(planner.next(wanting: "spot.c5", now: 1)), first, "the same attempt again")
        XCTAssertEqual(planner.record(first, code: "RequestLimitExceeded", message: "m", now: 1), .backOff(2))
        XCTAssertEqual(planner.record(first, code: "RequestLimitExceeded", message: "m", now: 3), .backOff(4))
        XCTAssertEqual(planner.record(first, code: "RequestLimitExceeded", message: "m", now: 7), .backOff(8))
        XCTAssertEqual(
            planner.record(first, code: "RequestLimitExceeded", message: "m", now: 15), .backOff(8), "capped")
        XCTAssertEqual(planner.record(first, code: nil, message: "", now: 23), .tryNext)
        XCTAssertEqual(planner.record(first, code: "RequestLimitExceeded", message: "m", now: 24), .backOff(1), "reset")
    }

    func testQuotasAndOtherErrorsStopWithOneLine() throws {
        var planner = planner()
        let first = try XCTUnwrap(attempt(planner.next(wanting: "spot.c5", now: 0)))
        XCTAssertEqual(
            planner.record(first, code: "VcpuLimitExceeded", message: "You have requested more vCPU capacity", now: 0),
            .stop(
                "spot.c5: an EC2 limit of the account is reached (VcpuLimitExceeded): You have requested more vCPU capacity; ask AWS for a higher limit (Service Quotas) or lower max_workers"
            ))
        XCTAssertEqual(
            planner.record(first, code: "InvalidAMIID.NotFound", message: "ec2 RunInstances: no such AMI", now: 0),
            .stop("spot.c5 in eu-central-1a: ec2 RunInstances: no such AMI"))
    }
}
