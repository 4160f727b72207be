//! Inputs the fuzz targets once crashed on (server/fuzz), replayed: reading the
//! syntax error or the blocks of each must not panic, and every reported span must lie
//! on character boundaries of the text.

use std::path::Path;

/// What the fuzz targets receive for a raw input: libFuzzer's `&str` is the longest
/// valid UTF-8 prefix of the bytes.
fn as_fuzz_str(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid prefix"),
    }
}

#[test]
fn crash_inputs_get_a_syntax_error_on_character_boundaries() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("regression folder") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("input");
        let text = as_fuzz_str(&bytes);
        let error = tc_edit::syntax_error(text).expect("these inputs do not parse");
        assert!(text.is_char_boundary(error.span.start) && text.is_char_boundary(error.span.end), "span {:?}", error.span);
        let indexed = tc_edit::index_blocks(text).expect_err("index_blocks reports the same error");
        assert_eq!(indexed.span, error.span);
        seen += 1;
    }
    assert!(seen >= 2, "the regression inputs are missing");
}
