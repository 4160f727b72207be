resource "aws_cloudtrail" "pass" {
  name                  = "pass"
  s3_bucket_name        = "trail"
  is_multi_region_trail = true
}

resource "aws_cloudtrail" "fail" {
  name           = "fail"
  s3_bucket_name = "trail"
}
