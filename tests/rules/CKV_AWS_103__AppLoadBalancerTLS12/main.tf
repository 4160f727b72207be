resource "aws_lb_listener" "pass" {
  load_balancer_arn = "arn"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:cert"

  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}

resource "aws_lb_listener" "pass_redirect" {
  load_balancer_arn = "arn"
  port              = 80
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

resource "aws_lb_listener" "pass_tcp" {
  load_balancer_arn = "arn"
  port              = 22
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}

resource "aws_lb_listener" "fail_old_policy" {
  load_balancer_arn = "arn"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = "arn:cert"

  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}

resource "aws_alb_listener" "fail_http" {
  load_balancer_arn = "arn"
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}
