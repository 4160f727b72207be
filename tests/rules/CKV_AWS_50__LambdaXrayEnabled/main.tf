resource "aws_lambda_function" "pass" {
  function_name = "pass"
  role          = "arn:aws:iam::111122223333:role/lambda"

  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_function" "pass_passthrough" {
  function_name = "pass"
  role          = "arn:aws:iam::111122223333:role/lambda"

  tracing_config {
    mode = "PassThrough"
  }
}

resource "aws_lambda_function" "fail" {
  function_name = "fail"
  role          = "arn:aws:iam::111122223333:role/lambda"
}
