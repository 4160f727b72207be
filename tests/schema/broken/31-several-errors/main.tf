resource "aws_iam_role" "app" { # expect: MissingRequiredArgument
  nme = "app" # expect: UnknownArgument
  max_session_duration = "an hour" # expect: WrongType
}
