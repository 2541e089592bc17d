# The AMI grow's AWS nodes boot from (ImageId in docker/cluster-aws.yaml): Debian 12 (bookworm,
# the image's own Debian, so the host binaries find the same GDAL), Docker (docker.io), grow-head
# and grow-worker in /usr/local/bin with their runtime packages, and grow's image pulled from ECR,
# so a node starts its container without waiting for a pull. Instances launched from the AMI
# require IMDSv2 (session tokens): the post-processor sets the AMI's ImdsSupport to v2.0.
#
#   docker/build-steps.sh build docker/host-bin
#   packer build -var region=eu-central-1 \
#     -var image=123456789012.dkr.ecr.eu-central-1.amazonaws.com/grow:latest docker/aws/grow-node.pkr.hcl
#
# Needs AWS credentials (as for `grow-head up`) and the AWS CLI (for the ImdsSupport step). Written
# for Packer 1.6 (Debian's packer) and newer; with Packer 1.7+ and the amazon plugin 1.1+ the
# source block can say `imds_support = "v2.0"` and require IMDSv2 on the build instance as well
# (metadata_options { http_tokens = "required" }) instead of the post-processor.

variable "region" {
  type        = string
  description = "The AWS region of the AMI (and of the ECR registry)."
}

variable "image" {
  type        = string
  default     = ""
  description = "grow's image to pull into the AMI (as `grow-head image push` printed it); empty: none."
}

variable "instance_type" {
  type    = string
  default = "m5.large"
}

variable "iam_instance_profile" {
  type        = string
  default     = "grow-node"
  description = "The build instance's profile: it must read ECR to pull the image (the nodes' own profile)."
}

variable "ami_name_prefix" {
  type    = string
  default = "grow-node"
}

locals {
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
}

source "amazon-ebs" "grow-node" {
  region                 = var.region
  skip_region_validation = true
  instance_type          = var.instance_type
  iam_instance_profile   = var.iam_instance_profile
  ssh_username           = "admin"
  ami_name               = "${var.ami_name_prefix}-${local.timestamp}"
  ami_description        = "grow node: Debian 12, Docker, grow binaries and image"

  source_ami_filter {
    filters = {
      name                = "debian-12-amd64-*"
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["136693071363"] # Debian's AWS account
    most_recent = true
  }

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = 20
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
  }

  tags = {
    project = "grow"
    image   = var.image
  }
}

build {
  sources = ["source.amazon-ebs.grow-node"]

  provisioner "shell" {
    inline = ["mkdir -p /tmp/grow/bin"]
  }

  # grow-head and grow-worker built on this machine (docker/build-steps.sh build docker/host-bin).
  provisioner "file" {
    source      = "${path.root}/../host-bin/"
    destination = "/tmp/grow/bin"
  }

  provisioner "file" {
    sources     = ["${path.root}/../build-steps.sh", "${path.root}/provision.sh"]
    destination = "/tmp/grow/"
  }

  provisioner "shell" {
    environment_vars = ["GROW_IMAGE=${var.image}"]
    inline           = ["sudo --preserve-env=GROW_IMAGE bash /tmp/grow/provision.sh /tmp/grow", "sudo rm -rf /tmp/grow"]
  }

  post-processor "manifest" {
    output     = "grow-node-manifest.json"
    strip_path = true
  }

  # Every instance launched from the AMI requires IMDSv2 (what grow's AWS clients use anyway).
  post-processor "shell-local" {
    environment_vars = ["REGION=${var.region}"]
    inline = [
      "ami=$(python3 -c 'import json; print(json.load(open(\"grow-node-manifest.json\"))[\"builds\"][-1][\"artifact_id\"].split(\":\")[1])')",
      "aws ec2 modify-image-attribute --region \"$REGION\" --image-id \"$ami\" --imds-support v2.0",
      "echo \"grow-node AMI $ami: IMDSv2 required\"",
    ]
  }
}
