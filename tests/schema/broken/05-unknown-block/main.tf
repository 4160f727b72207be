resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  ebs_block_devices { # expect: UnknownBlock
    device_name = "/dev/sdh"
  }
}
