resource "aws_db_instance" "pass_default" {
  instance_class = "db.t3.micro"
  engine         = "postgres"
}

resource "aws_rds_cluster" "pass" {
  engine                  = "aurora-postgresql"
  backup_retention_period = 7
}

resource "aws_db_instance" "fail_zero" {
  instance_class          = "db.t3.micro"
  engine                  = "postgres"
  backup_retention_period = 0
}

resource "aws_rds_cluster" "fail_too_long" {
  engine                  = "aurora-postgresql"
  backup_retention_period = 40
}
