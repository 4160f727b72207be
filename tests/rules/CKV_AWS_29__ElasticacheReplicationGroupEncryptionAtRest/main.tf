resource "aws_elasticache_replication_group" "pass" {
  replication_group_id       = "pass"
  description                = "pass"
  at_rest_encryption_enabled = true
}

resource "aws_elasticache_replication_group" "fail" {
  replication_group_id = "fail"
  description          = "fail"
}

resource "aws_elasticache_replication_group" "fail_false" {
  replication_group_id       = "fail-false"
  description                = "fail"
  at_rest_encryption_enabled = false
}
