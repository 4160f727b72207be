//! The conversation context sent with each call: the last messages exchanged
//! (at most [`MAX_MESSAGES`]) and the parameters collected so far, with long texts
//! cut so one pasted log cannot blow the token budget.

use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use tc_knowledge::Value;

/// Messages of history kept for the model.
pub const MAX_MESSAGES: usize = 20;
/// Longest single history message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1000;
/// Longest rendering of the collected parameters, in characters.
pub const MAX_COLLECTED_CHARS: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

/// One chat message, serialized exactly as the chat completions API expects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Message { role, content: content.into() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Context {
    history: VecDeque<Message>,
    /// `resource_key.parameter` → value, as the conversation collected them.
    collected: BTreeMap<String, Value>,
}

impl Context {
    /// Adds a message to the history, cutting it if long and forgetting the oldest
    /// message beyond [`MAX_MESSAGES`].
    pub fn push(&mut self, role: Role, text: &str) {
        self.history.push_back(Message::new(role, truncate(text, MAX_MESSAGE_CHARS)));
        while self.history.len() > MAX_MESSAGES {
            self.history.pop_front();
        }
    }

    pub fn set_collected(&mut self, collected: BTreeMap<String, Value>) {
        self.collected = collected;
    }

    pub fn history(&self) -> impl Iterator<Item = &Message> {
        self.history.iter()
    }

    pub fn len(&self) -> usize {
        self.history.len()
    }

    pub fn is_empty(&self) -> bool {
        self.history.is_empty()
    }

    /// The collected parameters as compact JSON, cut to [`MAX_COLLECTED_CHARS`].
    pub fn collected_json(&self) -> String {
        let json = serde_json::to_string(&self.collected).unwrap_or_else(|_| "{}".to_string());
        truncate(&json, MAX_COLLECTED_CHARS)
    }
}

/// Cuts `text` to at most `max` characters (never inside a character) and says so.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((byte, _)) => format!("{} …[cut: {} more characters]", &text[..byte], text[byte..].chars().count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_twenty_messages_and_cuts_long_ones() {
        let mut c = Context::default();
        for i in 0..25 {
            c.push(if i % 2 == 0 { Role::User } else { Role::Assistant }, &format!("message {i}"));
        }
        let kept: Vec<&str> = c.history().map(|m| m.content.as_str()).collect();
        assert_eq!(kept.len(), MAX_MESSAGES);
        assert_eq!(kept[0], "message 5");
        assert_eq!(kept[19], "message 24");

        c.push(Role::User, &"é".repeat(MAX_MESSAGE_CHARS + 7));
        let last = c.history().last().unwrap();
        assert!(last.content.starts_with(&"é".repeat(MAX_MESSAGE_CHARS)));
        assert!(last.content.ends_with("[cut: 7 more characters]"), "{}", &last.content[last.content.len() - 40..]);
    }

    #[test]
    fn short_text_is_untouched() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "abc …[cut: 1 more characters]");
    }
}
