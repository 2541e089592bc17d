import Foundation
import XCTest

/// Runs a Python snippet with the system interpreter (which has numpy) and returns its stdout;
/// a non-zero exit fails with the script's stderr, so numpy-side assertions fail the test.
func runNumpy(_ script: String, _ arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws
    -> String
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", script] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Read both pipes to their end before waiting, so a chatty script cannot block on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var errorData = Data()
    group.enter()
    DispatchQueue.global().async {
        errorData = errors.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    let stdout = String(decoding: outputData, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        let stderr = String(decoding: errorData, as: UTF8.self)
        XCTFail("python exited \(process.terminationStatus):\n\(stderr)\n\(stdout)", file: file, line: line)
        throw NumpyScriptFailed()
    }
    return stdout
}

struct NumpyScriptFailed: Error {}
