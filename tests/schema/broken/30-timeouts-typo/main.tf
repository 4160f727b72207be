resource "aws_db_instance" "db" {
  instance_class    = "db.t3.micro"
  engine            = "postgres"
  allocated_storage = 20

  timeout { # expect: UnknownBlock
    create = "60m"
  }
}
