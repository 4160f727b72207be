data "aws_iam_policy_document" "read" {
  statement {
    effect    = "Allow"
    actions   = "s3:GetObject" # expect: WrongType
    resources = ["*"]
  }
}
