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

variable "rdp_ports" {
  default = [3389]
}

variable "ports_from_caller" {
  type = list(number)
}

resource "aws_security_group" "fail_dynamic_no_iterator" {
  name        = "fail-dynamic-no-iterator"
  description = "open RDP through a dynamic block without iterator"

  dynamic "ingress" {
    for_each = var.rdp_ports
    content {
      description = "RDP"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_security_group" "pass_dynamic_unknown" {
  name        = "pass-dynamic-unknown"
  description = "ports chosen by the caller: not knowable here"

  dynamic "ingress" {
    for_each = var.ports_from_caller
    content {
      description = "caller ports"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }
}

resource "aws_security_group_rule" "rules" {
  for_each = {
    rdp   = 3389
    https = 443
  }

  type              = "ingress"
  from_port         = each.value
  to_port           = each.value
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-123"
}
