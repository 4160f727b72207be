resource "aws_instance" "pass" {
  ami           = "ami-123"
  instance_type = "t3.micro"

  root_block_device {
    encrypted = true
  }
}

resource "aws_launch_configuration" "pass_snapshot" {
  image_id      = "ami-123"
  instance_type = "t3.micro"

  root_block_device {
    encrypted = true
  }

  ebs_block_device {
    device_name = "/dev/sdb"
    snapshot_id = "snap-123"
  }
}

resource "aws_instance" "fail_no_root" {
  ami           = "ami-123"
  instance_type = "t3.micro"
}

resource "aws_launch_configuration" "fail_unencrypted_ebs" {
  image_id      = "ami-123"
  instance_type = "t3.micro"

  root_block_device {
    encrypted = true
  }

  ebs_block_device {
    device_name = "/dev/sdb"
    encrypted   = false
  }
}
