--- The TerraConverse conversation protocol as the Neovim plugin sees it: the Lua
--- mirror of `server/lsp/src/protocol.rs` (method names; `docs/lsp-extensions.md`
--- describes the fields). A test checks these names against the Rust declaration.
local M = {}

--- Client -> server requests.
M.requests = {
  start = 'terraconverse/start',
  answer = 'terraconverse/answer',
  back = 'terraconverse/back',
  change = 'terraconverse/change',
  status = 'terraconverse/status',
  cancel = 'terraconverse/cancel',
  list = 'terraconverse/list',
  resolve = 'terraconverse/resolve',
}

--- Server -> client notifications.
M.notifications = {
  question = 'terraconverse/question',
  warnings = 'terraconverse/warnings',
  complete = 'terraconverse/complete',
  conflict = 'terraconverse/conflict',
}

--- Commands the server puts into code actions; the editor runs them itself.
M.commands = {
  start_conversation = 'terraconverse.startConversation',
}

--- The buttons of a question (`AnswerParams.action`).
M.actions = {
  default = 'default',
  skip = 'skip',
  accept_all_defaults = 'acceptAllDefaults',
  confirm = 'confirm',
  decline = 'decline',
  help = 'help',
}

return M
