resource "aws_db_instance" "pass" {
  instance_class                      = "db.t3.micro"
  engine                              = "postgres"
  iam_database_authentication_enabled = true
}

resource "aws_db_instance" "fail" {
  instance_class = "db.t3.micro"
  engine         = "mysql"
}

resource "aws_db_instance" "fail_false" {
  instance_class                      = "db.t3.micro"
  engine                              = "postgres"
  iam_database_authentication_enabled = false
}
