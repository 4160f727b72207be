resource "aws_instance" "pass" {
  ami           = "ami-123"
  instance_type = "t3.micro"

  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_launch_template" "pass_disabled" {
  name = "pass"

  metadata_options {
    http_endpoint = "disabled"
  }
}

resource "aws_instance" "fail_missing" {
  ami           = "ami-123"
  instance_type = "t3.micro"
}

resource "aws_instance" "fail_optional" {
  ami           = "ami-123"
  instance_type = "t3.micro"

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional"
  }
}

resource "aws_launch_configuration" "fail" {
  image_id      = "ami-123"
  instance_type = "t3.micro"
}

resource "aws_instance" "fail_count" {
  count         = 2
  ami           = "ami-123"
  instance_type = "t3.micro"
}
