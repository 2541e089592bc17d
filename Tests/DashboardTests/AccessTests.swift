import Dashboard
import XCTest

final class AccessTests: XCTestCase {
    func testLoopbackAddresses() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] {
            XCTAssertTrue(Access.isLoopback(host), host)
        }
        for host in ["0.0.0.0", "10.0.0.1", "::", "example.com", "127.0.0", "1270.0.0.1"] {
            XCTAssertFalse(Access.isLoopback(host), host)
        }
    }

    func testTheLoginFormsTokenIsDecoded() {
        let body = Array("other=1&token=ab%2Bc+d%3D%3D&x".utf8)
        XCTAssertEqual(Access.formValue("token", in: body).map { String(decoding: $0, as: UTF8.self) }, "ab+c d==")
        XCTAssertNil(Access.formValue("token", in: Array("tok=1".utf8)))
        XCTAssertNil(Access.formValue("token", in: Array("token=%4".utf8)), "a cut escape is malformed")
    }

    func testTheSessionCookieIsFoundAmongOthers() {
        XCTAssertEqual(Access.cookie("grow_session", in: "a=1; grow_session=abc; b=2"), "abc")
        XCTAssertNil(Access.cookie("grow_session", in: "grow_sessionx=1"))
    }

    func testSessionsNeedTheTokenAndExpire() {
        var sessions = SessionStore(lifetimeMs: 1000, maxSessions: 2)
        let token = Array("s3cret-token-of-the-cluster".utf8)
        XCTAssertNil(sessions.login(given: Array("wrong".utf8), token: token, newID: "x", nowMs: 0))
        XCTAssertNil(
            sessions.login(given: Array("s3cret-token-of-the-clusteR".utf8), token: token, newID: "x", nowMs: 0))
        XCTAssertEqual(sessions.login(given: token, token: token, newID: "a", nowMs: 0), "a")
        XCTAssertTrue(sessions.isValid("a", nowMs: 999))
        XCTAssertFalse(sessions.isValid("a", nowMs: 1000))
        XCTAssertFalse(sessions.isValid(nil, nowMs: 0))
        XCTAssertFalse(sessions.isValid("b", nowMs: 0))
        // At most two sessions: the oldest goes.
        _ = sessions.login(given: token, token: token, newID: "b", nowMs: 10)
        _ = sessions.login(given: token, token: token, newID: "c", nowMs: 20)
        XCTAssertFalse(sessions.isValid("a", nowMs: 30))
        XCTAssertTrue(sessions.isValid("c", nowMs: 30))
        XCTAssertNil(sessions.login(given: [], token: [], newID: "d", nowMs: 0), "no token, no login")
    }

    func testRateAndTimeLeft() {
        var rate = RateTracker(windowMs: 10_000)
        XCTAssertEqual(rate.perSecond, 0)
        XCTAssertNil(rate.secondsLeft(remaining: 10))
        rate.record(done: 0, atMs: 0)
        rate.record(done: 50, atMs: 5000)
        XCTAssertEqual(rate.perSecond, 10, accuracy: 1e-9)
        XCTAssertEqual(rate.secondsLeft(remaining: 100) ?? -1, 10, accuracy: 1e-9)
        // Old samples leave the window.
        rate.record(done: 50, atMs: 30_000)
        rate.record(done: 250, atMs: 40_000)
        XCTAssertEqual(rate.perSecond, 20, accuracy: 1e-9)
    }
}
