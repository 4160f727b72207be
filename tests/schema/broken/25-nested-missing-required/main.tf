resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/x/1"
  port              = 80

  default_action { # expect: MissingRequiredArgument
    target_group_arn = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/x/1"
  }
}
