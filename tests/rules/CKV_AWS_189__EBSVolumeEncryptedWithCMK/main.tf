resource "aws_kms_key" "ebs" {
  description         = "ebs"
  enable_key_rotation = true
}

resource "aws_ebs_volume" "pass" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = true
  kms_key_id        = aws_kms_key.ebs.arn
}

resource "aws_ebs_volume" "fail" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = true
}
