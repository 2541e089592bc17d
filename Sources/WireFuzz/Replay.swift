#if !FUZZING
    import Foundation
    import NIOCore
    import Wire

    /// Without libFuzzer (a normal build), this replays files through a target's entry point: the
    /// committed seed corpora in tests, or a crash input to reproduce a finding.
    ///
    ///     WireFuzz [--sealed] FILE|DIR...      replay through the plain (or the sealed) target
    ///     WireFuzz --write-seeds DIR            the plain target's seeds
    ///     WireFuzz --write-sealed-seeds DIR     the sealed target's seeds
    @main
    struct WireFuzzReplay {
        static func main() throws {
            if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--write-seeds" {
                return try writeSeeds(to: CommandLine.arguments[2])
            }
            if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--write-sealed-seeds" {
                return try writeSealedSeeds(to: CommandLine.arguments[2])
            }
            var arguments = Array(CommandLine.arguments.dropFirst())
            let sealed = arguments.first == "--sealed"
            if sealed { arguments.removeFirst() }
            let target = sealed ? fuzzSealedWire : fuzzWire
            var paths: [String] = []
            for argument in arguments {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                    FileHandle.standardError.write(Data("wire-fuzz: no such file: \(argument)\n".utf8))
                    exit(2)
                }
                if isDirectory.boolValue {
                    let names = try FileManager.default.contentsOfDirectory(atPath: argument).sorted()
                    paths += names.map { argument + "/" + $0 }
                } else {
                    paths.append(argument)
                }
            }
            for path in paths {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                _ = bytes.withUnsafeBufferPointer {
                    target($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count)
                }
            }
            print("replayed \(paths.count) inputs\(sealed ? " through the sealed target" : "")")
        }

        /// One valid frame of every message kind, a stream of several, and a compressed frame:
        /// starting points from which the fuzzer reaches every decoder quickly.
        static func writeSeeds(to directory: String) throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let messages = seedMessages()
            func write(_ name: String, _ frames: [Message], limits: WireLimits = .default) throws {
                var buffer = ByteBufferAllocator().buffer(capacity: 256)
                for message in frames { try message.encodeFrame(into: &buffer, limits: limits) }
                try Data(buffer.readableBytesView).write(to: URL(fileURLWithPath: directory + "/" + name))
            }
            for message in messages { try write("\(message.kind)", [message]) }
            try write("stream-worker", Array(messages[5...12]))
            try write("compressed", [compressedSeed])
            print("wrote \(messages.count + 2) seeds to \(directory)")
        }

        /// For the sealed target: every message kind sealed with the example's keys as a peer's
        /// stream (mode 0), and the same frames in clear for it to seal and tamper with (mode 1,
        /// with and without a flip).
        static func writeSealedSeeds(to directory: String) throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let messages = seedMessages() + [compressedSeed]
            var sealer = FrameSealer(key: FuzzKeys.peer.sealing)
            var sealedStream = ByteBufferAllocator().buffer(capacity: 4096)
            sealedStream.writeInteger(UInt8(0))
            for message in messages { try message.encodeFrame(into: &sealedStream, sealer: &sealer) }
            try Data(sealedStream.readableBytesView).write(to: URL(fileURLWithPath: directory + "/sealed-stream"))
            for (name, mode) in [("to-seal", UInt8(1)), ("to-seal-and-flip", UInt8(0x2B))] {
                var clear = ByteBufferAllocator().buffer(capacity: 4096)
                clear.writeInteger(mode)
                for message in messages { try message.encodeFrame(into: &clear) }
                try Data(clear.readableBytesView).write(to: URL(fileURLWithPath: directory + "/" + name))
            }
            print("wrote 3 seeds to \(directory)")
        }

        static let compressedSeed = Message.jobDefinition(
            JobDefinition(job: 2, name: "big", spec: String(repeating: "31UDQ_12_07 ", count: 300)))

        /// One message of every kind.
        static func seedMessages() -> [Message] {
            let tiles = (0..<6).map { TileAssignment(index: UInt32($0 * 37), attempt: 1) }
            let summary = JobSummary(
                job: 1, name: "ndvi", state: .running, total: 100, pending: 50, running: 4, done: 40, failed: 1,
                quarantined: 0, retries: 2, submittedUnixMs: 1_790_000_000_000, finishedUnixMs: 0, recordsPath: "logs/x"
            )
            let worker = WorkerSummary(
                workerID: "w-1", host: "10.0.0.2", state: .active, slots: 2, busySlots: 2, queuedTiles: 4, load: 1.5,
                rssBytes: 20 << 20, tilesDone: 99, lastHeartbeatAgoMs: 300)
            let messages: [Message] = [
                .hello(
                    Hello(
                        minVersion: 1, maxVersion: 1, role: .worker, name: "w-1", nonce: Array(repeating: 7, count: 32))
                ),
                .challenge(Challenge(version: 1, nonce: Array(repeating: 9, count: 32), headName: "head")),
                .proof(Proof(mac: Array(repeating: 1, count: 32))),
                .welcome(Welcome(mac: Array(repeating: 2, count: 32), sessionID: 5, heartbeatIntervalMs: 1000)),
                .refused(Refused(reason: .authenticationFailed, text: "authentication failed")),
                .registerWorker(
                    RegisterWorker(
                        workerID: "w-1", incarnation: 3, host: "h", cpus: 2, memoryBytes: 1 << 34, slots: 2,
                        version: "0.1", running: [TileRun(job: 1, index: 4, attempt: 1)])),
                .heartbeat(Heartbeat(busySlots: 2, queuedTiles: 4, load: 1.5, rssBytes: 20 << 20)),
                .requestTiles(RequestTiles(count: 4)),
                .jobDefinition(JobDefinition(job: 1, name: "ndvi", spec: #"{"pipeline": "noop", "tiles": 100}"#)),
                .assign(TileBatch(job: 1, tiles: tiles)),
                .tilesStarted(TileBatch(job: 1, tiles: Array(tiles.prefix(2)))),
                .tileDone(
                    TileDone(results: [TileResult(job: 1, index: 0, attempt: 1, durationMicros: 1500, detail: "ok")])),
                .tileFailed(
                    TileFailed(failures: [
                        TileFailure(job: 1, index: 37, attempt: 2, durationMicros: 9, retryable: true, error: "exit 1")
                    ])),
                .revoke(TileIndices(job: 1, indices: [74, 111])),
                .revokeAck(TileIndices(job: 1, indices: [111])),
                .cancelTiles(TileIndices(job: 1, indices: [74])),
                .drain(Drain(deadlineUnixMs: 1_790_000_120_000, reason: "spot interruption")),
                .log(LogLine(level: .warning, job: 1, text: "disk almost full")),
                .shutdown(Shutdown(reason: "head stopping", graceful: true)),
                .submitJob(SubmitJob(name: "ndvi", spec: "{}")),
                .jobAccepted(JobAccepted(job: 1, tileCount: 100, recordsPath: "logs/x")),
                .queryJobs(JobRef(job: 0)),
                .jobStatus(JobStatus(jobs: [summary])),
                .watchJob(JobRef(job: 1)),
                .cancelJob(JobRef(job: 1)),
                .listWorkers(Empty()),
                .workerList(WorkerList(workers: [worker])),
                .errorReply(ErrorReply(code: .unknownJob, message: "no job 9")),
            ]
            return messages
        }
    }
#endif
