resource "aws_s3_bucket" "logs" {
  bucket = "example-logs-bucket"
}

resource "aws_s3_bucket_versioning" "logs" { # expect: MissingRequiredBlock
  bucket = aws_s3_bucket.logs.id
}
