resource "aws_instance" "web" {
  ami          = "ami-0abcdef1234567890"
  instance_typ = "t3.micro" # expect: UnknownArgument
}
