# Provisioner and connection blocks belong to Terraform, not to the provider.
resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  user_dta      = "#!/bin/sh" # expect: UnknownArgument

  connection {
    type = "ssh"
    user = "ubuntu"
    host = self.public_ip
  }

  provisioner "remote-exec" {
    inline = ["echo hello"]
  }
}
