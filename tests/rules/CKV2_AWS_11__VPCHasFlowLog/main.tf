resource "aws_vpc" "pass" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_flow_log" "pass" {
  vpc_id          = aws_vpc.pass.id
  traffic_type    = "ALL"
  log_destination = "arn:aws:logs:eu-central-1:111122223333:log-group:flow"
  iam_role_arn    = "arn:aws:iam::111122223333:role/flow"
}

resource "aws_vpc" "fail" {
  cidr_block = "10.1.0.0/16"
}
