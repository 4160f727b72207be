//! Fuzzes edit planning against random buffers: merging a generated configuration
//! into arbitrary existing text never panics, and every planned edit lies inside the
//! text, on character boundaries, without overlapping another.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use tc_edit::merge::{plan, Decisions, DesiredBlock, Ledger, MergeInput};

fn desired() -> &'static [DesiredBlock] {
    static BLOCKS: OnceLock<Vec<DesiredBlock>> = OnceLock::new();
    BLOCKS.get_or_init(|| {
        let stack = tc_conversation::run_non_interactive("a web server with a postgres database", &BTreeMap::new()).expect("defaults complete");
        let generated = tc_generate::generate(&stack).expect("generation succeeds");
        generated
            .files
            .iter()
            .flat_map(|f| f.blocks.iter().map(move |b| DesiredBlock { file: f.path.clone(), text: b.text.clone() }))
            .collect()
    })
}

fuzz_target!(|text: &str| {
    let mut files = BTreeMap::new();
    files.insert("main.tf".to_string(), text.to_string());
    let ledger = Ledger::default();
    let decisions = Decisions::default();
    let input = MergeInput { files: &files, desired: desired(), ledger: &ledger, decisions: &decisions, single_file: None };
    if let Ok(merge) = plan(input) {
        for file in &merge.files {
            let Some(current) = files.get(&file.file) else { continue };
            let mut end = 0;
            for edit in &file.edits {
                assert!(edit.range.start >= end, "overlapping edits in {}", file.file);
                assert!(edit.range.end <= current.len());
                assert!(current.is_char_boundary(edit.range.start) && current.is_char_boundary(edit.range.end));
                end = edit.range.end;
            }
            let _ = tc_edit::apply_edits(current, &file.edits);
        }
    }
});
