//! One open text document: its text in a rope, its version, and the conversions
//! between LSP positions (line, UTF-16 code unit) and the byte offsets the core uses.

use ropey::Rope;
use std::ops::Range;
use tower_lsp_server::ls_types::{Position, Range as LspRange, TextDocumentContentChangeEvent};

#[derive(Debug, Clone)]
pub struct TextDocument {
    rope: Rope,
    version: i32,
    language_id: String,
}

impl TextDocument {
    pub fn new(text: &str, version: i32, language_id: impl Into<String>) -> Self {
        TextDocument { rope: Rope::from_str(text), version, language_id: language_id.into() }
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn language_id(&self) -> &str {
        &self.language_id
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// Applies one `didChange` event: a ranged replacement, or the whole text when the
    /// event has no range. Positions past the end of a line or of the document are
    /// clamped, as the specification asks.
    pub fn apply_change(&mut self, change: &TextDocumentContentChangeEvent) {
        match change.range {
            Some(range) => {
                let start = self.position_to_char(range.start);
                let end = self.position_to_char(range.end).max(start);
                self.rope.remove(start..end);
                self.rope.insert(start, &change.text);
            }
            None => self.rope = Rope::from_str(&change.text),
        }
    }

    pub fn set_version(&mut self, version: i32) {
        self.version = version;
    }

    /// The byte offset of an LSP position.
    pub fn position_to_byte(&self, pos: Position) -> usize {
        self.rope.char_to_byte(self.position_to_char(pos))
    }

    fn position_to_char(&self, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_chars();
        }
        let line_start = self.rope.line_to_char(line);
        let line_slice = self.rope.line(line);
        // The line's length without its line break, in chars and UTF-16 units.
        let mut line_chars = line_slice.len_chars();
        while line_chars > 0 && matches!(line_slice.char(line_chars - 1), '\n' | '\r') {
            line_chars -= 1;
        }
        let line_units = line_slice.char_to_utf16_cu(line_chars);
        let units = (pos.character as usize).min(line_units);
        line_start + line_slice.utf16_cu_to_char(units)
    }

    /// The LSP position of a byte offset (clamped to the text, rounded down to a char).
    pub fn byte_to_position(&self, byte: usize) -> Position {
        let byte = byte.min(self.rope.len_bytes());
        let ch = self.rope.byte_to_char(byte);
        let line = self.rope.char_to_line(ch);
        let line_start = self.rope.line_to_char(line);
        let units = self.rope.char_to_utf16_cu(ch) - self.rope.char_to_utf16_cu(line_start);
        Position::new(line as u32, units as u32)
    }

    pub fn byte_range_to_lsp(&self, range: Range<usize>) -> LspRange {
        LspRange::new(self.byte_to_position(range.start), self.byte_to_position(range.end))
    }

    pub fn lsp_range_to_bytes(&self, range: LspRange) -> Range<usize> {
        let start = self.position_to_byte(range.start);
        start..self.position_to_byte(range.end).max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(LspRange::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn utf16_positions_of_non_ascii_and_emoji() {
        // "é" is 2 bytes / 1 unit, "🚀" is 4 bytes / 2 units, "東" is 3 bytes / 1 unit.
        let doc = TextDocument::new("# é🚀東 x\nab\r\nc\u{2028}d\n", 1, "terraform");
        let table = [
            (Position::new(0, 0), 0),
            (Position::new(0, 3), 4),  // after "# é"
            (Position::new(0, 5), 8),  // after the rocket
            (Position::new(0, 6), 11), // after 東
            (Position::new(0, 99), 13), // clamped to the end of the line
            (Position::new(1, 2), 16),
            (Position::new(1, 5), 16), // \r\n is not part of the line
            (Position::new(2, 3), 23), // U+2028 is not a line break in LSP
            (Position::new(9, 0), 24), // past the end
        ];
        for (pos, byte) in table {
            assert_eq!(doc.position_to_byte(pos), byte, "{pos:?}");
        }
        for byte in [0, 4, 8, 11, 16, 19, 23] {
            assert_eq!(doc.position_to_byte(doc.byte_to_position(byte)), byte, "byte {byte}");
        }
        assert_eq!(doc.byte_to_position(8), Position::new(0, 5));
    }

    #[test]
    fn incremental_changes_replace_utf16_ranges() {
        let mut doc = TextDocument::new("# 🚀 rocket\nlocals {}\n", 1, "terraform");
        doc.apply_change(&change(0, 2, 0, 4, "🛸"));
        assert_eq!(doc.text(), "# 🛸 rocket\nlocals {}\n");
        doc.apply_change(&change(1, 8, 1, 8, " a = 1 "));
        assert_eq!(doc.text(), "# 🛸 rocket\nlocals { a = 1 }\n");
        doc.apply_change(&change(0, 0, 1, 0, ""));
        assert_eq!(doc.text(), "locals { a = 1 }\n");
        doc.apply_change(&TextDocumentContentChangeEvent { range: None, range_length: None, text: "x".into() });
        assert_eq!(doc.text(), "x");
    }
}
