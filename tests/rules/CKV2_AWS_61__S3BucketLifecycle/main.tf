resource "aws_s3_bucket" "pass" {
  bucket = "pass"
}

resource "aws_s3_bucket_lifecycle_configuration" "pass" {
  bucket = aws_s3_bucket.pass.id

  rule {
    id     = "expire"
    status = "Enabled"

    expiration {
      days = 90
    }
  }
}

resource "aws_s3_bucket" "pass_inline" {
  bucket = "pass-inline"

  lifecycle_rule {
    enabled = true

    expiration {
      days = 90
    }
  }
}

resource "aws_s3_bucket" "fail" {
  bucket = "fail"
}
