# A data source type that does not exist (the resource is aws_ami, not aws_amis).
data "aws_amis" "ubuntu" { # expect: UnknownDataSourceType
  most_recent = true
}
