resource "aws_iam_role_policy_attachment" "pass" {
  role       = "app"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy_attachment" "fail" {
  role       = "app"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user_policy_attachment" "fail" {
  user       = "bob"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "fail" {
  name                = "admin"
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

resource "aws_iam_role" "pass" {
  name                = "reader"
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
