resource "aws_s3_bucket" "pass_inline" {
  bucket = "pass-inline"

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "aws:kms"
      }
    }
  }
}

resource "aws_s3_bucket" "pass_resource" {
  bucket = "pass-resource"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "pass_resource" {
  bucket = aws_s3_bucket.pass_resource.bucket

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket" "fail_aes" {
  bucket = "fail-aes"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "fail_aes" {
  bucket = aws_s3_bucket.fail_aes.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket" "fail_none" {
  bucket = "fail-none"
}
