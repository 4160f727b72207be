resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  vpc_security_group_ids = { # expect: WrongType
    web = "sg-0123456789abcdef0"
  }
}
