--- The plugin's settings: defaults, merging the user's table into them, and checking
--- it so a typo is reported with the fix instead of failing later.
local M = {}

M.defaults = {
  --- The server command. `TERRACONVERSE_PATH` or `terraconverse` on PATH by default.
  cmd = nil,
  --- Extra environment for the server, e.g. { TERRACONVERSE_LLM_API_KEY = ... }.
  cmd_env = nil,
  --- Files or folders that mark the workspace root (the conversation writes there).
  root_markers = { '.terraconverse', '.terraform', '.git' },
  --- Buffers the server attaches to (diagnostics, code actions).
  filetypes = { 'terraform', 'tf', 'hcl' },
  --- Sent as initializationOptions: `logLevel`, `llm = { baseUrl, model }`.
  init_options = { logLevel = 'warn' },
  --- Write the files a conversation changed when it completes.
  autowrite = true,
  --- Where the transcript opens: 'split', 'vsplit', 'tab' or 'none'.
  transcript = 'split',
  --- Called as on_attach(client, bufnr) for each attached buffer.
  on_attach = nil,
}

local kinds = {
  cmd = { 'table', 'nil' },
  cmd_env = { 'table', 'nil' },
  root_markers = { 'table' },
  filetypes = { 'table' },
  init_options = { 'table' },
  autowrite = { 'boolean' },
  transcript = { 'string' },
  on_attach = { 'function', 'nil' },
}

--- Merges `user` into the defaults. Returns the config, or nil and a message naming
--- the wrong key and what it should be.
function M.resolve(user)
  user = user or {}
  if type(user) ~= 'table' then
    return nil, 'terraconverse.setup() takes a table, e.g. setup({ autowrite = false })'
  end
  for key, value in pairs(user) do
    local allowed = kinds[key]
    if not allowed then
      local known = vim.tbl_keys(kinds)
      table.sort(known)
      return nil, string.format('unknown option %q; the options are: %s', key, table.concat(known, ', '))
    end
    if not vim.tbl_contains(allowed, type(value)) then
      return nil, string.format('option %q must be a %s, not a %s', key, table.concat(allowed, ' or '), type(value))
    end
  end
  local where = { split = true, vsplit = true, tab = true, none = true }
  if user.transcript ~= nil and not where[user.transcript] then
    return nil, string.format("option transcript must be 'split', 'vsplit', 'tab' or 'none', not %q", user.transcript)
  end
  return vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), user)
end

--- The command that starts the server.
function M.server_cmd(config)
  if config.cmd then
    return config.cmd
  end
  local path = vim.env.TERRACONVERSE_PATH
  if path == nil or path == '' then
    path = 'terraconverse'
  end
  return { path, 'lsp' }
end

return M
