import Foundation
import GrowTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The dashboard of a real head with real workers: the page in headless Chromium, the event
/// stream as a client reads it, Prometheus scraping /metrics, and the login of a dashboard bound
/// beyond loopback.
final class DashboardClusterTests: XCTestCase {
    /// Where the screenshots go: $GROW_DASHBOARD_SCREENSHOTS (docs/images when refreshing the
    /// README's pictures), else the test's folder.
    private func screenshotFolder(_ cluster: ClusterHarness) -> String {
        ProcessInfo.processInfo.environment["GROW_DASHBOARD_SCREENSHOTS"] ?? cluster.directory.path
    }

    private func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runProcess(which("curl")!, ["-s", "--max-time", "60"] + arguments)
    }

    func testThePageFollowsAJobLiveAndTheStreamSeesEveryTileDoneOnce() throws {
        try HeadlessBrowser.require()
        try requirement("curl", available: which("curl") != nil, from: .installDeps)
        let cluster = try ClusterHarness(name: "dashboard")
        let port = try freeLoopbackPort()
        try cluster.startHead(extra: ["--dashboard-port", "\(port)"])
        let base = "http://127.0.0.1:\(port)"
        cluster.eventually("the dashboard listens") { acceptsConnections(port: port) }
        // A client of the event stream from before the job: it must see each tile done once.
        let stream = try cluster.spawn(
            URL(fileURLWithPath: which("curl")!), ["-sN", base + "/api/events"], log: "events")
        defer { if stream.isRunning { kill(stream.processIdentifier, SIGKILL) } }
        cluster.eventually("the stream says hello") { cluster.log("events").contains("event: hello") }
        try cluster.startWorker("w1", slots: 2)
        try cluster.startWorker("w2", slots: 2)
        let browser = try HeadlessBrowser(url: base + "/")
        let tiles = 3000
        let job = try cluster.writeJob(
            "job.json",
            #"{"pipeline": "sleep", "name": "map", "tiles": {"grid": {"columns": 75, "rows": 40}}, "sleep": {"fixed_ms": 12}}"#
        )
        let submit = try cluster.startSubmit(job)
        let folder = screenshotFolder(cluster)
        let cells = "document.querySelectorAll('#cells li')"
        let done = "document.querySelectorAll('#cells li[data-state=done]').length"
        try cluster.eventually("the page shows the job's \(tiles) tiles") {
            try browser.number("\(cells).length") == tiles
        }
        try browser.screenshot(folder + "/dashboard-start.png")
        try cluster.eventually("a third of the tiles done on the page") { try browser.number(done) >= tiles / 3 }
        let middle = try browser.number(done)
        try browser.screenshot(folder + "/dashboard-middle.png")
        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 0, cluster.log("submit"))
        try cluster.eventually("the page shows every tile done and the job finished") {
            let table = try browser.evaluate("document.querySelector('#jobs tbody').textContent") as? String ?? ""
            return try browser.number(done) == tiles && table.contains("finished")
        }
        XCTAssertLessThan(middle, tiles, "the middle screenshot was taken while the job ran")
        try cluster.eventually("the workers panel shows both workers idle") {
            let workers = try browser.evaluate("document.querySelector('#workers tbody').textContent") as? String ?? ""
            return workers.components(separatedBy: "0/2").count - 1 == 2
        }
        try browser.screenshot(folder + "/dashboard-end.png")
        // The same map coloured by the worker that ran each tile.
        _ = try browser.evaluate(
            "(async () => { const r = document.querySelector('input[value=worker]'); r.checked = true; r.onchange(); await new Promise(f => setTimeout(f, 300)); return 1; })()"
        )
        try browser.screenshot(folder + "/dashboard-by-worker.png")

        // The DOM: one cell per tile, every one done; the legend counts agree.
        let domFile = cluster.directory.appendingPathComponent("dom.html")
        try browser.dumpDOM(domFile.path)
        let dom = try String(contentsOf: domFile, encoding: .utf8)
        XCTAssertEqual(dom.components(separatedBy: "<li data-tile=").count - 1, tiles)
        XCTAssertEqual(dom.components(separatedBy: #"data-state="done">tile "#).count - 1, tiles)
        XCTAssertTrue(dom.contains(#"<b class="count" data-state="done">3000</b>"#), "legend")
        XCTAssertTrue(dom.contains(#"<b class="count" data-state="pending">0</b>"#), "legend")
        // Clicking a tile shows its run.
        let detail =
            try browser.evaluate(
                """
                (async () => { const c = document.getElementById('map').getBoundingClientRect();
                  document.getElementById('map').dispatchEvent(new MouseEvent('click', {clientX: c.left + 2, clientY: c.top + 2, bubbles: true}));
                  await new Promise(r => setTimeout(r, 500)); return document.getElementById('detail').textContent; })()
                """.replacingOccurrences(of: "\n", with: " ")) as? String ?? ""
        XCTAssertTrue(detail.contains("tile_0_0") && detail.contains("done"), detail)

        // The stream: every tile reached done, each exactly once.
        kill(stream.processIdentifier, SIGKILL)
        stream.waitUntilExit()
        var doneCount: [Int: Int] = [:]
        for line in cluster.log("events").split(separator: "\n") where line.hasPrefix("data: {\"seq\"") {
            let batch = try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as! [String: Any]
            for group in (batch["jobs"] as? [String: [[Any]]])?["1"] ?? [] where group[0] as? Int == 3 {
                var position = 0
                for (i, delta) in (group[2] as! [Int]).enumerated() {
                    position = i == 0 ? delta : position + delta
                    doneCount[position, default: 0] += 1
                }
            }
        }
        XCTAssertEqual(doneCount.count, tiles, "tiles seen done")
        XCTAssertEqual(Set(doneCount.values), [1], "each tile done exactly once")
    }

    func testPrometheusScrapesTheJobsDoneCount() throws {
        try requirement("prometheus", available: which("prometheus") != nil, from: .installDeps)
        try requirement("curl", available: which("curl") != nil, from: .installDeps)
        let cluster = try ClusterHarness(name: "prometheus")
        let port = try freeLoopbackPort()
        try cluster.startHead(extra: ["--dashboard-port", "\(port)"])
        // The workers serve their own metrics.
        let workerPorts = [try freeLoopbackPort(), try freeLoopbackPort()]
        for (index, workerPort) in workerPorts.enumerated() {
            try cluster.startWorker(
                "w\(index + 1)", slots: 2, extra: ["--metrics-port", "\(workerPort)", "--metrics-bind", "127.0.0.1"])
        }
        let prometheusPort = try freeLoopbackPort()
        let config = try cluster.writeJob(
            "prometheus.yml",
            """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: grow-head
                static_configs:
                  - targets: ['127.0.0.1:\(port)']
            """)
        let prometheus = try cluster.spawn(
            URL(fileURLWithPath: which("prometheus")!),
            [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(cluster.directory.path)/tsdb",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ], log: "prometheus")
        defer {
            kill(prometheus.processIdentifier, SIGKILL)
            prometheus.waitUntilExit()
        }
        let api = "http://127.0.0.1:\(prometheusPort)"
        try cluster.eventually("prometheus is ready") { try curl([api + "/-/ready"]).output.contains("Ready") }
        let tiles = 2000
        let job = try cluster.writeJob(
            "job.json", #"{"pipeline": "sleep", "tiles": \#(tiles), "sleep": {"fixed_ms": 20}}"#)
        let submit = try cluster.startSubmit(job)
        func query(_ expression: String) throws -> Double? {
            let answer = try curl(["-G", api + "/api/v1/query", "--data-urlencode", "query=\(expression)"]).output
            guard let object = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
                let result = (object["data"] as? [String: Any])?["result"] as? [[String: Any]],
                let value = result.first?["value"] as? [Any], let text = value.last as? String
            else { return nil }
            return Double(text)
        }
        // Scraped while the job runs: some tiles done, not all.
        try cluster.eventually("prometheus sees the job half way") {
            guard let done = try query(#"grow_tiles{job_id="1",state="done"}"#) else { return false }
            XCTAssertTrue(submit.isRunning || done == Double(tiles), "the job ended before a scrape")
            return done > 0 && done < Double(tiles) || !submit.isRunning
        }
        submit.waitUntilExit()
        XCTAssertEqual(submit.terminationStatus, 0, cluster.log("submit"))
        try cluster.eventually("prometheus has the job's done count") {
            try query(#"grow_tiles{job_id="1",state="done"}"#) == Double(tiles)
        }
        // It scraped while the job ran too: an earlier sample was below the total.
        let least = try XCTUnwrap(query(#"min_over_time(grow_tiles{job_id="1",state="done"}[10m])"#))
        XCTAssertLessThan(least, Double(tiles))
        XCTAssertEqual(try query(#"grow_workers{state="active"}"#), 2)
        // Each worker counts what it ran; together, every tile once.
        var ranByWorkers = 0
        for workerPort in workerPorts {
            let text = try curl(["http://127.0.0.1:\(workerPort)/metrics"]).output
            let line = text.split(separator: "\n").first { $0.hasPrefix(#"grow_worker_tiles_total{outcome="done"}"#) }
            ranByWorkers += Int(line?.split(separator: " ").last ?? "") ?? 0
            XCTAssertTrue(text.contains("grow_worker_tile_duration_seconds_count"), text)
        }
        XCTAssertEqual(ranByWorkers, tiles)
        XCTAssertGreaterThan(try query("grow_tile_duration_seconds_count") ?? 0, Double(tiles) - 1)
    }

    func testBeyondLoopbackThePageWantsTheTokenWhichNeverShows() throws {
        try requirement("curl", available: which("curl") != nil, from: .installDeps)
        let cluster = try ClusterHarness(name: "dashboard-login")
        let port = try freeLoopbackPort()
        try cluster.startHead(extra: ["--dashboard-bind", "0.0.0.0", "--dashboard-port", "\(port)"])
        let base = "http://127.0.0.1:\(port)"
        cluster.eventually("the dashboard listens") { acceptsConnections(port: port) }
        let token = try String(contentsOf: cluster.tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        func status(_ arguments: [String]) throws -> (code: String, body: String) {
            let body = cluster.directory.appendingPathComponent("body").path
            let code = try curl(["-o", body, "-w", "%{http_code}"] + arguments).output
            return (code, (try? String(contentsOfFile: body, encoding: .utf8)) ?? "")
        }
        // Without a session: the page is the login form, the API and the metrics are refused.
        let page = try status([base + "/"])
        XCTAssertEqual(page.code, "401")
        XCTAssertTrue(page.body.contains("sign in"))
        XCTAssertFalse(page.body.contains("<canvas"))
        XCTAssertEqual(try status([base + "/api/state"]).code, "401")
        XCTAssertEqual(try status([base + "/api/events"]).code, "401")
        XCTAssertEqual(try status([base + "/metrics"]).code, "401")
        XCTAssertEqual(try status(["-H", "Authorization: Bearer \(token)", base + "/metrics"]).code, "200")
        XCTAssertEqual(try status(["--data-urlencode", "token=not-the-token", base + "/login"]).code, "401")
        // The right token buys a session cookie; the redirect and the cookie carry no token.
        let headers = cluster.directory.appendingPathComponent("headers").path
        let login = try status(["-D", headers, "--data-urlencode", "token=\(token)", base + "/login"])
        XCTAssertEqual(login.code, "303")
        let headerText = try String(contentsOfFile: headers, encoding: .utf8)
        let cookie = try XCTUnwrap(
            headerText.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") }?
                .split(separator: ";").first?.split(separator: " ", maxSplits: 1).last.map(String.init))
        XCTAssertTrue(cookie.hasPrefix("grow_session="), cookie)
        XCTAssertFalse(headerText.contains(token))
        let signedIn = try status(["-H", "Cookie: \(cookie)", base + "/"])
        XCTAssertEqual(signedIn.code, "200")
        XCTAssertTrue(signedIn.body.contains("<canvas"))
        XCTAssertFalse(signedIn.body.contains(token))
        let state = try status(["-H", "Cookie: \(cookie)", base + "/api/state"])
        XCTAssertEqual(state.code, "200")
        XCTAssertFalse(state.body.contains(token))
        XCTAssertEqual(try status(["-H", "Cookie: grow_session=forged", base + "/api/state"]).code, "401")
        // Nor in any log line.
        cluster.stopAll()
        XCTAssertTrue(cluster.log("head").contains("dashboard listening"), cluster.log("head"))
        XCTAssertFalse(cluster.log("head").contains(token))
    }
}
