resource "aws_s3_bucket_public_access_block" "pass" {
  bucket              = "b"
  block_public_policy = true
}

resource "aws_s3_bucket_public_access_block" "fail_missing" {
  bucket = "b"
}

resource "aws_s3_bucket_public_access_block" "fail_false" {
  bucket              = "b"
  block_public_policy = false
}
