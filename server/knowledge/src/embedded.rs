//! Loads the knowledge base from the TOML files embedded at compile time.

use crate::model::{Component, KnowledgeBase, Region, SizeHint};
use serde::Deserialize;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/embedded_files.rs"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsFile {
    regions: Vec<Region>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SizeHintsFile {
    hints: Vec<SizeHint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListFile {
    #[allow(dead_code)]
    #[serde(default)]
    source: Option<String>,
    values: Vec<String>,
}

/// The embedded knowledge base, parsed once on first use.
pub fn knowledge() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        parse(FILES).unwrap_or_else(|e| panic!("embedded knowledge base is invalid: {e}"))
    })
}

/// Parses a set of knowledge files. Public so the integrity test can report every
/// error with its file name rather than panicking on the first.
pub fn parse(files: &[(&str, &str)]) -> Result<KnowledgeBase, String> {
    let mut kb = KnowledgeBase::default();
    for (path, text) in files {
        if let Some(name) = path.strip_prefix("components/") {
            let c: Component =
                toml::from_str(text).map_err(|e| format!("knowledge/{path}: {e}"))?;
            let stem = name.trim_end_matches(".toml");
            if c.id != stem {
                return Err(format!(
                    "knowledge/{path}: id `{}` must equal the file name `{stem}`",
                    c.id
                ));
            }
            if kb.components.insert(c.id.clone(), c).is_some() {
                return Err(format!(
                    "knowledge/{path}: component id `{stem}` is defined twice"
                ));
            }
        } else if *path == "regions.toml" {
            let r: RegionsFile =
                toml::from_str(text).map_err(|e| format!("knowledge/{path}: {e}"))?;
            kb.regions = r.regions;
        } else if *path == "instance_types.toml" {
            let l: ListFile = toml::from_str(text).map_err(|e| format!("knowledge/{path}: {e}"))?;
            kb.instance_types = l.values;
        } else if *path == "size_hints.toml" {
            let h: SizeHintsFile =
                toml::from_str(text).map_err(|e| format!("knowledge/{path}: {e}"))?;
            kb.size_hints = h.hints;
        } else if *path == "db_instance_classes.toml" {
            let l: ListFile = toml::from_str(text).map_err(|e| format!("knowledge/{path}: {e}"))?;
            kb.db_instance_classes = l.values;
        }
        // Other files (e.g. rules, size hints) are read by the crates that own them
        // through `file()`.
    }
    Ok(kb)
}

/// Raw contents of an embedded knowledge file, by path relative to `knowledge/`.
pub fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}
