resource "aws_lb_listener" "http" { # expect: MissingRequiredBlock
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/x/1"
  port              = 80
}
