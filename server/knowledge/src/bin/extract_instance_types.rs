//! Writes `knowledge/instance_types.toml` from the AWS SDK's `InstanceType` enum, so
//! the instance-type list is extracted rather than hand-typed.
//!
//! Run: `CARGO_TARGET_DIR=/work/target-aws cargo run -p tc_knowledge --features aws
//! --bin extract-instance-types > knowledge/instance_types.toml`

fn main() {
    print!("{}", tc_knowledge::instance_types_toml());
}
