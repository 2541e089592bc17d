import Foundation

/// What command tiles leave behind when they write `<unix ns> <attempt> <work dir>` to a file
/// named after the tile at their start: where and when each tile ran.
struct SpotMarkers {
    struct Run: Equatable {
        var startedAt: Date
        var attempt: Int
        var worker: String
    }

    /// Tile name → its runs, in the order they were written.
    var runs: [String: [Run]] = [:]

    init(folder: URL) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            runs[name] = text.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: " ")
                guard fields.count >= 3, let nanos = Double(fields[0]), let attempt = Int(fields[1]) else { return nil }
                // The work dir is <test>/work-<worker>/job-N.
                let worker = fields[2].split(separator: "/").first { $0.hasPrefix("work-") }?.dropFirst(5) ?? ""
                return Run(
                    startedAt: Date(timeIntervalSince1970: nanos / 1e9), attempt: attempt, worker: String(worker))
            }
        }
    }

    /// Tiles started on `worker` so far.
    func tiles(on worker: String) -> [String] {
        runs.filter { $0.value.contains { $0.worker == worker } }.map(\.key).sorted()
    }

    /// The first run of `tile` on a worker other than `worker`.
    func firstRun(of tile: String, awayFrom worker: String) -> Run? {
        runs[tile]?.filter { $0.worker != worker }.min { $0.startedAt < $1.startedAt }
    }

    /// The shell command that writes the marker and then sleeps: `long` seconds for tiles whose
    /// index modulo `every` is `which`, `short` seconds for the rest.
    static func command(folder: URL, short: Double, long: Double, every: Int, which: Int) -> String {
        #"["sh", "-c", "echo \"$(date +%s%N) {attempt} $GROW_WORK_DIR\" >> \#(folder.path)/{tile}; "#
            + #"if [ $(({index} % \#(every))) -eq \#(which) ]; then sleep \#(long); else sleep \#(short); fi"]"#
    }
}
