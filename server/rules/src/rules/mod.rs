//! The rule catalogue: one entry per security check in scope, each with its check
//! function. Check functions follow the documented behaviour of the corresponding checkov
//! check, except that a value that can't be known statically never produces a finding.

mod checks;
mod policy;

use crate::model::{Module, Resource};
use crate::{Fix, Related, Rule, Severity};
use std::ops::Range;

pub(crate) type CheckFn = fn(&Module, &Resource) -> Verdict;

/// The result of a check on one resource instance.
pub(crate) enum Verdict {
    Pass,
    /// Not statically knowable, or not applicable: never a finding.
    Unknown,
    Fail(Failure),
}

pub(crate) struct Failure {
    pub message: String,
    /// The offending attribute or block; `None` highlights the resource header.
    pub span: Option<Range<usize>>,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), span: None, related: Vec::new(), fix: None }
    }
    pub fn at(mut self, span: Option<Range<usize>>) -> Failure {
        self.span = span;
        self
    }
    pub fn fix(mut self, fix: Option<Fix>) -> Failure {
        self.fix = fix;
        self
    }
    pub fn related(mut self, related: Vec<Related>) -> Failure {
        self.related = related;
        self
    }
}

use checks::*;
use Severity::*;

macro_rules! rules {
    ($( $id:literal $ckv:literal $sev:ident $fix:literal [$($t:literal),*] [$($rep:literal),*] $check:ident $title:literal ;)*) => {
        pub(crate) static RULES: &[Rule] = &[
            $( Rule {
                id: $id,
                checkov_id: $ckv,
                severity: $sev,
                title: $title,
                resource_types: &[$($t),*],
                docs: include_str!(concat!("../../../../docs/rules/", $id, ".md")),
                has_fix: $fix,
                check: $check,
                reported_on: &[$($rep),*],
            }, )*
        ];
    };
}

// ID, checkov ID, severity, has quick fix, resource types, types reported on, check, title.
rules! {
    "TC-ELB-001" "CKV_AWS_2" High false ["aws_alb_listener", "aws_lb_listener"] ["aws_alb_listener", "aws_lb_listener"] alb_https "Load balancer listener uses HTTPS";
    "TC-EBS-001" "CKV_AWS_3" High true ["aws_ebs_volume"] ["aws_ebs_volume"] ebs_encrypted "EBS volume is encrypted";
    "TC-KMS-001" "CKV_AWS_7" Medium true ["aws_kms_key"] ["aws_kms_key"] kms_rotation "KMS key rotation is enabled";
    "TC-EC2-002" "CKV_AWS_8" High true ["aws_launch_configuration", "aws_instance"] ["aws_launch_configuration", "aws_instance"] lc_ebs_encrypted "Instance and launch configuration block devices are encrypted";
    "TC-RDS-001" "CKV_AWS_16" High true ["aws_db_instance"] ["aws_db_instance"] rds_encrypted "RDS instance storage is encrypted";
    "TC-RDS-002" "CKV_AWS_17" Critical true ["aws_db_instance", "aws_rds_cluster_instance"] ["aws_db_instance", "aws_rds_cluster_instance"] rds_public "RDS instance is not publicly accessible";
    "TC-S3-001" "CKV_AWS_18" Low false ["aws_s3_bucket", "aws_s3_bucket_logging"] ["aws_s3_bucket"] s3_logging "S3 bucket has access logging";
    "TC-S3-002" "CKV_AWS_20" Critical false ["aws_s3_bucket", "aws_s3_bucket_acl"] ["aws_s3_bucket"] s3_acl_read "S3 bucket ACL does not allow public read";
    "TC-S3-003" "CKV_AWS_21" Medium true ["aws_s3_bucket", "aws_s3_bucket_versioning"] ["aws_s3_bucket"] s3_versioning "S3 bucket has versioning enabled";
    "TC-VPC-001" "CKV_AWS_23" Low false ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_db_security_group", "aws_elasticache_security_group", "aws_redshift_security_group"] ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_db_security_group", "aws_elasticache_security_group", "aws_redshift_security_group"] sg_description "Security groups and rules have descriptions";
    "TC-VPC-002" "CKV_AWS_24" High true ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"] ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"] sg_open_22 "No ingress from 0.0.0.0/0 to SSH (port 22)";
    "TC-VPC-003" "CKV_AWS_25" High true ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"] ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"] sg_open_3389 "No ingress from 0.0.0.0/0 to RDP (port 3389)";
    "TC-DDB-001" "CKV_AWS_28" Medium true ["aws_dynamodb_table"] ["aws_dynamodb_table"] ddb_pitr "DynamoDB point-in-time recovery is enabled";
    "TC-ECACHE-001" "CKV_AWS_29" High true ["aws_elasticache_replication_group"] ["aws_elasticache_replication_group"] ec_at_rest "ElastiCache replication group is encrypted at rest";
    "TC-ECACHE-002" "CKV_AWS_30" High true ["aws_elasticache_replication_group"] ["aws_elasticache_replication_group"] ec_transit "ElastiCache replication group is encrypted in transit";
    "TC-ECACHE-003" "CKV_AWS_31" Medium false ["aws_elasticache_replication_group"] ["aws_elasticache_replication_group"] ec_auth "ElastiCache replication group uses in-transit encryption and an auth token";
    "TC-KMS-002" "CKV_AWS_33" Critical false ["aws_kms_key"] ["aws_kms_key"] kms_wildcard "KMS key policy has no wildcard principal";
    "TC-CT-001" "CKV_AWS_35" Medium false ["aws_cloudtrail"] ["aws_cloudtrail"] ct_cmk "CloudTrail logs are encrypted with a KMS key";
    "TC-CT-002" "CKV_AWS_36" Medium true ["aws_cloudtrail"] ["aws_cloudtrail"] ct_validation "CloudTrail log file validation is enabled";
    "TC-LAMBDA-001" "CKV_AWS_45" Critical false ["aws_lambda_function"] ["aws_lambda_function"] lambda_secrets "No hard-coded secrets in Lambda environment variables";
    "TC-EC2-003" "CKV_AWS_46" Critical false ["aws_instance", "aws_launch_template", "aws_launch_configuration"] ["aws_instance", "aws_launch_template", "aws_launch_configuration"] ec2_secrets "No hard-coded secrets in EC2 user data";
    "TC-LAMBDA-002" "CKV_AWS_50" Low true ["aws_lambda_function"] ["aws_lambda_function"] lambda_xray "Lambda X-Ray tracing is enabled";
    "TC-S3-004" "CKV_AWS_53" High true ["aws_s3_bucket_public_access_block"] ["aws_s3_bucket_public_access_block"] pab_block_acls "S3 public access block blocks public ACLs";
    "TC-S3-005" "CKV_AWS_54" High true ["aws_s3_bucket_public_access_block"] ["aws_s3_bucket_public_access_block"] pab_block_policy "S3 public access block blocks public policies";
    "TC-S3-006" "CKV_AWS_55" High true ["aws_s3_bucket_public_access_block"] ["aws_s3_bucket_public_access_block"] pab_ignore_acls "S3 public access block ignores public ACLs";
    "TC-S3-007" "CKV_AWS_56" High true ["aws_s3_bucket_public_access_block"] ["aws_s3_bucket_public_access_block"] pab_restrict "S3 public access block restricts public buckets";
    "TC-S3-008" "CKV_AWS_57" Critical false ["aws_s3_bucket", "aws_s3_bucket_acl"] ["aws_s3_bucket"] s3_acl_write "S3 bucket ACL does not allow public write";
    "TC-IAM-001" "CKV_AWS_60" Critical false ["aws_iam_role"] ["aws_iam_role"] iam_public_assume "IAM role can't be assumed by any AWS principal";
    "TC-IAM-002" "CKV_AWS_61" Medium false ["aws_iam_role"] ["aws_iam_role"] iam_account_assume "IAM role trust is not granted to a whole account";
    "TC-IAM-003" "CKV_AWS_62" Critical false ["aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_policy", "aws_ssoadmin_permission_set_inline_policy"] ["aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_policy", "aws_ssoadmin_permission_set_inline_policy"] iam_admin "IAM policy does not grant full administrative access";
    "TC-IAM-004" "CKV_AWS_63" High false ["aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_policy", "aws_ssoadmin_permission_set_inline_policy"] ["aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_policy", "aws_ssoadmin_permission_set_inline_policy"] iam_star_action "IAM policy does not allow \"*\" actions";
    "TC-CT-003" "CKV_AWS_67" Medium true ["aws_cloudtrail"] ["aws_cloudtrail"] ct_multi_region "CloudTrail covers all regions";
    "TC-S3-009" "CKV_AWS_70" Critical false ["aws_s3_bucket", "aws_s3_bucket_policy"] ["aws_s3_bucket", "aws_s3_bucket_policy"] s3_any_principal "S3 bucket policy does not allow any principal";
    "TC-EC2-001" "CKV_AWS_79" High true ["aws_instance", "aws_launch_template", "aws_launch_configuration"] ["aws_instance", "aws_launch_template", "aws_launch_configuration"] imdsv2 "Instance metadata service requires IMDSv2 tokens";
    "TC-EC2-004" "CKV_AWS_88" Medium true ["aws_instance", "aws_launch_template"] ["aws_instance", "aws_launch_template"] ec2_public_ip "EC2 instance has no public IP";
    "TC-ELB-002" "CKV_AWS_91" Low false ["aws_lb", "aws_alb"] ["aws_lb", "aws_alb"] lb_access_logs "Load balancer access logging is enabled";
    "TC-ELB-003" "CKV_AWS_103" High true ["aws_lb_listener", "aws_alb_listener", "aws_lb"] ["aws_lb_listener", "aws_alb_listener"] lb_tls12 "Load balancer listener uses TLS 1.2 or later";
    "TC-LAMBDA-003" "CKV_AWS_115" Low false ["aws_lambda_function"] ["aws_lambda_function"] lambda_concurrency "Lambda function has a concurrency limit";
    "TC-LAMBDA-004" "CKV_AWS_116" Low false ["aws_lambda_function"] ["aws_lambda_function"] lambda_dlq "Lambda function has a dead-letter queue";
    "TC-LAMBDA-005" "CKV_AWS_117" Low false ["aws_lambda_function"] ["aws_lambda_function"] lambda_vpc "Lambda function runs inside a VPC";
    "TC-RDS-003" "CKV_AWS_118" Low false ["aws_db_instance", "aws_rds_cluster_instance"] ["aws_db_instance", "aws_rds_cluster_instance"] rds_monitoring "RDS enhanced monitoring is enabled";
    "TC-DDB-002" "CKV_AWS_119" Medium false ["aws_dynamodb_table"] ["aws_dynamodb_table"] ddb_cmk "DynamoDB table is encrypted with a customer-managed KMS key";
    "TC-EC2-005" "CKV_AWS_126" Low true ["aws_instance", "aws_launch_template"] ["aws_instance", "aws_launch_template"] ec2_monitoring "EC2 detailed monitoring is enabled";
    "TC-RDS-004" "CKV_AWS_129" Medium false ["aws_db_instance"] ["aws_db_instance"] rds_logs "RDS instance exports its logs to CloudWatch";
    "TC-VPC-004" "CKV_AWS_130" Medium true ["aws_subnet"] ["aws_subnet"] subnet_public_ip "Subnet does not assign public IPs by default";
    "TC-ELB-004" "CKV_AWS_131" Medium true ["aws_lb", "aws_alb"] ["aws_lb", "aws_alb"] alb_drop_headers "Application load balancer drops invalid HTTP headers";
    "TC-RDS-005" "CKV_AWS_133" Medium true ["aws_db_instance", "aws_rds_cluster"] ["aws_db_instance", "aws_rds_cluster"] rds_backup "RDS has a backup retention period";
    "TC-EC2-006" "CKV_AWS_135" Low true ["aws_instance"] ["aws_instance"] ec2_ebs_optimized "EC2 instance is EBS-optimized";
    "TC-S3-010" "CKV_AWS_145" Medium true ["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"] ["aws_s3_bucket"] s3_kms "S3 bucket is encrypted with KMS by default";
    "TC-ELB-005" "CKV_AWS_150" Low true ["aws_lb", "aws_alb"] ["aws_lb", "aws_alb"] lb_deletion "Load balancer has deletion protection";
    "TC-RDS-006" "CKV_AWS_157" Medium true ["aws_db_instance"] ["aws_db_instance"] rds_multi_az "RDS instance is Multi-AZ";
    "TC-RDS-007" "CKV_AWS_161" Medium true ["aws_db_instance"] ["aws_db_instance"] rds_iam_auth "RDS instance has IAM authentication enabled";
    "TC-LAMBDA-006" "CKV_AWS_173" Medium false ["aws_lambda_function"] ["aws_lambda_function"] lambda_env_kms "Lambda environment variables are encrypted with a KMS key";
    "TC-EBS-002" "CKV_AWS_189" Low false ["aws_ebs_volume"] ["aws_ebs_volume"] ebs_cmk "EBS volume is encrypted with a customer-managed KMS key";
    "TC-RDS-008" "CKV_AWS_226" Low true ["aws_db_instance", "aws_rds_cluster_instance"] ["aws_db_instance", "aws_rds_cluster_instance"] rds_minor_upgrade "RDS instance gets minor version upgrades automatically";
    "TC-VPC-005" "CKV_AWS_260" High true ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"] ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"] sg_open_80 "No ingress from 0.0.0.0/0 to HTTP (port 80)";
    "TC-IAM-005" "CKV_AWS_274" Critical false ["aws_iam_role", "aws_iam_policy_attachment", "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_ssoadmin_managed_policy_attachment"] ["aws_iam_role", "aws_iam_policy_attachment", "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_ssoadmin_managed_policy_attachment"] iam_admin_managed "AdministratorAccess managed policy is not attached";
    "TC-VPC-006" "CKV_AWS_277" Critical true ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"] ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"] sg_open_all "No ingress from 0.0.0.0/0 to all ports";
    "TC-RDS-009" "CKV_AWS_293" Medium true ["aws_db_instance"] ["aws_db_instance"] rds_deletion "RDS instance has deletion protection";
    "TC-VPC-007" "CKV2_AWS_5" Low false ["aws_security_group"] ["aws_security_group"] sg_attached "Security group is attached to a resource";
    "TC-S3-011" "CKV2_AWS_6" High true ["aws_s3_bucket", "aws_s3_bucket_public_access_block"] ["aws_s3_bucket"] s3_has_pab "S3 bucket has a public access block";
    "TC-VPC-008" "CKV2_AWS_11" Medium true ["aws_vpc", "aws_flow_log"] ["aws_vpc"] vpc_flow_logs "VPC flow logging is enabled";
    "TC-VPC-009" "CKV2_AWS_12" Medium true ["aws_vpc", "aws_default_security_group"] ["aws_vpc"] vpc_default_sg "VPC default security group restricts all traffic";
    "TC-ELB-006" "CKV2_AWS_20" Medium false ["aws_lb", "aws_alb", "aws_lb_listener", "aws_alb_listener"] ["aws_lb", "aws_alb"] alb_redirect "Load balancer redirects HTTP to HTTPS";
    "TC-RDS-010" "CKV2_AWS_60" Low true ["aws_db_instance"] ["aws_db_instance"] rds_copy_tags "RDS instance copies tags to snapshots";
    "TC-S3-012" "CKV_AWS_144" Low false ["aws_s3_bucket", "aws_s3_bucket_replication_configuration"] ["aws_s3_bucket"] s3_replication "S3 bucket has cross-region replication";
    "TC-S3-013" "CKV2_AWS_61" Low false ["aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration"] ["aws_s3_bucket"] s3_lifecycle "S3 bucket has a lifecycle configuration";
    "TC-S3-014" "CKV2_AWS_62" Low false ["aws_s3_bucket", "aws_s3_bucket_notification"] ["aws_s3_bucket"] s3_notifications "S3 bucket has event notifications";
}
