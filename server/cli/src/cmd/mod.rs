//! One module per subcommand.

pub mod chat;
pub mod check;
pub mod generate;
pub mod intent;
pub mod lsp;
