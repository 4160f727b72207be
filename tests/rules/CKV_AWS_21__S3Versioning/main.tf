resource "aws_s3_bucket" "pass_inline" {
  bucket = "pass-inline"

  versioning {
    enabled = true
  }
}

resource "aws_s3_bucket" "pass_resource" {
  bucket = "pass-resource"
}

resource "aws_s3_bucket_versioning" "pass_resource" {
  bucket = aws_s3_bucket.pass_resource.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "fail_suspended" {
  bucket = "fail-suspended"
}

resource "aws_s3_bucket_versioning" "fail_suspended" {
  bucket = aws_s3_bucket.fail_suspended.id

  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket" "fail_none" {
  bucket = "fail-none"
}
