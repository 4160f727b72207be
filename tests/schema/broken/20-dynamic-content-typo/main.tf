variable "disks" {
  type    = list(string)
  default = ["/dev/sdh"]
}

resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  dynamic "ebs_block_device" {
    for_each = var.disks
    content { # expect: MissingRequiredArgument
      device_nam  = ebs_block_device.value # expect: UnknownArgument
      volume_size = 10
    }
  }
}
