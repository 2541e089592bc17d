import Foundation

/// cluster.yaml texts the tests share: the guide's CDSE and AWS templates with their blanks filled.
enum Fixtures {
    static let cdse = """
        # A unique identifier for the head node and workers of this cluster.
        cluster_name: ray-cdse

        docker:
            image: "rayproject/ray:latest-py39-cpu"
            container_name: "ray_container"
            pull_before_run: True
            run_options:   # Extra options to pass into "docker run"
                - --ulimit nofile=65536:65536

        provider:
            type: local
            head_ip: 192.0.2.10
            worker_ips: [192.0.2.11, 192.0.2.12]

        auth:
            ssh_user: eouser
            ssh_private_key: ~/.ssh/gem-example-keypair.pem

        upscaling_speed: 1.0
        idle_timeout_minutes: 5

        file_mounts: {
        #    "/path1/on/remote/machine": "/path1/on/local/machine",
        }
        cluster_synced_files: []
        file_mounts_sync_continuously: False
        rsync_exclude:
            - "**/.git"
            - "**/.git/**"
        rsync_filter:
            - ".gitignore"

        initialization_commands:
            - sudo apt -y install docker.io
            - sudo [ $(getent group docker) ] || sudo groupadd docker
            - sudo usermod -aG docker ${USER}
            - sudo systemctl restart docker.service

        setup_commands:
            - git clone -b feat/ray-testing-dummy https://github.com/sentinel-hub/eo-grow-examples.git
            - pip install -e eo-grow-examples/GEM/

        head_setup_commands: []
        worker_setup_commands: []

        head_start_ray_commands:
            - ray stop
            - ulimit -c unlimited && ray start --head --port=6379 --autoscaling-config=~/ray_bootstrap_config.yaml

        worker_start_ray_commands:
            - ray stop
            - ray start --address=$RAY_HEAD_IP:6379
        """

    static let aws = """
        cluster_name: gem-example-cluster

        max_workers: 10  # Max number of worker instances
        upscaling_speed: 1.0
        idle_timeout_minutes: 5

        docker:
            image: "123456789012.dkr.ecr.eu-central-1.amazonaws.com/gem:latest"
            container_name: "gem-example"
            pull_before_run: True

        provider:
            type: aws
            region: eu-central-1
            availability_zone: eu-central-1a,eu-central-1b,eu-central-1c
            cache_stopped_nodes: False  # Change for terminating instances

        auth:
            ssh_user: ubuntu

        available_node_types:
            ray.head:
                min_workers: 0
                max_workers: 0
                node_config:
                    InstanceType: m5.2xlarge
                    ImageId: ami-0123456789abcdef0
                    BlockDeviceMappings:
                        - DeviceName: /dev/sda1
                          Ebs:
                              VolumeSize: 40
                resources: {"CPU": 1}
            ray.worker:
                min_workers: 0
                max_workers: 40  # Max number of workers of this type
                node_config:
                    InstanceType: c5.large
                    ImageId: ami-0123456789abcdef0
                    InstanceMarketOptions:
                        MarketType: spot
                    BlockDeviceMappings:
                        - DeviceName: /dev/sda1
                          Ebs:
                            VolumeSize: 40
                resources: {}

        head_node_type: ray.head

        file_mounts: {}
        cluster_synced_files: []
        file_mounts_sync_continuously: False
        rsync_exclude:
            - "**/.git"
            - "**/.git/**"
        rsync_filter:
            - ".gitignore"

        initialization_commands:
            - aws ecr get-login-password | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-central-1.amazonaws.com

        setup_commands: []
        head_setup_commands: []
        worker_setup_commands: []

        head_start_commands:
            - grow-head daemon stop --all
            - grow-head daemon start head -- grow-head start --port 6379

        worker_start_commands:
            - grow-head daemon stop --all
            - grow-head daemon start worker -- grow-worker --address $GROW_HEAD_IP:6379

        head_node: {}
        worker_nodes: {}
        """

    /// A small local cluster file with `replacing` applied (old → new text) for mistakes.
    static func local(_ replacements: [(String, String)] = []) -> String {
        var text = """
            cluster_name: test
            provider:
                type: local
                head_ip: 10.0.0.1
                worker_ips: [10.0.0.2, 10.0.0.3]
            auth:
                ssh_user: root
                ssh_private_key: ~/.ssh/id_ed25519
            setup_commands:
                - echo setup
            head_start_commands:
                - grow-head daemon start head -- grow-head start
            worker_start_commands:
                - grow-head daemon start worker -- grow-worker --address $GROW_HEAD_IP:6379
            """
        for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
        return text
    }
}
