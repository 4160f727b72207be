resource "aws_cloudtrail" "pass" {
  name                       = "pass"
  s3_bucket_name             = "trail"
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "fail" {
  name           = "fail"
  s3_bucket_name = "trail"
}
