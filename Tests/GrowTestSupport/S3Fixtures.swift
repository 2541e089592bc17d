import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The policy of CDSE's guide (its Python dict, transcribed), for comparison as parsed JSON.
package func guidePolicy(bucket: String) -> NSDictionary {
    let shareTo = "ddf4c98b5e6647f0a246f0624c8341d9"
    return [
        "Version": "2012-10-17",
        "Statement": [
            [
                "Sid": "Sentinel Hub permissions",
                "Effect": "Allow",
                "Principal": ["AWS": ["arn:aws:iam::\(shareTo):root"]],
                "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:PutObject", "s3:GetObject"],
                "Resource": ["arn:aws:s3:::\(bucket)", "arn:aws:s3:::\(bucket)/*"],
            ]
        ],
    ]
}

/// A file of `size` bytes whose every 8-byte word is a function of its offset, written 4 MiB
/// at a time.
package func writePatternFile(_ path: String, size: UInt64) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw HarnessError("cannot create \(path)") }
    defer { close(fd) }
    let chunk = 4 << 20
    var buffer = [UInt8](repeating: 0, count: chunk)
    var offset: UInt64 = 0
    while offset < size {
        let count = Int(min(UInt64(chunk), size - offset))
        buffer.withUnsafeMutableBytes { raw in
            for word in 0..<(count + 7) / 8 {
                var x = (offset / 8 + UInt64(word)) &* 0x9E37_79B9_7F4A_7C15
                x ^= x >> 29
                withUnsafeBytes(of: &x) { bytes in
                    for index in 0..<8 where word * 8 + index < count { raw[word * 8 + index] = bytes[index] }
                }
            }
        }
        let written = buffer.withUnsafeBytes { write(fd, $0.baseAddress!, count) }
        guard written == count else { throw HarnessError("short write to \(path)") }
        offset += UInt64(count)
    }
}

package func readFile(_ fd: Int32, _ range: Range<UInt64>) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: range.count)
    let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, range.count, off_t(range.lowerBound)) }
    return Array(bytes.prefix(max(count, 0)))
}

package func filesEqual(_ a: String, _ b: String) throws -> Bool {
    let first = open(a, O_RDONLY)
    let second = open(b, O_RDONLY)
    defer {
        close(first)
        close(second)
    }
    guard first >= 0, second >= 0 else { return false }
    var offset: UInt64 = 0
    while true {
        let left = readFile(first, offset..<offset + (4 << 20))
        let right = readFile(second, offset..<offset + (4 << 20))
        if left != right { return false }
        if left.isEmpty { return true }
        offset += UInt64(left.count)
    }
}
