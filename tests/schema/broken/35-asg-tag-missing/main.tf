resource "aws_autoscaling_group" "web" {
  min_size           = 1
  max_size           = 2
  availability_zones = ["eu-central-1a"]

  tag { # expect: MissingRequiredArgument
    key   = "Name"
    value = "web"
  }
}
