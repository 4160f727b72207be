//! The real-world corpus (`../shared/corpora/terraform-aws-modules/`, 305 files): every
//! directory is checked as a module, nothing panics, every file's blocks parse the same
//! split as whole, and no finding appears where checkov passes the same check on the
//! same resource (checkov's failures are snapshotted in `tests/rules/corpus-checkov.txt`
//! by `tests/rules/corpus-checkov.sh`), except the differences listed with their reason
//! in `docs/rules-disagreements.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn corpus() -> PathBuf {
    repo().join("../shared/corpora/terraform-aws-modules")
}

/// Directory (relative to the corpus) → its .tf files (name, text).
fn modules() -> BTreeMap<String, Vec<(String, String)>> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<(String, String)>>) {
        for e in fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().unwrap() != "_large" {
                    walk(&p, base, out);
                }
            } else if p.extension().map(|x| x == "tf").unwrap_or(false) {
                let rel = dir.strip_prefix(base).unwrap().to_string_lossy().to_string();
                out.entry(rel).or_default().push((p.file_name().unwrap().to_string_lossy().to_string(), fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&corpus(), &corpus(), &mut out);
    for files in out.values_mut() {
        files.sort();
    }
    out
}

#[test]
fn block_splitting_matches_whole_file_parsing() {
    let mut files = 0;
    for files_of in modules().values() {
        for (name, text) in files_of {
            files += 1;
            let whole = hcl_edit::parser::parse_body(text);
            let chunks = tc_rules::split_blocks(text);
            // Chunks tile the file exactly.
            assert_eq!(chunks.first().unwrap().start, 0, "{name}");
            assert_eq!(chunks.last().unwrap().end, text.len(), "{name}");
            assert!(chunks.windows(2).all(|w| w[0].end == w[1].start), "{name}");
            let mut labels = Vec::new();
            for c in &chunks {
                match hcl_edit::parser::parse_body(&text[c.clone()]) {
                    Ok(b) => labels.extend(b.blocks().map(|b| (b.ident.to_string(), b.labels.iter().map(|l| l.as_str().to_string()).collect::<Vec<_>>()))),
                    Err(e) => assert!(whole.is_err(), "{name}: chunk fails but the file parses: {e}"),
                }
            }
            if let Ok(body) = whole {
                let expected: Vec<_> = body.blocks().map(|b| (b.ident.to_string(), b.labels.iter().map(|l| l.as_str().to_string()).collect::<Vec<_>>())).collect();
                assert_eq!(labels, expected, "{name}");
            }
        }
    }
    assert!(files >= 300, "corpus has {files} files");
}

#[test]
fn no_finding_where_checkov_passes() {
    let snapshot = fs::read_to_string(repo().join("tests/rules/corpus-checkov.txt")).unwrap();
    let checkov: BTreeSet<(String, String, String)> = snapshot
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut it = l.split_whitespace();
            (it.next().unwrap().to_string(), it.next().unwrap().to_string(), it.next().unwrap().to_string())
        })
        .collect();
    let doc = fs::read_to_string(repo().join("docs/rules-disagreements.md")).unwrap();
    let mut total = 0;
    let mut agreed = 0;
    let mut documented = 0;
    let mut undocumented = Vec::new();
    for (dir, files) in modules() {
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let report = tc_rules::check(&refs);
        // Every corpus file is valid Terraform, including object constructors with repeated
        // keys that hcl-edit alone rejects.
        assert!(report.parse_errors.is_empty(), "{dir}: {:?}", report.parse_errors);
        for f in report.findings {
            total += 1;
            let file = format!("{dir}/{}", f.file);
            let base = f.resource.split('[').next().unwrap().to_string();
            if checkov.contains(&(file.clone(), f.checkov_id.to_string(), base.clone())) {
                agreed += 1;
            } else if doc.lines().any(|l| l.contains(f.checkov_id) && l.contains(&format!("`{base}`")) && l.contains(&format!("`{file}`"))) {
                documented += 1;
            } else {
                undocumented.push(format!("| {} | `{}` | `{}` | {} |", f.checkov_id, file, base, f.message));
            }
        }
    }
    eprintln!("corpus: {total} findings, {agreed} also failed by checkov, {documented} documented differences");
    undocumented.sort();
    undocumented.dedup();
    assert!(undocumented.is_empty(), "findings where checkov passes, not in docs/rules-disagreements.md:\n{}", undocumented.join("\n"));
}

/// Half-typed files (every corpus file cut at many points, as while typing) never make
/// the engine panic: broken blocks become parse errors and the rest is still checked.
#[test]
fn truncated_files_never_panic() {
    let mut runs = 0;
    for files in modules().values().take(40) {
        for (name, text) in files {
            let step = (text.len() / 25).max(1);
            let mut cut = 0;
            while cut < text.len() {
                while !text.is_char_boundary(cut) {
                    cut += 1;
                }
                let part = &text[..cut];
                let report = tc_rules::check(&[(name.as_str(), part)]);
                for f in &report.findings {
                    assert!(f.range.end <= part.len(), "{name}@{cut}: range outside the text");
                }
                runs += 1;
                cut += step;
            }
        }
    }
    assert!(runs > 1000, "{runs}");
}
