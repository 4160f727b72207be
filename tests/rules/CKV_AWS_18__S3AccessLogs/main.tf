resource "aws_s3_bucket" "pass_inline" {
  bucket = "pass-inline"

  logging {
    target_bucket = "logs"
  }
}

resource "aws_s3_bucket" "pass_resource" {
  bucket = "pass-resource"
}

resource "aws_s3_bucket_logging" "pass_resource" {
  bucket        = aws_s3_bucket.pass_resource.id
  target_bucket = "logs"
  target_prefix = "log/"
}

resource "aws_s3_bucket" "fail" {
  bucket = "fail"
}
