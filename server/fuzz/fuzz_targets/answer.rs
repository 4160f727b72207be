//! Fuzzes answer handling: a sequence of arbitrary answers to the web + db
//! conversation never panics, and a rejected answer leaves the state unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tc_conversation::Conversation;

fuzz_target!(|answers: Vec<String>| {
    let (mut conversation, _) = Conversation::start("a web server with a postgres database").expect("the seed request names resources");
    for answer in answers.iter().take(16) {
        let before = serde_json::to_string(&conversation).unwrap();
        let turn = conversation.handle(answer);
        if turn.rejection.is_some() {
            let after = serde_json::to_string(&conversation).unwrap();
            assert_eq!(before, after, "a rejected answer {answer:?} changed the conversation");
        }
    }
    let _ = conversation.stack();
    let _ = conversation.partial_stack();
});
