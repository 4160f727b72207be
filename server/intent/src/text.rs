//! Normalisation and tokenisation of request text: accents folded, case lowered,
//! split into word tokens with byte spans, sentence numbers and matching keys.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;

/// One word of the request.
#[derive(Debug, Clone)]
pub struct Token {
    /// The word as written, lowercased and accent-folded (`t3.micro`, `nodejs18`).
    pub text: String,
    /// The key used for matching: equivalent-word mapping, then the English stem.
    pub key: String,
    /// Byte span in the normalised text.
    pub start: usize,
    pub end: usize,
    /// Index of the sentence or clause the word is in.
    pub sentence: usize,
    /// Whether a comma separates this word from the one before.
    pub comma_before: bool,
}

/// Lowercases, folds accents to ASCII and drops apostrophes ("don't" → "dont").
pub fn normalize(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .replace(['\'', '`'], "")
}

/// Splits normalised text into words. A word is a run of letters and digits; a `.`
/// or `:` between two alphanumerics stays inside it (`t3.micro`, `node.js`, `7:30`).
/// `+` and `&` become the word "and". Sentence ends are `.`, `!`, `?`, `;`, `:` before
/// a space, and line breaks.
pub fn words(norm: &str) -> Vec<(String, usize, usize, usize)> {
    let bytes = norm.as_bytes();
    let mut out = Vec::new();
    let mut sentence = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c.is_ascii_alphanumeric() {
            let start = i;
            while i < bytes.len() {
                let c = bytes[i] as char;
                let inner = (c == '.' || c == ':')
                    && i + 1 < bytes.len()
                    && (bytes[i + 1] as char).is_ascii_alphanumeric()
                    && i > start;
                if c.is_ascii_alphanumeric() || inner {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push((norm[start..i].to_string(), start, i, sentence));
            continue;
        }
        match c {
            '+' | '&' => out.push(("and".to_string(), i, i + 1, sentence)),
            '\n' | '!' | '?' | ';' => sentence += 1,
            '.' | ':' if bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()) => sentence += 1,
            _ => {}
        }
        i += 1;
    }
    out
}

/// Maps words to matching keys: equivalent words to their canonical word, then the
/// Snowball English stem.
pub struct Keyer {
    stemmer: Stemmer,
    equivalents: HashMap<String, String>,
}

impl Keyer {
    pub fn new(equivalents: HashMap<String, String>) -> Self {
        Keyer {
            stemmer: Stemmer::create(Algorithm::English),
            equivalents,
        }
    }

    pub fn key(&self, word: &str) -> String {
        let canonical = self
            .equivalents
            .get(word)
            .map(String::as_str)
            .unwrap_or(word);
        // Numbers, versions and dotted names are matched as written.
        if canonical.chars().any(|c| c.is_ascii_digit() || c == '.') {
            return canonical.to_string();
        }
        self.stemmer.stem(canonical).into_owned()
    }

    /// Keys of a phrase written in the knowledge base.
    pub fn phrase(&self, phrase: &str) -> Vec<String> {
        words(&normalize(phrase))
            .into_iter()
            .map(|(w, ..)| self.key(&w))
            .collect()
    }

    pub fn tokens(&self, norm: &str) -> Vec<Token> {
        words(norm)
            .into_iter()
            .map(|(text, start, end, sentence)| Token {
                comma_before: norm[..start].trim_end().ends_with(','),
                key: self.key(&text),
                text,
                start,
                end,
                sentence,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_dotted_names_and_split_sentences() {
        let w: Vec<_> = words(&normalize(
            "Need t3.micro in São Paulo. Node.js 7:30pm + w/ don't",
        ))
        .into_iter()
        .map(|(w, _, _, s)| format!("{w}@{s}"))
        .collect();
        assert_eq!(
            w,
            [
                "need@0",
                "t3.micro@0",
                "in@0",
                "sao@0",
                "paulo@0",
                "node.js@1",
                "7:30pm@1",
                "and@1",
                "w@1",
                "dont@1"
            ]
        );
    }

    #[test]
    fn keys_fold_plurals_and_equivalents() {
        let k = Keyer::new(HashMap::from([("pics".to_string(), "image".to_string())]));
        assert_eq!(k.key("servers"), k.key("server"));
        assert_eq!(k.key("pics"), k.key("image"));
        assert_eq!(k.key("t3.micro"), "t3.micro");
    }
}
