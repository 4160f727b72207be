provider "aws" {
  regoin = "eu-central-1" # expect: UnknownArgument
}
