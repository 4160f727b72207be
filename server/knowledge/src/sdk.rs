//! The EC2 instance-type list as the AWS SDK knows it, and the TOML form in which
//! it is stored under `knowledge/instance_types.toml`.
//!
//! The SDK itself is only linked with the `aws` feature (it is very expensive to
//! compile); the formatting is always available so the stored file's shape is tested
//! in every build.

/// Renders the stored form of an instance-type list: a `source` line naming where the
/// values came from and the sorted, distinct values, one a line.
pub fn render_instance_types(source: &str, values: &[&str]) -> String {
    let mut sorted: Vec<&str> = values.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::from(
        "# Every EC2 instance type the AWS SDK knows. Generated, do not edit by hand:\n\
         #   CARGO_TARGET_DIR=/work/target-aws cargo run -p tc_knowledge --features aws \\\n\
         #     --bin extract-instance-types > knowledge/instance_types.toml\n",
    );
    out.push_str(&format!("source = {:?}\n", source));
    out.push_str("values = [\n");
    for v in sorted {
        out.push_str(&format!("  {:?},\n", v));
    }
    out.push_str("]\n");
    out
}

/// The SDK's `InstanceType::values()`, i.e. every instance type the linked
/// aws-sdk-ec2 release knows (the `Unknown` variant is not part of it).
#[cfg(feature = "aws")]
pub fn sdk_instance_types() -> Vec<&'static str> {
    aws_sdk_ec2::types::InstanceType::values().to_vec()
}

/// The whole `instance_types.toml` extracted from the linked SDK.
#[cfg(feature = "aws")]
pub fn instance_types_toml() -> String {
    render_instance_types(
        "aws-sdk-ec2 aws_sdk_ec2::types::InstanceType::values()",
        &sdk_instance_types(),
    )
}
