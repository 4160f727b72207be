resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  root_block_device {
    volume_sise = 20 # expect: UnknownArgument
    encrypted   = true
  }
}
