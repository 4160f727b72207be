//! One file per request or notification handler. Each locks the session only for
//! synchronous work and releases it before awaiting the client.

pub mod answer;
pub mod back;
pub mod cancel;
pub mod change;
pub mod code_action;
pub mod completion;
pub mod configuration;
pub mod did_change;
pub mod did_close;
pub mod did_open;
pub mod hover;
pub mod initialize;
pub mod list;
pub mod resolve;
pub mod start;
pub mod status;
