//! An in-memory cache of model answers keyed by the exact request body, so asking
//! the same thing twice (re-opening a file, repeating a request) costs no tokens
//! and no waiting. Bounded; the oldest entry is evicted first.

use serde_json::Value;
use std::collections::{HashMap, VecDeque};

#[derive(Debug)]
pub struct Cache {
    capacity: usize,
    entries: HashMap<String, CachedAnswer>,
    order: VecDeque<String>,
}

#[derive(Debug, Clone)]
pub struct CachedAnswer {
    pub json: Value,
}

impl Cache {
    pub fn new(capacity: usize) -> Self {
        Cache { capacity, entries: HashMap::new(), order: VecDeque::new() }
    }

    pub fn get(&self, key: &str) -> Option<CachedAnswer> {
        self.entries.get(key).cloned()
    }

    pub fn insert(&mut self, key: String, answer: CachedAnswer) {
        if self.capacity == 0 {
            return;
        }
        if self.entries.insert(key.clone(), answer).is_none() {
            self.order.push_back(key);
        }
        while self.entries.len() > self.capacity {
            match self.order.pop_front() {
                Some(old) => {
                    self.entries.remove(&old);
                }
                None => break,
            }
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn evicts_the_oldest_entry_beyond_capacity() {
        let mut c = Cache::new(2);
        for (k, v) in [("a", 1), ("b", 2), ("a", 10), ("c", 3)] {
            c.insert(k.to_string(), CachedAnswer { json: json!(v) });
        }
        assert_eq!(c.len(), 2);
        assert!(c.get("a").is_none(), "a was inserted first, so it goes first");
        assert_eq!(c.get("b").unwrap().json, json!(2));
        assert_eq!(c.get("c").unwrap().json, json!(3));
    }
}
