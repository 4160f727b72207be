resource "aws_s3_bucket" "pass_private" {
  bucket = "private"
  acl    = "private"
}

resource "aws_s3_bucket" "pass_read" {
  bucket = "read"
  acl    = "public-read"
}

resource "aws_s3_bucket" "fail" {
  bucket = "fail"
  acl    = "public-read-write"
}

resource "aws_s3_bucket" "fail_v4" {
  bucket = "fail-v4"
}

resource "aws_s3_bucket_acl" "fail_v4" {
  bucket = aws_s3_bucket.fail_v4.id
  acl    = "public-read-write"
}
