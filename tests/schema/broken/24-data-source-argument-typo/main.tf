data "aws_ami" "ubuntu" {
  most_recnt = true # expect: UnknownArgument
  owners     = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"]
  }
}
