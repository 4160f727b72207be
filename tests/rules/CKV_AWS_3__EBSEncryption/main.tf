variable "encrypt" {
  default = true
}

resource "aws_ebs_volume" "pass" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = true
}

resource "aws_ebs_volume" "pass_var" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = var.encrypt
}

resource "aws_ebs_volume" "fail_missing" {
  availability_zone = "eu-central-1a"
  size              = 10
}

resource "aws_ebs_volume" "fail_false" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = false
}
