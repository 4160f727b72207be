resource "aws_lb" "pass" {
  name = "pass"
}

resource "aws_lb_listener" "pass_redirect" {
  load_balancer_arn = aws_lb.pass.arn
  port              = "80"
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb" "fail" {
  name = "fail"
}

resource "aws_lb_listener" "fail_http" {
  load_balancer_arn = aws_lb.fail.arn
  port              = "80"
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}
