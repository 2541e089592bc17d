import Launcher
import XCTest

/// The expected strings are what Ray's command runner (ray/autoscaler/_private/docker.py,
/// command_runner.py) would run for the same config, worked out by hand from its code: the
/// double spaces where Ray joins an empty piece and the trailing space after `docker exec ...`
/// are Ray's.
final class DockerCommandsTests: XCTestCase {
    let rayPrefix = "/tmp/ray_tmp_mount/ray-cdse"

    func cdse() throws -> ClusterConfig {
        try ClusterConfigParser.parse(yaml: Fixtures.cdse, file: "cluster.yaml").config
    }

    func commands(_ role: NodeIdentity.Role, loginShells: Bool) throws -> DockerCommands {
        let config = try cdse()
        return DockerCommands(
            docker: try XCTUnwrap(config.docker), role: role, clusterName: config.clusterName, mountPrefix: rayPrefix,
            loginShells: loginShells)
    }

    func testPullAndChecksMatchRay() throws {
        let head = try commands(.head, loginShells: true)
        XCTAssertEqual(head.pull, "docker pull rayproject/ray:latest-py39-cpu")
        XCTAssertEqual(head.checkRunning, "docker inspect -f '{{.State.Running}}' ray_container || true")
        XCTAssertEqual(head.checkImage, "docker inspect -f '{{.Config.Image}}' ray_container || true")
        XCTAssertEqual(head.checkMounts, "docker inspect -f '{{json .Mounts}}' ray_container || true")
        XCTAssertEqual(head.imageEnvironment, "docker inspect -f '{{json .Config.Env}}' rayproject/ray:latest-py39-cpu")
        var noPull = try XCTUnwrap(try cdse().docker)
        noPull.pullBeforeRun = false
        XCTAssertEqual(
            DockerCommands(docker: noPull, role: .worker, clusterName: "ray-cdse").pull,
            "docker image inspect rayproject/ray:latest-py39-cpu 1> /dev/null  2>&1 || docker pull rayproject/ray:latest-py39-cpu"
        )
    }

    /// Ray adds --shm-size and --runtime=nvidia from probing the node unless
    /// disable_shm_size_detection / disable_automatic_runtime_detection are set; grow never adds
    /// them, so this is Ray's command with both detections off.
    func testDockerRunMatchesRay() throws {
        let head = try commands(.head, loginShells: true)
        XCTAssertEqual(
            head.run(mounts: [], homeDirectory: "/root"),
            "docker run --rm --name ray_container -d -it  -e LC_ALL=C.UTF-8 -e LANG=C.UTF-8 --ulimit nofile=65536:65536 --net=host rayproject/ray:latest-py39-cpu bash"
        )
        XCTAssertEqual(
            head.run(mounts: ["/home/eouser/data", "~/code"], homeDirectory: "/home/ray"),
            "docker run --rm --name ray_container -d -it -v /tmp/ray_tmp_mount/ray-cdse//home/eouser/data:/home/eouser/data -v /tmp/ray_tmp_mount/ray-cdse/~/code:/home/ray/code -e LC_ALL=C.UTF-8 -e LANG=C.UTF-8 --ulimit nofile=65536:65536 --net=host rayproject/ray:latest-py39-cpu bash"
        )
        XCTAssertEqual(head.hostPath(forRemote: "/home/eouser/data"), "/tmp/ray_tmp_mount/ray-cdse/home/eouser/data")
        XCTAssertEqual(head.hostPath(forRemote: "~/code"), "/tmp/ray_tmp_mount/ray-cdse/~/code")
    }

    func testSetupCommandInContainerMatchesRayWithLoginShells() throws {
        let head = try commands(.head, loginShells: true)
        XCTAssertEqual(
            head.exec("pip install -e eo-grow-examples/GEM/", homeDirectory: "/root"),
            #"docker exec -it  ray_container /bin/bash -c 'bash --login -c -i '"'"'true && source ~/.bashrc && export OMP_NUM_THREADS=1 PYTHONWARNINGS=ignore && (pip install -e eo-grow-examples/GEM/)'"'"'' "#
        )
        // `~/` in the command becomes the container's home before the wrapper adds ~/.bashrc.
        XCTAssertEqual(
            head.exec(
                "ulimit -c unlimited && ray start --head --port=6379 --autoscaling-config=~/ray_bootstrap_config.yaml",
                homeDirectory: "/home/ray"),
            #"docker exec -it  ray_container /bin/bash -c 'bash --login -c -i '"'"'true && source ~/.bashrc && export OMP_NUM_THREADS=1 PYTHONWARNINGS=ignore && (ulimit -c unlimited && ray start --head --port=6379 --autoscaling-config=/home/ray/ray_bootstrap_config.yaml)'"'"'' "#
        )
    }

    func testWorkerStartMatchesRay() throws {
        // Ray's autoscaler prefixes worker start commands with `export RAY_HEAD_IP=<head>; `.
        let rayCommand = "export RAY_HEAD_IP=192.0.2.10; ray start --address=$RAY_HEAD_IP:6379"
        XCTAssertEqual(
            try commands(.worker, loginShells: true).exec(rayCommand, homeDirectory: "/root"),
            #"docker exec -it  ray_container /bin/bash -c 'bash --login -c -i '"'"'true && source ~/.bashrc && export OMP_NUM_THREADS=1 PYTHONWARNINGS=ignore && (export RAY_HEAD_IP=192.0.2.10; ray start --address=$RAY_HEAD_IP:6379)'"'"'' "#
        )
        // Without login shells (how grow runs: no terminal on the SSH channel), as Ray with
        // set_using_login_shells(False).
        XCTAssertEqual(
            try commands(.worker, loginShells: false).exec(rayCommand, homeDirectory: "/root"),
            "docker exec   ray_container /bin/bash -c 'export RAY_HEAD_IP=192.0.2.10; ray start --address=$RAY_HEAD_IP:6379' "
        )
    }

    func testNodeCommandsWrapGrowsEnvironmentInTheContainer() throws {
        let config = try cdse()
        let worker = NodeCommands(config: config, node: NodeIdentity(role: .worker, address: "192.0.2.11"))
        XCTAssertEqual(
            worker.inNode("grow-worker --address $GROW_HEAD_IP:6379", containerHome: "/root"),
            #"export PATH="$HOME/.grow/bin:$PATH"; docker exec   ray_container /bin/bash -c 'export PATH="$HOME/.grow/bin:$PATH"; export GROW_HEAD_IP=192.0.2.10; export RAY_HEAD_IP=192.0.2.10; grow-worker --address $GROW_HEAD_IP:6379' "#
        )
        // Initialization commands run on the host, before docker, never in the container.
        XCTAssertEqual(
            worker.host("sudo systemctl restart docker.service"),
            #"export PATH="$HOME/.grow/bin:$PATH"; export GROW_HEAD_IP=192.0.2.10; export RAY_HEAD_IP=192.0.2.10; sudo systemctl restart docker.service"#
        )
        let head = NodeCommands(config: config, node: NodeIdentity(role: .head, address: "192.0.2.10"))
        XCTAssertEqual(head.host("uptime"), #"export PATH="$HOME/.grow/bin:$PATH"; uptime"#)
        XCTAssertEqual(head.uploadPath(forRemote: "~/data"), "/tmp/grow_tmp_mount/ray-cdse/~/data")
        XCTAssertEqual(
            head.stopCommands.last, #"export PATH="$HOME/.grow/bin:$PATH"; docker stop ray_container || true"#)
    }

    func testRoleImageAndOptionsAndPodman() {
        let docker = DockerConfig(
            image: nil, containerName: "c", pullBeforeRun: true, runOptions: ["--cpus 2"], headImage: "h:1",
            workerImage: "w:1", headRunOptions: [], workerRunOptions: ["--memory 4g"], usePodman: true)
        let worker = DockerCommands(
            docker: docker, role: .worker, clusterName: "x", mountPrefix: "/tmp/ray_tmp_mount/x")
        XCTAssertEqual(
            worker.run(mounts: [], homeDirectory: "/root"),
            "podman run --rm --name c -d -it  -e LC_ALL=C.UTF-8 -e LANG=C.UTF-8 --cpus 2 --memory 4g --net=host w:1 bash"
        )
        XCTAssertEqual(worker.pull, "podman pull w:1")
    }

    func testReadingDockersAnswers() {
        XCTAssertTrue(DockerCommands.isRunning(checkOutput: "true\n"))
        XCTAssertFalse(DockerCommands.isRunning(checkOutput: "\nError: No such object: true_container\n"))
        XCTAssertFalse(DockerCommands.isRunning(checkOutput: "false"))
        XCTAssertEqual(
            DockerCommands.home(fromImageEnvironment: #"["PATH=/usr/bin","HOME=/home/ray","LANG=C"]"#), "/home/ray")
        XCTAssertEqual(DockerCommands.home(fromImageEnvironment: #"["PATH=/usr/bin"]"#), "/root")
    }

    func testShellQuoteFollowsShlex() {
        XCTAssertEqual(ShellQuote.quote(""), "''")
        XCTAssertEqual(ShellQuote.quote("abc-1.2/x:y@z%+=,"), "abc-1.2/x:y@z%+=,")
        XCTAssertEqual(ShellQuote.quote("a b"), "'a b'")
        XCTAssertEqual(ShellQuote.quote("it's"), #"'it'"'"'s'"#)
    }
}
