resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = "example-logs-bucket"

  rule {
    apply_server_side_encryption_by_default { # expect: MissingRequiredArgument
      kms_master_key_id = "alias/aws/s3"
    }
  }
}
