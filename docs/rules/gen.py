#!/usr/bin/env python3
"""Generates docs/rules/<ID>.md from the table below (run from the repo root:
python3 docs/rules/gen.py). The rule engine embeds these files for hover text."""
import csv, os, re

HERE = os.path.dirname(os.path.abspath(__file__))
# id: (checkov id, why, example fix in HCL)
R = {
"TC-ELB-001": ("CKV_AWS_2", "Plain HTTP sends cookies, tokens and form data unencrypted between the client and the load balancer.",
 'resource "aws_lb_listener" "https" {\n  load_balancer_arn = aws_lb.web.arn\n  port              = 443\n  protocol          = "HTTPS"\n  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n  certificate_arn   = aws_acm_certificate.web.arn\n  # ...\n}'),
"TC-EBS-001": ("CKV_AWS_3", "An unencrypted volume exposes its data and every snapshot taken from it.", 'resource "aws_ebs_volume" "data" {\n  # ...\n  encrypted = true\n}'),
"TC-KMS-001": ("CKV_AWS_7", "Automatic yearly rotation limits how much data one compromised key version protects.", 'resource "aws_kms_key" "main" {\n  # ...\n  enable_key_rotation = true\n}'),
"TC-EC2-002": ("CKV_AWS_8", "Without an explicit encrypted root device, instances boot from an unencrypted volume.", 'root_block_device {\n  encrypted = true\n}'),
"TC-RDS-001": ("CKV_AWS_16", "Unencrypted database storage exposes data, logs, backups and snapshots. Encryption can only be chosen at creation time.", 'resource "aws_db_instance" "db" {\n  # ...\n  storage_encrypted = true\n}'),
"TC-RDS-002": ("CKV_AWS_17", "A publicly accessible database gets a public IP and can be reached (and brute-forced) from the internet.", 'publicly_accessible = false'),
"TC-S3-001": ("CKV_AWS_18", "Server access logs are the record of who read or changed objects; without them incidents can't be investigated.",
 'resource "aws_s3_bucket_logging" "data" {\n  bucket        = aws_s3_bucket.data.id\n  target_bucket = aws_s3_bucket.logs.id\n  target_prefix = "data/"\n}'),
"TC-S3-002": ("CKV_AWS_20", "Public-read ACLs let anyone on the internet list or download the bucket's objects.", 'Remove `acl = "public-read"` (buckets are private by default) and add an aws_s3_bucket_public_access_block.'),
"TC-S3-003": ("CKV_AWS_21", "Versioning keeps previous object versions so accidental or malicious overwrites and deletes can be undone.",
 'resource "aws_s3_bucket_versioning" "data" {\n  bucket = aws_s3_bucket.data.id\n\n  versioning_configuration {\n    status = "Enabled"\n  }\n}'),
"TC-VPC-001": ("CKV_AWS_23", "Descriptions say why a rule exists, which makes reviews and clean-ups of network access possible.", 'ingress {\n  description = "HTTPS from the load balancer"\n  # ...\n}'),
"TC-VPC-002": ("CKV_AWS_24", "SSH open to the internet is scanned and brute-forced constantly.", 'cidr_blocks = ["203.0.113.0/24"] # your office or VPN range; better: use SSM Session Manager'),
"TC-VPC-003": ("CKV_AWS_25", "RDP open to the internet is a common ransomware entry point.", 'cidr_blocks = ["203.0.113.0/24"] # your office or VPN range'),
"TC-DDB-001": ("CKV_AWS_28", "Point-in-time recovery restores the table to any second in the last 35 days after a bad write or delete.", 'point_in_time_recovery {\n  enabled = true\n}'),
"TC-ECACHE-001": ("CKV_AWS_29", "Cached data often includes sessions and personal data; at-rest encryption protects disks and backups.", 'at_rest_encryption_enabled = true'),
"TC-ECACHE-002": ("CKV_AWS_30", "Without TLS, anyone on the network path can read cache traffic.", 'transit_encryption_enabled = true'),
"TC-ECACHE-003": ("CKV_AWS_31", "An auth token (or RBAC user group) stops any host in the VPC from using the cache.", 'transit_encryption_enabled = true\nauth_token                 = var.redis_auth_token'),
"TC-KMS-002": ("CKV_AWS_33", "A wildcard principal in a key policy can let any AWS account use or manage the key.", '"Principal": { "AWS": "arn:aws:iam::111122223333:root" }'),
"TC-CT-001": ("CKV_AWS_35", "A customer-managed key adds access control and an audit trail over who can read the logs.", 'kms_key_id = aws_kms_key.cloudtrail.arn'),
"TC-CT-002": ("CKV_AWS_36", "Log file validation produces signed digests that prove logs were not changed after delivery.", 'enable_log_file_validation = true'),
"TC-LAMBDA-001": ("CKV_AWS_45", "Environment variables are visible to anyone who can read the function configuration, and end up in state files.", 'environment {\n  variables = {\n    SECRET_ARN = aws_secretsmanager_secret.api.arn # read the value at run time\n  }\n}'),
"TC-EC2-003": ("CKV_AWS_46", "User data is readable from the instance metadata service and the EC2 API; credentials in it leak easily.", 'iam_instance_profile = aws_iam_instance_profile.app.name # instead of keys in user_data'),
"TC-LAMBDA-002": ("CKV_AWS_50", "X-Ray traces show where requests go and fail, which helps spot abuse and errors.", 'tracing_config {\n  mode = "Active"\n}'),
"TC-S3-004": ("CKV_AWS_53", "Blocking public ACLs stops anyone from making objects public with an ACL.", 'block_public_acls = true'),
"TC-S3-005": ("CKV_AWS_54", "Blocking public policies stops a bucket policy from granting public access.", 'block_public_policy = true'),
"TC-S3-006": ("CKV_AWS_55", "Ignoring public ACLs neutralises public ACLs that already exist.", 'ignore_public_acls = true'),
"TC-S3-007": ("CKV_AWS_56", "Restricting public buckets limits access to AWS services and the owner account even if a public policy exists.", 'restrict_public_buckets = true'),
"TC-S3-008": ("CKV_AWS_57", "Public write access lets anyone upload, overwrite or delete objects (and run up your bill).", 'Remove `acl = "public-read-write"`; grant write access to specific principals in a bucket policy.'),
"TC-IAM-001": ("CKV_AWS_60", "A trust policy with principal \"*\" lets any AWS account assume the role.", '"Principal": { "Service": "ec2.amazonaws.com" }'),
"TC-IAM-002": ("CKV_AWS_61", "Trusting an account root lets every user and role in that account assume the role; name specific roles instead.", '"Principal": { "AWS": "arn:aws:iam::111122223333:role/deployer" }'),
"TC-IAM-003": ("CKV_AWS_62", "\"Action\": \"*\" on \"Resource\": \"*\" is full administrator access; a leaked credential then controls the account.", '"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::my-bucket/*"]'),
"TC-IAM-004": ("CKV_AWS_63", "Allowing every action breaks least privilege even when resources are limited.", '"Action": ["dynamodb:GetItem", "dynamodb:PutItem"]'),
"TC-CT-003": ("CKV_AWS_67", "A single-region trail misses activity in every other region, where attackers like to work.", 'is_multi_region_trail = true'),
"TC-S3-009": ("CKV_AWS_70", "A bucket policy allowing principal \"*\" makes the allowed actions available to everyone.", '"Principal": { "AWS": "arn:aws:iam::111122223333:role/reader" }'),
"TC-EC2-001": ("CKV_AWS_79", "IMDSv1 answers plain GET requests, so an SSRF bug in the application can steal the instance role's credentials. IMDSv2 requires a session token.", 'metadata_options {\n  http_tokens = "required"\n}'),
"TC-EC2-004": ("CKV_AWS_88", "A public IP exposes the instance directly; put it behind a load balancer or NAT instead.", 'associate_public_ip_address = false'),
"TC-ELB-002": ("CKV_AWS_91", "Access logs record every request to the load balancer for incident analysis.", 'access_logs {\n  bucket  = aws_s3_bucket.lb_logs.id\n  enabled = true\n}'),
"TC-ELB-003": ("CKV_AWS_103", "TLS 1.0 and 1.1 have known weaknesses; modern policies allow TLS 1.2 and 1.3 only.", 'ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"'),
"TC-LAMBDA-003": ("CKV_AWS_115", "A reserved concurrency limit stops one function (or an attack on it) from exhausting the account's concurrency.", 'reserved_concurrent_executions = 100'),
"TC-LAMBDA-004": ("CKV_AWS_116", "A dead-letter queue keeps failed asynchronous events for inspection instead of dropping them.", 'dead_letter_config {\n  target_arn = aws_sqs_queue.dlq.arn\n}'),
"TC-LAMBDA-005": ("CKV_AWS_117", "Running inside a VPC lets security groups and network controls apply to the function.", 'vpc_config {\n  subnet_ids         = aws_subnet.private[*].id\n  security_group_ids = [aws_security_group.lambda.id]\n}'),
"TC-RDS-003": ("CKV_AWS_118", "Enhanced monitoring gives OS-level metrics needed to diagnose incidents.", 'monitoring_interval = 60\nmonitoring_role_arn = aws_iam_role.rds_monitoring.arn'),
"TC-DDB-002": ("CKV_AWS_119", "A customer-managed key gives you control over key policy, rotation and revocation.", 'server_side_encryption {\n  enabled     = true\n  kms_key_arn = aws_kms_key.dynamodb.arn\n}'),
"TC-EC2-005": ("CKV_AWS_126", "Detailed monitoring reports metrics every minute instead of every five.", 'monitoring = true'),
"TC-RDS-004": ("CKV_AWS_129", "Database logs (errors, slow queries, audit) are evidence during an incident.", 'enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]'),
"TC-VPC-004": ("CKV_AWS_130", "Subnets that auto-assign public IPs expose every instance launched in them.", 'map_public_ip_on_launch = false'),
"TC-ELB-004": ("CKV_AWS_131", "Dropping invalid header fields prevents HTTP desync / request smuggling attacks.", 'drop_invalid_header_fields = true'),
"TC-RDS-005": ("CKV_AWS_133", "A retention period of 0 turns automated backups off; data loss can't be undone.", 'backup_retention_period = 7'),
"TC-EC2-006": ("CKV_AWS_135", "EBS-optimised instances have dedicated bandwidth for storage traffic.", 'ebs_optimized = true'),
"TC-S3-010": ("CKV_AWS_145", "KMS encryption adds key-level access control and audit logging over S3-managed keys.",
 'resource "aws_s3_bucket_server_side_encryption_configuration" "data" {\n  bucket = aws_s3_bucket.data.id\n\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = "aws:kms"\n    }\n  }\n}'),
"TC-ELB-005": ("CKV_AWS_150", "Deletion protection prevents an accidental destroy from taking the service offline.", 'enable_deletion_protection = true'),
"TC-RDS-006": ("CKV_AWS_157", "Multi-AZ keeps a synchronous standby and fails over automatically.", 'multi_az = true'),
"TC-RDS-007": ("CKV_AWS_161", "IAM authentication replaces long-lived database passwords with short-lived tokens.", 'iam_database_authentication_enabled = true'),
"TC-LAMBDA-006": ("CKV_AWS_173", "Encrypting environment variables with your own key controls who can decrypt them.", 'kms_key_arn = aws_kms_key.lambda.arn'),
"TC-EBS-002": ("CKV_AWS_189", "A customer-managed key gives control over who can use the volume's key.", 'kms_key_id = aws_kms_key.ebs.arn'),
"TC-RDS-008": ("CKV_AWS_226", "Minor versions carry security fixes; automatic upgrades apply them in the maintenance window.", 'auto_minor_version_upgrade = true'),
"TC-VPC-005": ("CKV_AWS_260", "Port 80 open to the internet serves unencrypted traffic directly to the resource; put it behind a load balancer that redirects to HTTPS.", 'cidr_blocks = ["203.0.113.0/24"] # or only the load balancer security group'),
"TC-IAM-005": ("CKV_AWS_274", "AdministratorAccess grants every permission in the account.", 'policy_arn = aws_iam_policy.least_privilege.arn'),
"TC-VPC-006": ("CKV_AWS_277", "All ports open to the internet exposes every service on the resource.", 'from_port   = 443\nto_port     = 443\nprotocol    = "tcp"\ncidr_blocks = ["203.0.113.0/24"]'),
"TC-RDS-009": ("CKV_AWS_293", "Deletion protection stops an accidental destroy from deleting the database.", 'deletion_protection = true'),
"TC-VPC-007": ("CKV2_AWS_5", "Unused security groups clutter reviews and may be attached later with stale, over-broad rules.", 'Attach the group (e.g. `vpc_security_group_ids = [aws_security_group.app.id]`) or remove it.'),
"TC-S3-011": ("CKV2_AWS_6", "A public access block is the account-proof guard against a policy or ACL making the bucket public.",
 'resource "aws_s3_bucket_public_access_block" "data" {\n  bucket = aws_s3_bucket.data.id\n\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}'),
"TC-VPC-008": ("CKV2_AWS_11", "Flow logs record accepted and rejected connections, needed to investigate network incidents.",
 'resource "aws_flow_log" "main" {\n  vpc_id          = aws_vpc.main.id\n  traffic_type    = "ALL"\n  log_destination = aws_cloudwatch_log_group.flow.arn\n  iam_role_arn    = aws_iam_role.flow.arn\n}'),
"TC-VPC-009": ("CKV2_AWS_12", "The default security group allows all traffic between its members and all egress; resources land in it by accident.",
 'resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n  # no ingress or egress blocks: all traffic denied\n}'),
"TC-ELB-006": ("CKV2_AWS_20", "An HTTP listener on port 80 should only redirect to HTTPS so no content is served unencrypted.",
 'default_action {\n  type = "redirect"\n\n  redirect {\n    port        = "443"\n    protocol    = "HTTPS"\n    status_code = "HTTP_301"\n  }\n}'),
"TC-RDS-010": ("CKV2_AWS_60", "Tags on snapshots carry ownership and data-classification information used by backup and access policies.", 'copy_tags_to_snapshot = true'),
"TC-S3-012": ("CKV_AWS_144", "Cross-region replication keeps a copy of the data if a region fails or the bucket is damaged.",
 'resource "aws_s3_bucket_replication_configuration" "data" {\n  bucket = aws_s3_bucket.data.id\n  role   = aws_iam_role.replication.arn\n\n  rule {\n    status = "Enabled"\n    destination {\n      bucket = aws_s3_bucket.replica.arn\n    }\n  }\n}'),
"TC-S3-013": ("CKV2_AWS_61", "Lifecycle rules expire old objects and versions, limiting how much stale data is kept and exposed.",
 'resource "aws_s3_bucket_lifecycle_configuration" "data" {\n  bucket = aws_s3_bucket.data.id\n\n  rule {\n    id     = "expire-old-versions"\n    status = "Enabled"\n    noncurrent_version_expiration {\n      noncurrent_days = 90\n    }\n  }\n}'),
"TC-S3-014": ("CKV2_AWS_62", "Event notifications let you react to (and audit) object creation and deletion.",
 'resource "aws_s3_bucket_notification" "data" {\n  bucket = aws_s3_bucket.data.id\n\n  topic {\n    topic_arn = aws_sns_topic.bucket_events.arn\n    events    = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]\n  }\n}'),
}

checks = {row["check_id"]: row for row in csv.DictReader(open(os.path.join(HERE, "../../../shared/corpora/security-checks.csv")))}
rs = open(os.path.join(HERE, "../../server/rules/src/rules/mod.rs")).read()
for rid, (ckv, why, fix) in R.items():
    m = re.search(r'"%s" "%s" (\w+) (\w+) \[[^\]]*\] \[[^\]]*\] \w+ "((?:[^"\\]|\\.)*)";' % (rid, ckv), rs)
    assert m, rid
    sev, has_fix, title = m.group(1).lower(), m.group(2) == "true", m.group(3).replace('\\"', '"')
    row = checks[ckv]
    body = f"# {rid}: {title}\n\n"
    body += f"Severity **{sev}** · checkov `{ckv}` · resources: {', '.join('`'+t+'`' for t in row['resource_types'].split())}\n\n"
    body += f"## What\n\n{row['description'].rstrip('.')}.\n\n## Why\n\n{why}\n\n## Example fix\n\n"
    body += ("```hcl\n" + fix + "\n```\n") if ("{" in fix or "=" in fix) and not fix.startswith(("Remove", "Attach")) else fix + "\n"
    body += "\nA quick fix is offered in the editor.\n" if has_fix else ""
    body += f"\nSuppress with `# terraconverse:ignore {rid} <reason>` on or above the resource.\n"
    open(os.path.join(HERE, rid + ".md"), "w").write(body)
print(len(R), "rule docs written")
