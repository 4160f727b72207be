//! Embeds every TOML file under `knowledge/` into the binary: writes a generated
//! Rust file listing `(relative path, include_str!(…))` pairs so that adding a
//! component file needs no code change.

use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../knowledge");
    let root = root.canonicalize().expect("knowledge/ directory exists");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = String::from("/// Every embedded knowledge file: (path relative to knowledge/, contents).\npub static FILES: &[(&str, &str)] = &[\n");
    for rel in &files {
        let abs = root.join(rel);
        out.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            rel,
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_files.rs");
    fs::write(dest, out).unwrap();
    println!("cargo:rerun-if-changed={}", root.display());
    for rel in &files {
        println!("cargo:rerun-if-changed={}", root.join(rel).display());
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}
