resource "aws_lambda_function" "pass" {
  function_name = "pass"
  role          = "arn:aws:iam::111122223333:role/lambda"

  dead_letter_config {
    target_arn = "arn:aws:sqs:eu-central-1:111122223333:dlq"
  }
}

resource "aws_lambda_function" "fail" {
  function_name = "fail"
  role          = "arn:aws:iam::111122223333:role/lambda"
}
