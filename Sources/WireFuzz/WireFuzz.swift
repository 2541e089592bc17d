import NIOCore
import Wire

/// libFuzzer entry point: the input is a byte stream as a peer could send it. It goes through the
/// frame decoder and every decoded frame through the message decoder; each decoded message is
/// re-encoded and decoded again, and must come back equal. Errors are expected; crashes, leaks,
/// hangs and unbounded allocations are the findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var buffer = ByteBufferAllocator().buffer(capacity: size)
    buffer.writeBytes(UnsafeBufferPointer(start: data, count: size))
    let limits = WireLimits(maxFrameSize: 1 << 20)
    while true {
        let frame: Frame?
        do {
            frame = try FrameCodec.decode(from: &buffer, limits: limits)
        } catch {
            return 0
        }
        guard let frame else { return 0 }
        guard let message = try? Message(frame: frame) else { continue }
        var encoded = ByteBufferAllocator().buffer(capacity: 64)
        guard (try? message.encodeFrame(into: &encoded, limits: limits)) != nil,
            let again = try? FrameCodec.decode(from: &encoded, limits: limits),
            let decodedAgain = try? Message(frame: again),
            decodedAgain == message
        else {
            fatalError("round trip changed a message: \(message)")
        }
    }
}

#if !FUZZING
    import Foundation

    /// Without libFuzzer (a normal build), this replays files through the same entry point: the
    /// committed seed corpus in tests, or a crash input to reproduce a finding.
    @main
    struct WireFuzzReplay {
        static func main() throws {
            var paths: [String] = []
            for argument in CommandLine.arguments.dropFirst() {
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
                _ = bytes.withUnsafeBufferPointer { fuzzWire($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            }
            print("replayed \(paths.count) inputs")
        }
    }
#endif
