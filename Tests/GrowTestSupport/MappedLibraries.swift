import Foundation

/// The file names of the shared objects mapped into process `pid` (`libcurl.so.4.8.0`), read
/// from /proc/PID/maps: what the libraries grow dlopen()s on first use are checked against.
package func mappedLibraries(_ pid: Int32) throws -> Set<String> {
    // Read to the end: /proc files have no size, and reading by size stops early.
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/maps"))
    defer { try? handle.close() }
    let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
    return Set(
        maps.split(separator: "\n").compactMap { line -> String? in
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(5).first
            else { return nil }
            let name = (String(path) as NSString).lastPathComponent
            return name.contains(".so") ? name : nil
        })
}

/// The libraries grow loads on first use, by the prefix of their file names.
package let lazyLibraryPrefixes = ["libgdal.so", "libcurl.so", "libssh2.so"]
