--- `:checkhealth terraconverse`: the Neovim version, the server binary, whether it
--- runs, and the language clients this plugin started.
local M = {}

-- Neovim 0.10 renamed the reporters (health.start/ok/...); 0.7 to 0.9 have report_*.
local health = vim.health or require('health')
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local error = health.error or health.report_error
local info = health.info or health.report_info

function M.check()
  start('TerraConverse')
  if vim.fn.has('nvim-0.7') == 1 then
    ok('Neovim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. ' (0.7 or newer is needed)')
  else
    error('Neovim 0.7 or newer is needed')
  end

  local config = require('terraconverse').config or require('terraconverse.config').resolve({})
  local cmd = require('terraconverse.config').server_cmd(config)
  if vim.fn.executable(cmd[1]) ~= 1 then
    error(string.format('cannot run %q', cmd[1]), {
      'Install it: cargo install --path server/cli (from the TerraConverse repository)',
      'or point the plugin at it: require("terraconverse").setup({ cmd = { "/path/to/terraconverse", "lsp" } })',
      'or set $TERRACONVERSE_PATH',
    })
  else
    local out = vim.fn.system({ cmd[1], '--version' })
    if vim.v.shell_error == 0 then
      ok(string.format('%s runs: %s', vim.fn.exepath(cmd[1]), vim.trim(out)))
    else
      error(string.format('%s --version failed: %s', cmd[1], vim.trim(out)))
    end
  end

  local clients = require('terraconverse.client').all()
  local n = 0
  for root, c in pairs(clients) do
    n = n + 1
    info(string.format('language server %d running for %s', c.id, root))
  end
  if n == 0 then
    info('no language server running yet (it starts with :TerraConverse or when a .tf file opens after setup())')
  end

  if vim.ui and vim.ui.select and vim.ui.input then
    ok('vim.ui.select and vim.ui.input are available (questions use them)')
  else
    warn('vim.ui.select/vim.ui.input are missing')
  end
end

return M
