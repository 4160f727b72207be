# Every meta-argument here is valid; only the typo is an error.
variable "names" {
  type    = set(string)
  default = ["a", "b"]
}

resource "aws_iam_user" "users" {
  for_each = var.names
  name     = each.value
  pth      = "/system/" # expect: UnknownArgument

  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags]
  }
}

resource "aws_eip" "ip" {
  count      = 2
  domain     = "vpc"
  depends_on = [aws_iam_user.users]
}
