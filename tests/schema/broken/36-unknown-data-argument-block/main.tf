data "aws_vpc" "default" {
  default = true

  filters { # expect: UnknownBlock
    name   = "tag:Name"
    values = ["main"]
  }
}
