//! One module per subcommand.

pub mod intent;
