import Foundation

/// Where export_maps' files go, with eo-grow's names, for the workers that write the per-patch
/// files and the head that merges them:
///
///     <output>/<stem>_<patch>[_<sfx>].tiff                                   a patch (timeless, or not split)
///     <output>/UTM_<epsg>/<stem>_<stem>_<patch>[_<sfx>]_UTM_<epsg>_<time>[_<sfx>].tiff   a patch at one time
///     <output>/UTM_<epsg>/[<time>/]<map_name>                                 the zone's map
///
/// `<time>` is `YYYY-mm-ddTHH-MM-SS` (UTC).
package enum ExportMapsLayout {
    package static let timeLength = 19

    /// `2020-05-01T00-00-00`.
    package static func timeName(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss"
        return formatter.string(from: date)
    }

    /// A patch's file (timeless, or every time in one file).
    package static func patchKey(_ parameters: ExportMapsParameters, output: String, patch: String) -> String {
        output + "/" + parameters.interimName(patch)
    }

    /// A patch's file at one time (eo-grow names the split files after the patch's file).
    package static func splitKey(
        _ parameters: ExportMapsParameters, output: String, patch: String, epsg: Int32, time: String
    ) -> String {
        "\(output)/UTM_\(epsg)/" + parameters.interimName(splitStem(parameters, patch: patch), epsg: epsg, time: time)
    }

    /// The time of a patch's split file in `UTM_<epsg>/`, from its name; nil for other files.
    package static func splitTime(
        _ parameters: ExportMapsParameters, fileName: String, patch: String, epsg: Int32
    ) -> String? {
        let prefix = parameters.interimName(splitStem(parameters, patch: patch), epsg: epsg, time: "")
        // interimName with an empty time ends `..._UTM_<epsg>_[_<sfx>].tiff`: the time goes after the prefix's `_`.
        let suffix = (parameters.interimSuffix.isEmpty ? "" : "_" + parameters.interimSuffix) + ".tiff"
        let head = String(prefix.dropLast(suffix.count))
        guard fileName.hasPrefix(head), fileName.hasSuffix(suffix),
            fileName.count == head.count + timeLength + suffix.count
        else { return nil }
        return String(fileName.dropFirst(head.count).prefix(timeLength))
    }

    /// The zone's map (at one time, when split).
    package static func mapKey(_ parameters: ExportMapsParameters, output: String, epsg: Int32, time: String?) -> String
    {
        "\(output)/UTM_\(epsg)/" + (time.map { $0 + "/" } ?? "") + parameters.mapName
    }

    private static func splitStem(_ parameters: ExportMapsParameters, patch: String) -> String {
        parameters.interimName(patch).replacingOccurrences(of: ".tiff", with: "")
    }
}

/// One map the head builds: a zone (and a time, when split) and its patches' files in the patch
/// list's order (where patches overlap, later ones are drawn over earlier ones, as gdalwarp does).
package struct MapMergeGroup: Sendable, Equatable {
    package var epsg: Int32
    package var time: String?
    package var keys: [String]
    package var mapKey: String
}

extension ExportMapsLayout {
    /// The maps to build from the finished patches (`patches`: name and zone, in patch-list
    /// order) and the keys that exist under the output folder. A patch whose files are all gone
    /// was merged by an earlier run of this step (the files go after every map is written);
    /// nil `epsg` means a patch outside an area grid, found by its `UTM_<epsg>` folder.
    package static func groups(
        _ parameters: ExportMapsParameters, output: String, patches: [(name: String, epsg: Int32)],
        existing: Set<String>
    ) -> (groups: [MapMergeGroup], missing: [String]) {
        var groups: [MapMergeGroup] = []
        var missing: [String] = []
        func add(_ epsg: Int32, _ time: String?, _ key: String) {
            if let index = groups.firstIndex(where: { $0.epsg == epsg && $0.time == time }) {
                groups[index].keys.append(key)
            } else {
                groups.append(
                    MapMergeGroup(
                        epsg: epsg, time: time, keys: [key],
                        mapKey: mapKey(parameters, output: output, epsg: epsg, time: time)))
            }
        }
        // The files of each zone folder, once.
        var zoneFiles: [Int32: [String]] = [:]
        for patch in patches {
            if !parameters.splitsTime {
                let key = patchKey(parameters, output: output, patch: patch.name)
                if existing.contains(key) { add(patch.epsg, nil, key) } else { missing.append(patch.name) }
                continue
            }
            let folder = "\(output)/UTM_\(patch.epsg)/"
            if zoneFiles[patch.epsg] == nil {
                zoneFiles[patch.epsg] = existing.filter { $0.hasPrefix(folder) }.map {
                    String($0.dropFirst(folder.count))
                }
                .filter { !$0.contains("/") }.sorted()
            }
            let times = (zoneFiles[patch.epsg] ?? []).compactMap {
                splitTime(parameters, fileName: $0, patch: patch.name, epsg: patch.epsg)
            }
            if times.isEmpty { missing.append(patch.name) }
            for time in times {
                add(
                    patch.epsg, time,
                    splitKey(parameters, output: output, patch: patch.name, epsg: patch.epsg, time: time))
            }
        }
        groups.sort { ($0.epsg, $0.time ?? "") < ($1.epsg, $1.time ?? "") }
        return (groups, missing)
    }
}
