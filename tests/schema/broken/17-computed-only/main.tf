# `arn` is exported by the provider; Terraform only finds out at plan time.
resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  arn           = "arn:aws:ec2:eu-central-1:123456789012:instance/i-0" # expect: ComputedOnly
}
