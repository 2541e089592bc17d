import Foundation

/// A stand-in for the docker command on a test host, for the tests of docker's command lines: it
/// records every call, and `exec` runs the command in a private mount namespace with the bind
/// mounts the last `run` asked for (a container without isolation), so that `up`'s set-up and
/// start commands get as far as they do on a real engine (DockerEngineClusterTests).
enum FakeDocker {
    static let script = #"""
        #!/bin/sh
        state="$HOME/.fake-docker"
        mkdir -p "$state"
        echo "$*" >> "$state/calls.log"
        command="$1"
        shift
        case "$command" in
          pull|image) exit 0 ;;
          inspect)
            case "$2" in
              *State.Running*)
                if [ -f "$state/running" ]; then echo true; else echo "Error: No such object: $3" >&2; fi ;;
              *Config.Env*) echo '["PATH=/usr/local/bin:/usr/bin:/bin","HOME=/root"]' ;;
            esac
            exit 0 ;;
          run)
            : > "$state/mounts"
            while [ $# -gt 0 ]; do
              if [ "$1" = "-v" ]; then echo "$2" >> "$state/mounts"; shift 2; else shift; fi
            done
            touch "$state/running"
            echo fake-container ;;
          exec)
            while [ "${1#-}" != "$1" ]; do if [ "$1" = "-e" ]; then shift 2; else shift; fi; done
            shift
            [ -f "$state/running" ] || { echo "Error: container is not running" >&2; exit 1; }
            binds=""
            while IFS= read -r mount; do
              source="${mount%%:*}"
              target="${mount#*:}"
              mkdir -p "$source" "$target"
              binds="$binds mount --bind '$source' '$target' &&"
            done < "$state/mounts"
            exec unshare -m --propagation private /bin/sh -c "$binds exec \"\$0\" \"\$@\"" "$@" ;;
          stop) rm -f "$state/running" ;;
          *) echo "fake docker: $command is not faked" >&2; exit 1 ;;
        esac
        """#

    static func install(home: URL) throws {
        let bin = home.appendingPathComponent(".grow/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let path = bin.appendingPathComponent("docker").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    static func calls(home: URL) -> [String] {
        ((try? String(contentsOf: home.appendingPathComponent(".fake-docker/calls.log"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }
}
