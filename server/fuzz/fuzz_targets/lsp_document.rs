//! Fuzzes the LSP document model: arbitrary incremental changes (UTF-16 positions,
//! possibly out of range) keep the rope consistent with a plain-string model, and
//! position conversion round-trips on character boundaries.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use tc_lsp::document::TextDocument;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

#[derive(Arbitrary, Debug)]
struct Change {
    start_line: u8,
    start_char: u8,
    len_lines: u8,
    end_char: u8,
    text: String,
}

fuzz_target!(|input: (String, Vec<Change>)| {
    let (initial, changes) = input;
    let mut doc = TextDocument::new(&initial, 0, "terraform");
    for (i, change) in changes.iter().take(32).enumerate() {
        let start = Position::new(change.start_line as u32, change.start_char as u32);
        let end = Position::new(change.start_line as u32 + change.len_lines as u32 % 4, change.end_char as u32);
        let (start, end) = if (end.line, end.character) < (start.line, start.character) { (end, start) } else { (start, end) };
        // The reference model: the same change on a String, using the document's own
        // clamping of positions to bytes.
        let from = doc.position_to_byte(start);
        let to = doc.position_to_byte(end).max(from);
        let mut expected = doc.text();
        expected.replace_range(from..to, &change.text);
        doc.apply_change(&TextDocumentContentChangeEvent { range: Some(Range::new(start, end)), range_length: None, text: change.text.clone() });
        doc.set_version(i as i32 + 1);
        assert_eq!(doc.text(), expected);
        let text = doc.text();
        for (byte, c) in text.char_indices().step_by(7) {
            // Inside a CRLF pair there is no position: the LF maps back to the CR.
            if c == '\n' && text[..byte].ends_with('\r') {
                continue;
            }
            assert_eq!(doc.position_to_byte(doc.byte_to_position(byte)), byte);
        }
    }
});
