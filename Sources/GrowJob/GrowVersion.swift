/// grow's version, as workers announce it and reports record it.
package enum GrowVersion {
    package static let current = "0.2.0"
}
