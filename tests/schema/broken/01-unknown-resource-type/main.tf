# A misspelt resource type.
resource "aws_instancee" "web" { # expect: UnknownResourceType
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
}
