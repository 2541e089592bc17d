import Foundation

/// The docker command lines a node runs, built the way Ray's command runner builds them
/// (ray/autoscaler/_private/docker.py and command_runner.py), so a container set up by grow looks
/// like one set up by `ray up`: `docker run --rm --name C -d -it <mounts> -e LC_ALL=C.UTF-8
/// -e LANG=C.UTF-8 <run_options> --net=host IMAGE bash`, then `docker exec C /bin/bash -c CMD`.
/// Pure: the strings only; `NodeRunner` sends them.
package struct DockerCommands: Equatable, Sendable {
    package let docker: DockerConfig
    package let role: NodeIdentity.Role
    package let clusterName: String
    /// Where file mounts land on the host before the container sees them (Ray:
    /// /tmp/ray_tmp_mount/<cluster>).
    package let mountPrefix: String
    /// Ray's `use_login_shells`: commands in `bash --login -c -i` and `docker exec -it` (needs a
    /// terminal). grow runs without one, like Ray with login shells off.
    package let loginShells: Bool

    package init(
        docker: DockerConfig, role: NodeIdentity.Role, clusterName: String, mountPrefix: String? = nil,
        loginShells: Bool = false
    ) {
        self.docker = docker
        self.role = role
        self.clusterName = clusterName
        self.mountPrefix = mountPrefix ?? Self.hostMountPrefix(clusterName: clusterName)
        self.loginShells = loginShells
    }

    package static func hostMountPrefix(clusterName: String) -> String { "/tmp/grow_tmp_mount/\(clusterName)" }

    package var image: String { docker.image(for: role) }
    var cmd: String { docker.command }

    /// Pulls the image: always with pull_before_run, else only when it is missing.
    package var pull: String {
        docker.pullBeforeRun
            ? "\(cmd) pull \(image)"
            : "\(cmd) image inspect \(image) 1> /dev/null  2>&1 || \(cmd) pull \(image)"
    }

    func inspect(_ template: String, _ target: String) -> String {
        [cmd, "inspect", "-f", "'{{" + template + "}}'", target, "||", "true"].joined(separator: " ")
    }

    /// Prints `true` when the container runs.
    package var checkRunning: String { inspect(".State.Running", docker.containerName) }
    /// Prints the running container's image.
    package var checkImage: String { inspect(".Config.Image", docker.containerName) }
    /// Prints the running container's mounts as JSON.
    package var checkMounts: String { inspect("json .Mounts", docker.containerName) }
    /// Prints the image's environment as JSON (Ray reads HOME from it).
    package var imageEnvironment: String { "\(cmd) inspect -f '{{json .Config.Env}}' \(image)" }
    package var stop: String { "\(cmd) stop \(docker.containerName)" }

    /// True when `checkRunning`'s output says the container runs (Ray's test, which also guards
    /// against "true" inside an error about a container named so).
    package static func isRunning(checkOutput: String) -> Bool {
        let text = checkOutput.lowercased()
        return text.contains("true") && !text.contains("no such object")
    }

    /// HOME from `imageEnvironment`'s output; /root when the image sets none.
    package static func home(fromImageEnvironment output: String) -> String {
        for piece in output.split(whereSeparator: { $0 == "\"" || $0 == "," || $0 == "[" || $0 == "]" }) {
            if piece.hasPrefix("HOME=") { return String(piece.dropFirst(5)) }
        }
        return "/root"
    }

    /// `docker run` for the node: one bind mount per file mount (from the host staging folder),
    /// the locale Ray sets, the user's run options, host networking.
    package func run(mounts remotePaths: [String], homeDirectory: String, extraOptions: [String] = []) -> String {
        let mountFlags = remotePaths.map { remote in
            "-v \(mountPrefix)/\(remote):\(remote.replacingOccurrences(of: "~/", with: homeDirectory + "/"))"
        }.joined(separator: " ")
        let envFlags = "-e LC_ALL=C.UTF-8 -e LANG=C.UTF-8"
        let options = (docker.runOptions(for: role) + extraOptions).joined(separator: " ")
        return [
            cmd, "run", "--rm", "--name \(docker.containerName)", "-d", "-it", mountFlags, envFlags, options,
            "--net=host", image, "bash",
        ].joined(separator: " ")
    }

    /// Where a file mount's remote path is staged on the host.
    package func hostPath(forRemote remote: String) -> String {
        let trimmed = remote.drop(while: { $0 == "/" })
        return "\(mountPrefix)/\(trimmed)"
    }

    /// A command run inside the container. `~/` becomes the container's home, as Ray does.
    package func exec(_ command: String, homeDirectory: String, environment: [String] = []) -> String {
        var inner = command.replacingOccurrences(of: "~/", with: homeDirectory + "/")
        if loginShells { inner = Self.withInteractive(inner) }
        let env = environment.map { "-e \($0)=$\($0)" }.joined(separator: " ")
        return
            "\(cmd) exec \(loginShells ? "-it" : "") \(env) \(docker.containerName) /bin/bash -c \(ShellQuote.quote(inner)) "
    }

    /// Ray's login-shell wrapper (`_with_interactive`), as one string.
    package static func withInteractive(_ command: String) -> String {
        let forced =
            "true && source ~/.bashrc && export OMP_NUM_THREADS=1 PYTHONWARNINGS=ignore && (\(command))"
        return ["bash", "--login", "-c", "-i", ShellQuote.quote(forced)].joined(separator: " ")
    }

    /// Copies a staged host file into the running container.
    package func copyIn(hostPath: String, containerPath: String) -> String {
        "\(cmd) cp \(hostPath) \(docker.containerName):\(containerPath)"
    }

    /// An interactive shell in the container (`ray attach` on a docker cluster).
    package var attachShell: String { "\(cmd) exec -it \(docker.containerName) /bin/bash" }
}
