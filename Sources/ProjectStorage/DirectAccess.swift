/// What a raster library needs to read a store's objects in place: the path prefix its keys
/// live under (a local folder, or `/vsis3/bucket/prefix`) and the options that reach the store,
/// scoped to that prefix. The options may hold credentials: they are never printed.
package struct DirectAccess: Sendable, Equatable, CustomStringConvertible {
    package var prefix: String
    package var options: [String: String]

    package init(prefix: String, options: [String: String]) {
        self.prefix = prefix
        self.options = options
    }

    /// The path of `key` under the prefix.
    package func path(_ key: String) -> String {
        key.isEmpty ? prefix : (prefix.hasSuffix("/") ? prefix + key : prefix + "/" + key)
    }

    package var description: String { "\(prefix) (\(options.count) options)" }
}
