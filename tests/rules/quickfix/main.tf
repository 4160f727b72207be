# A terraform-fmt-clean configuration with many findings that have quick fixes. The
# quick-fix test applies every fix and checks the result is still fmt-clean.

resource "aws_db_instance" "db" {
  identifier              = "app"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  publicly_accessible     = true
  backup_retention_period = 0
}

resource "aws_instance" "web" {
  ami                         = "ami-123"
  instance_type               = "t3.micro"
  associate_public_ip_address = true

  tags = {
    Name = "web"
  }
}

resource "aws_kms_key" "main" {
  description = "main key"
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-central-1a"
  size              = 10
}

resource "aws_cloudtrail" "trail" {
  name           = "trail"
  s3_bucket_name = "trail-bucket"
  kms_key_id     = aws_kms_key.main.arn
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_security_group" "ssh" {
  name        = "ssh"
  description = "SSH access"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.ssh.id]
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = "arn:aws:acm:eu-central-1:111122223333:certificate/abc"

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-central-1:111122223333:targetgroup/web/abc"
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "data-bucket"
}

resource "aws_s3_bucket_public_access_block" "other" {
  bucket            = "other-bucket"
  block_public_acls = false
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::111122223333:role/fn"
}

resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  description          = "cache"
}
