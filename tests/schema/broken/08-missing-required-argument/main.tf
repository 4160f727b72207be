resource "aws_iam_role" "app" { # expect: MissingRequiredArgument
  name = "app"
}
