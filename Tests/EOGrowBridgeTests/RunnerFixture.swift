import EOGrowBridge
import Exec
import Foundation
import GrowJob
import GrowTestSupport
import XCTest

/// An eo-learn workflow of one task (`Act`) whose executions do what their name says: write the
/// process's pid (`pid-*`), sleep with a child process (`sleep-*`), raise (`fail-*`) or exit the
/// interpreter (`exit-*`). The driver's payload for it is made by the eo-grow venv's Python, as
/// the driver makes it: eo-learn's per-execution data, cloudpickled.
struct RunnerFixture: Sendable {
    let folder: String
    let python: String
    let payload: String

    static let names = ["pid-0", "pid-1", "pid-2", "sleep-0", "fail-0", "exit-0"]

    static let tasks = #"""
        import os
        import subprocess
        import time

        from eolearn.core import EOTask


        class Act(EOTask):
            def execute(self, *, name, folder):
                marker = os.path.join(folder, name)
                if name.startswith("pid"):
                    with open(marker, "w") as file:
                        file.write(str(os.getpid()))
                elif name.startswith("sleep"):
                    child = subprocess.Popen(["sleep", "1000"])
                    with open(marker + ".tmp", "w") as file:
                        file.write(f"{os.getpid()} {child.pid}")
                    os.rename(marker + ".tmp", marker)
                    time.sleep(1000)
                elif name.startswith("fail"):
                    raise ValueError(f"boom in {name}")
                elif name.startswith("exit"):
                    os._exit(7)
                return name
        """#

    static let makePayload = #"""
        import base64, logging, sys
        from fs.osfs import OSFS
        from eolearn.core import EONode, EOWorkflow
        from eolearn.core.eoexecution import _ProcessingData
        from eolearn.core.utils.fs import pickle_fs
        from ray import cloudpickle

        folder, names = sys.argv[1], sys.argv[2:]
        sys.path.append(folder)
        from bridge_tasks import Act

        node = EONode(Act(), name="Act")
        workflow = EOWorkflow([node])
        filesystem = pickle_fs(OSFS(folder))
        executions = {
            name: _ProcessingData(
                workflow=workflow, workflow_kwargs={node: {"name": name, "folder": folder}},
                pickled_filesystem=filesystem, log_path=None, filter_logs_by_thread=False, logs_filter=None,
                logs_handler_factory=logging.FileHandler, raise_on_temporal_mismatch=False)
            for name in names
        }
        print(base64.b64encode(cloudpickle.dumps(executions)).decode("ascii"))
        """#

    init(_ test: XCTestCase) throws {
        python = try EOGrowVenv.require().appendingPathComponent("python").path
        folder = try makeScratchDirectory(test, "eogrow-runner")
        try Self.tasks.write(toFile: folder + "/bridge_tasks.py", atomically: true, encoding: .utf8)
        let result = try captureProcess(python, ["-c", Self.makePayload, folder] + Self.names)
        guard result.status == 0 else { throw HarnessError("making the payload failed: \(result.stderr)") }
        payload = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The job the driver would submit for these executions.
    func spec(sysPath: [String]? = nil, extra: String = "") throws -> JobSpec {
        let task: JSONValue = .object([
            "pipeline": .string("bridge_tasks.ActPipeline"),
            "payload": .string(payload),
            "sys_path": .array((sysPath ?? [folder]).map { .string($0) }),
        ])
        let tiles = JSONValue.array(Self.names.map { .string($0) })
        return try JobSpec.parse(
            json:
                #"{"pipeline": "eogrow", "tiles": \#(tiles.canonicalText), "eogrow": \#(task.canonicalText)\#(extra)}"#,
            source: "eogrow-test.json")
    }

    func tile(_ name: String, job: UInt32 = 1, in spec: JobSpec) -> TileContext {
        let index = UInt32(Self.names.firstIndex(of: name)!)
        return TileContext(job: job, index: index, attempt: 1, name: name, workDir: folder)
    }

    /// The pid an execution wrote (`pid-*`), or the interpreter's and its child's (`sleep-*`).
    func pids(_ name: String) -> [Int32] {
        let text = (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }
    }

    /// Waits (without a time limit: the test runner has one) until a `sleep-*` execution started.
    func waitForSleeper(_ name: String) async -> [Int32] {
        while true {
            let found = pids(name)
            if found.count == 2 { return found }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Whether a process is gone (or a zombie about to be reaped).
func isGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    // The state follows the command name in parentheses.
    guard let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(close, offsetBy: 2)] == "Z"
}

/// Waits until `pid` is gone: a SIGKILLed group needs a moment to be reaped.
func waitUntilGone(_ pid: Int32) async {
    while !isGone(pid) { try? await Task.sleep(for: .milliseconds(20)) }
}
