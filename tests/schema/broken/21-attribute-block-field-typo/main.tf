# `ingress` is a list-of-object argument that Terraform also accepts as blocks.
resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_prt    = 443 # expect: UnknownArgument
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
