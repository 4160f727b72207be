//! `build-schema`: converts a provider schema source into the compact container
//! embedded by tc_schema (`data/aws-provider.tcschema`).
//!
//! Sources: the jsii assembly of PyPI's `cdktn-provider-aws` (what
//! `server/schema/build-schema.sh` downloads and passes here), or the output of
//! `terraform providers schema -json` for users who have Terraform and network.

use std::path::PathBuf;
use std::process::ExitCode;
use tc_schema::{jsii, terraform_json, Schema};

const USAGE: &str = "usage: build-schema (--jsii FILE.jsii --origin TEXT | --terraform-json FILE.json --version X.Y.Z) [--out FILE]";

fn main() -> ExitCode {
    // The deepest AWS schemas (WAFv2 rule statements) nest blocks a dozen levels
    // deep, each level a few recursive calls: more stack than the main thread has.
    let worker = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(run)
        .expect("spawn the converter thread");
    match worker.join().unwrap_or_else(|_| Err("the converter panicked".into())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("build-schema: {e}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut jsii_path = None;
    let mut tf_path = None;
    let mut origin = None;
    let mut version = None;
    let mut out = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/aws-provider.tcschema"));
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--jsii" => jsii_path = Some(PathBuf::from(value()?)),
            "--terraform-json" => tf_path = Some(PathBuf::from(value()?)),
            "--origin" => origin = Some(value()?),
            "--version" => version = Some(value()?),
            "--out" => out = PathBuf::from(value()?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let read = |p: &PathBuf| -> Result<serde_json::Value, String> {
        let bytes = std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{} is not JSON: {e}", p.display()))
    };
    let schema: Schema = match (jsii_path, tf_path) {
        (Some(p), None) => {
            let origin = origin.ok_or("--jsii needs --origin (the package and version it came from)")?;
            jsii::from_assembly(&read(&p)?, &origin).map_err(|e| e.to_string())?
        }
        (None, Some(p)) => {
            let version = version.ok_or("--terraform-json needs --version (Terraform's output does not record the provider release)")?;
            terraform_json::from_value(&read(&p)?, &version).map_err(|e| e.to_string())?
        }
        _ => return Err("give exactly one of --jsii and --terraform-json".into()),
    };
    let bytes = schema.to_compact();
    std::fs::write(&out, &bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let info = schema.info();
    eprintln!(
        "build-schema: wrote {} ({} bytes): {} {} from {}, {} resources, {} data sources",
        out.display(),
        bytes.len(),
        info.provider,
        info.version,
        info.origin,
        schema.resource_types().count(),
        schema.data_source_types().count()
    );
    Ok(())
}
