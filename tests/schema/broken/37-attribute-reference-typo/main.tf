# References to attributes a resource or data source does not export.
data "aws_caller_identity" "me" {}

resource "aws_instance" "web" {
  count         = 2
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
}

resource "aws_eip" "web" {
  count    = 2
  domain   = "vpc"
  instance = aws_instance.web[count.index].instance_id # expect: UnknownAttributeReference
}

output "account" {
  value = "account ${data.aws_caller_identity.me.account}" # expect: UnknownAttributeReference
}

output "ips" {
  value = aws_instance.web[*].public_ip
}
