resource "aws_db_instance" "pass" {
  instance_class      = "db.t3.micro"
  engine              = "postgres"
  deletion_protection = true
}

resource "aws_db_instance" "fail" {
  instance_class = "db.t3.micro"
  engine         = "postgres"
}
