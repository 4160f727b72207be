variable "disks" {
  type    = list(string)
  default = ["/dev/sdh"]
}

resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  dynamic "ebs_block_devise" { # expect: UnknownBlock
    for_each = var.disks
    content {
      device_name = ebs_block_devise.value
    }
  }
}
