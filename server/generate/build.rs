//! Embeds every `.tf.j2` template under `templates/` into the binary, so that the
//! generator needs no files at run time and adding a template needs no code change.

use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
    let root = root.canonicalize().expect("templates/ directory exists");
    let mut names = Vec::new();
    for entry in fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(stem) = file.strip_suffix(".tf.j2") {
            names.push((stem.to_string(), path.display().to_string()));
        }
    }
    names.sort();
    let mut out = String::from("/// Every embedded template: (name without `.tf.j2`, source).\npub static TEMPLATES: &[(&str, &str)] = &[\n");
    for (name, path) in &names {
        out.push_str(&format!("    ({name:?}, include_str!({path:?})),\n"));
        println!("cargo:rerun-if-changed={path}");
    }
    out.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("templates.rs"), out).unwrap();
    println!("cargo:rerun-if-changed={}", root.display());
}
