variable "admin_cidrs" {
  default = ["10.0.0.0/8"]
}

locals {
  world = "0.0.0.0/0"
}

resource "aws_security_group" "pass" {
  name        = "pass"
  description = "restricted RDP"

  ingress {
    description = "RDP from the office"
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
}

resource "aws_security_group" "fail_inline" {
  name        = "fail"
  description = "open RDP"

  ingress {
    description = "RDP"
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "fail_dynamic" {
  name        = "fail-dynamic"
  description = "open RDP through a dynamic block"

  dynamic "ingress" {
    for_each = [3389]
    iterator = port
    content {
      description = "RDP"
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = [local.world]
    }
  }
}

resource "aws_security_group_rule" "fail_rule" {
  type              = "ingress"
  from_port         = 3380
  to_port           = 3390
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-123"
}

resource "aws_security_group_rule" "pass_egress" {
  type              = "egress"
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-123"
}

resource "aws_vpc_security_group_ingress_rule" "fail_v6" {
  security_group_id = "sg-123"
  from_port         = 3389
  to_port           = 3389
  ip_protocol       = "tcp"
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_ingress_rule" "pass" {
  security_group_id = "sg-123"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
  cidr_ipv4         = "0.0.0.0/0"
}
