resource "aws_dynamodb_table" "pass" {
  name     = "pass"
  hash_key = "id"

  attribute {
    name = "id"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = "arn:aws:kms:eu-central-1:111122223333:key/abc"
  }
}

resource "aws_dynamodb_table" "fail_aws_owned" {
  name     = "fail"
  hash_key = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_table" "fail_no_key" {
  name     = "fail"
  hash_key = "id"

  attribute {
    name = "id"
    type = "S"
  }

  server_side_encryption {
    enabled = true
  }
}
