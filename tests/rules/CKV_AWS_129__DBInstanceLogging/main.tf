resource "aws_db_instance" "pass" {
  instance_class                  = "db.t3.micro"
  engine                          = "postgres"
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
}

resource "aws_db_instance" "fail" {
  instance_class = "db.t3.micro"
  engine         = "postgres"
}

resource "aws_db_instance" "fail_empty" {
  instance_class                  = "db.t3.micro"
  engine                          = "postgres"
  enabled_cloudwatch_logs_exports = []
}
